/** `tally catalog …` and `tally demo seed`: the catalog on disk and the demo warehouse. */
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { grantStatements, READER_ROLE } from '../warehouse/grants.ts';
import { configFor } from './cli-support.ts';
import { DEFAULT_CATALOG } from './paths.ts';

const catalogPath = (path?: string) => path ?? configFor().TALLY_CATALOG ?? DEFAULT_CATALOG;

export async function lintCommand(path?: string): Promise<void> {
  const loaded = await loadCatalog(catalogPath(path));
  process.stdout.write(
    `${catalogPath(path)}: OK — ${loaded.tables.length} tables, ${loaded.metrics.length} metrics, ${loaded.dimensions.length} dimensions, ${loaded.joins.length} joins\n`,
  );
}

export async function showCommand(path: string | undefined, options: { json?: boolean }): Promise<void> {
  const loaded = await loadCatalog(catalogPath(path));
  if (options.json) return void process.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
  const lines = [`Catalog ${loaded.name}: ${loaded.description}`, '', 'Metrics:'];
  for (const m of loaded.metrics)
    lines.push(
      `  ${m.label} (${m.name}) — ${m.description}${m.synonyms.length ? `  [also: ${m.synonyms.join(', ')}]` : ''}`,
    );
  lines.push('', 'Dimensions:');
  for (const d of loaded.dimensions)
    lines.push(
      `  ${d.label} (${d.name}) — ${d.sources.map((s) => `${s.table}.${s.column ?? s.expression}`).join(', ')}`,
    );
  lines.push('', 'Tables:');
  for (const t of loaded.tables) {
    const personal = t.columns.filter((c) => c.personal).map((c) => c.name);
    lines.push(
      `  ${t.name} (${t.alias}) — ${t.description}${personal.length ? `  personal: ${personal.join(', ')}` : ''}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function grantsCommand(
  path: string | undefined,
  options: { role?: string; database: string },
): Promise<void> {
  const role = options.role ?? READER_ROLE;
  const loaded = await loadCatalog(catalogPath(path));
  const statements = grantStatements(loaded, { role, database: options.database });
  process.stdout.write(`-- Run as an administrator, then set a password: ALTER ROLE ${role} PASSWORD '…';\n`);
  process.stdout.write(`${statements.map((s) => `${s};`).join('\n')}\n`);
}

export async function seedCommand(options: { scale: number; seed: number; end?: string }): Promise<void> {
  const { INJECTED_ANOMALIES } = await import('../warehouse/demo/anomalies.ts');
  const { defaultSeedEnd, seedDemo } = await import('../warehouse/demo/seed.ts');
  const { clock, openWarehouse, withClient } = await import('./runtime.ts');
  const { createLogger } = await import('./logger.ts');
  const { progressReporter } = await import('./terminal.ts');
  const config = configFor();
  const warehouse = await openWarehouse(config, createLogger(config));
  try {
    const end = options.end ?? defaultSeedEnd(clock(config)());
    process.stderr.write(
      `Seeding the demo warehouse: scale ${options.scale}, seed ${options.seed}, 2024-01-01 … ${end}\n`,
    );
    const summary = await withClient(warehouse.adminUrl, (client) =>
      seedDemo(client, { seed: options.seed, scale: options.scale, end, onProgress: progressReporter() }),
    );
    const counts = Object.entries(summary.rows).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`);
    process.stdout.write(
      `Seeded in ${summary.seconds.toFixed(1)} s: ${counts.join(', ')}\nInjected anomalies:\n`,
    );
    for (const a of INJECTED_ANOMALIES) process.stdout.write(`  ${a.id}: ${a.description}\n`);
  } finally {
    await warehouse.embedded?.stop();
  }
}
