/** The actions of `tally catalog init | lint --warehouse | drift | gaps`: options in, text out. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
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
  if (options.out) await writeFile(options.out, result.yaml);
  else process.stdout.write(result.yaml);
  const { catalog, counts } = result.draft;
  process.stderr.write(
    `Drafted ${catalog.tables.length} tables, ${catalog.joins?.length ?? 0} joins (${counts.guessedJoins} guessed), ` +
      `${catalog.metrics.length} metrics (${counts.draftMetrics} drafts), ${catalog.dimensions?.length ?? 0} dimensions, ` +
      `${counts.personal} personal columns in ${((performance.now() - started) / 1000).toFixed(1)} s` +
      `${options.out ? ` → ${options.out}` : ''}.\nReview the header's list, then: tally catalog lint ${options.out ?? '<file>'} --warehouse\n`,
  );
}

export { catalogPath, withWarehouseUrl };
