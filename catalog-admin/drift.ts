/**
 * Drift: what changed in the warehouse since the catalog was written (a column dropped or
 * retyped, a table gone or added). `tally start` logs one warning per change and carries on;
 * `tally catalog drift` lists them. Structure only: two pg_catalog queries, no table is read.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_CATALOG } from '../bot/paths.ts';
import type { Runtime } from '../bot/runtime.ts';
import { resolveCatalogFile } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Executor } from '../warehouse/executor.ts';
import type { RunSql } from './introspect.ts';
import { lintAgainstWarehouse, type WarehouseProblem } from './lint-warehouse.ts';

export async function findDrift(
  catalog: Catalog,
  catalogPath: string,
  run: RunSql,
): Promise<WarehouseProblem[]> {
  const file = await resolveCatalogFile(catalogPath);
  const text = await readFile(file, 'utf8');
  return lintAgainstWarehouse(catalog, text, file, run, { values: false, newTables: true });
}

/** The read-only executor as a RunSql: rows as records; a cut result is said, not hidden. */
export function executorRunner(executor: Executor, onTruncated: () => void): RunSql {
  return async (sql) => {
    const result = await executor.run(sql);
    if (result.truncated) onTruncated();
    return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
  };
}

/** At start-up: one warning per change, never an exception (a stale catalog still answers the rest). */
export async function logDrift(
  runtime: Pick<Runtime, 'catalog' | 'executor' | 'log' | 'config'>,
): Promise<WarehouseProblem[]> {
  const { log } = runtime;
  const catalogPath = runtime.config.TALLY_CATALOG ?? DEFAULT_CATALOG;
  try {
    const run = executorRunner(runtime.executor, () =>
      log.warn('catalog drift check incomplete: the warehouse listing was cut at MAX_QUERY_ROWS'),
    );
    const problems = await findDrift(runtime.catalog, catalogPath, run);
    for (const p of problems)
      log.warn(
        { drift: p.kind, at: `${p.file}${p.line ? `:${p.line}` : ''}` },
        `catalog drift: ${p.message}`,
      );
    if (problems.length > 0)
      log.warn(`catalog drift: ${problems.length} change(s); run tally catalog drift for the list`);
    return problems;
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'catalog drift check failed; continuing');
    return [];
  }
}
