/** The actions of `tally catalog init | lint --warehouse | drift | gaps`: options in, text out. */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { configFor } from '../bot/cli-support.ts';
import { DEFAULT_CATALOG } from '../bot/paths.ts';

const catalogPath = (path?: string) => path ?? configFor().TALLY_CATALOG ?? DEFAULT_CATALOG;

class CommandError extends Error {
  readonly code = 'tally_catalog_admin';
}

/** The warehouse as the admin's role sees it: --url, else ANALYTICS_DB_URL, else the embedded one. */
async function withWarehouseUrl<T>(url: string | undefined, work: (url: string) => Promise<T>): Promise<T> {
  if (url) return work(url);
  const config = configFor();
  const { openWarehouse } = await import('../bot/runtime.ts');
  const { createLogger } = await import('../bot/logger.ts');
  const warehouse = await openWarehouse(config, createLogger(config));
  try {
    return await work(warehouse.adminUrl);
  } finally {
    await warehouse.embedded?.stop();
  }
}

export async function initCommand(options: {
  url?: string;
  schema?: string[];
  table?: string[];
  name?: string;
  out?: string;
  force?: boolean;
}): Promise<void> {
  if (options.out && existsSync(options.out) && !options.force)
    throw new CommandError(`${options.out} exists; pass --force to overwrite it`);
  const { initCatalog } = await import('./init.ts');
  const { progressReporter } = await import('../bot/terminal.ts');
  const started = performance.now();
  const result = await withWarehouseUrl(options.url, (url) =>
    initCatalog(url, {
      schemas: options.schema,
      tables: options.table,
      name: options.name,
      onProgress: progressReporter(),
    }),
  );
  if (options.out) {
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, result.yaml);
  } else process.stdout.write(result.yaml);
  const { catalog, counts } = result.draft;
  process.stderr.write(
    `Drafted ${catalog.tables.length} tables, ${catalog.joins?.length ?? 0} joins (${counts.guessedJoins} guessed), ` +
      `${catalog.metrics.length} metrics (${counts.draftMetrics} drafts), ${catalog.dimensions?.length ?? 0} dimensions, ` +
      `${counts.personal} personal columns in ${((performance.now() - started) / 1000).toFixed(1)} s` +
      `${options.out ? ` → ${options.out}` : ''}.\nReview the header's list, then: tally catalog lint ${options.out ?? '<file>'} --warehouse\n`,
  );
}

export async function lintWarehouseCommand(
  path: string | undefined,
  options: { url?: string },
): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { CatalogError, loadCatalog, resolveCatalogFile } = await import('../semantic-catalog/loader.ts');
  const { clientRunner } = await import('./introspect.ts');
  const { lintAgainstWarehouse } = await import('./lint-warehouse.ts');
  const { withClient } = await import('../bot/runtime.ts');
  const file = await resolveCatalogFile(catalogPath(path));
  const catalog = await loadCatalog(file);
  const text = await readFile(file, 'utf8');
  const problems = await withWarehouseUrl(options.url, (url) =>
    withClient(url, async (client) => {
      await client.query('BEGIN READ ONLY');
      try {
        return await lintAgainstWarehouse(catalog, text, file, clientRunner(client), {
          values: true,
          newTables: false,
        });
      } finally {
        await client.query('ROLLBACK');
      }
    }),
  );
  if (problems.length > 0) throw new CatalogError(problems);
  process.stdout.write(
    `${file}: OK against the warehouse — ${catalog.tables.length} tables, every column, type, join key, sample value and metric time found\n`,
  );
}

export async function driftCommand(
  path: string | undefined,
  options: { url?: string; json?: boolean },
): Promise<void> {
  const { loadCatalog } = await import('../semantic-catalog/loader.ts');
  const { clientRunner } = await import('./introspect.ts');
  const { findDrift } = await import('./drift.ts');
  const { withClient } = await import('../bot/runtime.ts');
  const { formatProblem } = await import('../semantic-catalog/loader.ts');
  const catalog = await loadCatalog(catalogPath(path));
  const problems = await withWarehouseUrl(options.url, (url) =>
    withClient(url, (client) => findDrift(catalog, catalogPath(path), clientRunner(client))),
  );
  if (options.json) process.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
  else if (problems.length === 0)
    process.stdout.write(`${catalogPath(path)}: no drift — the warehouse matches the catalog\n`);
  else
    process.stdout.write(
      `${problems.length} change(s) in the warehouse since the catalog was written:\n${problems.map((p) => `${formatProblem(p)}  [${p.kind}]`).join('\n')}\n`,
    );
  if (problems.length > 0) process.exitCode = 1;
}

export async function gapsCommand(options: { since: string; json?: boolean }): Promise<void> {
  const { formatGaps, groupGaps, loadGapRows, sinceExpression } = await import('./gaps.ts');
  const since = sinceExpression(options.since);
  if (!since) throw new CommandError(`--since ${options.since}: write it 7d, 24h, 2w or YYYY-MM-DD`);
  const config = configFor();
  const { openWarehouse } = await import('../bot/runtime.ts');
  const { createLogger } = await import('../bot/logger.ts');
  const { AppDb } = await import('../app-db/app-db.ts');
  const warehouse = await openWarehouse(config, createLogger(config));
  const appDb = new AppDb(warehouse.appUrl);
  try {
    await appDb.migrate();
    const gaps = groupGaps(await loadGapRows(appDb.pool, since));
    process.stdout.write(
      options.json ? `${JSON.stringify(gaps, null, 2)}\n` : formatGaps(gaps, options.since),
    );
  } finally {
    await appDb.close();
    await warehouse.embedded?.stop();
  }
}
