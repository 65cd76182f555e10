/**
 * Where a metric's data starts and ends, so an answer can say "data through 27 Nov 2026" for a
 * period that runs to today, and where the data lies when a period has none. One MIN/MAX query over
 * the metric's time column, through the same gate and read-only executor as every answer, beside
 * (never inside) the answer's own SQL; kept per metric for a few minutes, since data arrives in
 * loads, not by the second.
 */
import { baseMetrics, metricByName, metricTimeColumn, tableByName } from '../semantic-catalog/catalog.ts';
import type { DataExtent } from '../semantic-catalog/period-words.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import type { Catalog, MetricDef } from '../semantic-catalog/schema.ts';
import type { Executor } from '../warehouse/executor.ts';
import { checkSql } from '../warehouse/gate.ts';

export interface ExtentDeps {
  catalog: Catalog;
  executor: Executor;
  maxRows: number;
  log: { warn: (obj: object, msg?: string) => void };
}

const KEEP_MS = 5 * 60_000;

interface Kept {
  at: number;
  extent?: DataExtent;
}

// One cache per executor, i.e. per warehouse: two runtimes in one process never share dates.
const kept = new WeakMap<Executor, Map<string, Kept>>();

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The query, or nothing for a metric with no time column (a snapshot such as headcount). */
export function extentSql(metric: MetricDef, catalog: Catalog): string | undefined {
  const table = tableByName(catalog, baseMetrics(catalog, metric)[0]?.table ?? '');
  const column = metricTimeColumn(catalog, metric);
  if (!table || !column || metric.snapshot) return undefined;
  const time = `${table.alias}.${column}`;
  const name = table.name.split('.').map(quoteIdent).join('.');
  return `SELECT MIN(${time})::date AS first_day, MAX(${time})::date AS last_day FROM ${name} AS ${table.alias}`;
}

/** The first metric's extent (the one the sentence is about); undefined when it can't be known. */
export async function dataExtent(
  deps: ExtentDeps,
  query: SemanticQuery,
  now = Date.now(),
): Promise<DataExtent | undefined> {
  const metric = metricByName(deps.catalog, query.metrics[0] ?? '');
  if (!metric) return undefined;
  const cache = kept.get(deps.executor) ?? new Map<string, Kept>();
  kept.set(deps.executor, cache);
  const hit = cache.get(metric.name);
  if (hit && now - hit.at < KEEP_MS) return hit.extent;
  const extent = await readExtent(deps, metric);
  // A failure is kept too: a missing column must not cost every answer a failing query.
  cache.set(metric.name, { at: now, extent });
  return extent;
}

async function readExtent(deps: ExtentDeps, metric: MetricDef): Promise<DataExtent | undefined> {
  const sql = extentSql(metric, deps.catalog);
  if (!sql) return undefined;
  const verdict = checkSql(sql, deps.catalog, { maxRows: deps.maxRows });
  if (!verdict.ok) {
    deps.log.warn({ rule: verdict.rule, sql }, 'the gate refused the data extent query');
    return undefined;
  }
  try {
    const [row] = (await deps.executor.run(verdict.sql)).rows;
    const [first, last] = row ?? [];
    return typeof first === 'string' && typeof last === 'string' ? { first, last } : undefined;
  } catch (error) {
    // The dates only add words to an answer: without them the answer still stands.
    deps.log.warn({ err: (error as Error).message, metric: metric.name }, 'data extent query failed');
    return undefined;
  }
}
