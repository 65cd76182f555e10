/**
 * Where a metric's data starts and ends, so an answer can say "data through 27 Nov 2026" for a
 * period that runs to today, and where the data lies when a period has none. One MIN/MAX query over
 * the metric's time (its column or its expression; facts dated only to the month end with their
 * last month, "data through April 2026"), through the same gate and read-only executor as every answer, beside
 * (never inside) the answer's own SQL; kept per metric for a few minutes, since data arrives in
 * loads, not by the second.
 */
import { baseMetrics, metricByName, metricTime, tableByName } from '../semantic-catalog/catalog.ts';
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

/**
 * The query, or nothing for a metric with no time (a snapshot such as headcount). Time known only
 * to the month (or coarser) ends on the last day of its last period: that period's facts are in.
 */
export function extentSql(metric: MetricDef, catalog: Catalog): string | undefined {
  const table = tableByName(catalog, baseMetrics(catalog, metric)[0]?.table ?? '');
  const time = metricTime(catalog, metric);
  if (!table || !time || metric.snapshot) return undefined;
  const name = table.name.split('.').map(quoteIdent).join('.');
  const last =
    time.precision === 'day'
      ? `MAX(${time.sql})::date`
      : `(date_trunc('${time.precision}', MAX(${time.sql})) + INTERVAL '1 ${time.precision}' - INTERVAL '1 day')::date`;
  return `SELECT MIN(${time.sql})::date AS first_day, ${last} AS last_day FROM ${name} AS ${table.alias}`;
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
    if (typeof first !== 'string' || typeof last !== 'string') return undefined;
    const precision = metricTime(deps.catalog, metric)?.precision ?? 'day';
    return precision === 'day' ? { first, last } : { first, last, precision };
  } catch (error) {
    // The dates only add words to an answer: without them the answer still stands.
    deps.log.warn({ err: (error as Error).message, metric: metric.name }, 'data extent query failed');
    return undefined;
  }
}
