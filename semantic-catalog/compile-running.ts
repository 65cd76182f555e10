/**
 * "Cumulative revenue by month", "the 3-month moving average of orders": each time bucket's value
 * taken with the buckets before it, over the answer by bucket (and by any breakdown, each apart).
 * A running total starts at the range's first bucket; a moving average reads the buckets before
 * the range that its first windows need, then shows the range only, and never a bucket whose
 * window starts before the data does. The window is by time, not by
 * row, so a bucket with no rows counts as nothing recorded rather than being skipped.
 */
import { type CompiledQuery, CompileError, type OutputColumn, quoteIdent, quoteLiteral } from './compile.ts';
import { addPeriods, startOf } from './dates.ts';
import type { Running, SemanticQuery } from './query.ts';
import { runningLabel } from './restate.ts';
import type { Grain } from './schema.ts';

/** The span of `n` buckets as PostgreSQL writes it (it has no "quarters"). */
function span(grain: Grain, n: number): string {
  return grain === 'quarter' ? `${3 * n} months` : `${n} ${grain}s`;
}

export function compileRunning(
  query: SemanticQuery,
  running: Running,
  compileBase: (each: SemanticQuery) => CompiledQuery,
): CompiledQuery {
  const { running: _, order: __, limit: ___, ...rest } = query;
  const grain = query.grain;
  if (!grain) throw new CompileError('A running total or moving average needs a time grain');
  const back = running.kind === 'average' ? running.periods - 1 : 0;
  const from = query.time ? startOf(grain, query.time.from) : undefined;
  const widened =
    back > 0 && query.time && from
      ? { ...rest, time: { ...query.time, from: addPeriods(grain, from, -back) } }
      : rest;
  const base = compileBase(widened);
  const time = base.columns.find((c) => c.role === 'time');
  if (!time) throw new CompileError('A running total or moving average needs a time grain');
  const groups = base.columns.filter((c) => c.role === 'dimension').map((c) => quoteIdent(c.name));
  const partition = groups.length > 0 ? `PARTITION BY ${groups.join(', ')} ` : '';
  const frame =
    running.kind === 'total'
      ? 'ROWS UNBOUNDED PRECEDING'
      : `RANGE BETWEEN INTERVAL ${quoteLiteral(span(grain, back))} PRECEDING AND CURRENT ROW`;
  const windowOf = `OVER (${partition}ORDER BY ${quoteIdent(time.name)} ${frame})`;
  const named = runningLabel(running, grain);
  const columns: OutputColumn[] = base.columns.map((c) =>
    c.role === 'metric' || c.role === 'scaled'
      ? {
          ...c,
          label: `${c.label} (${named})`,
          ...(running.kind === 'average' && c.format === 'integer' ? { format: 'number' as const } : {}),
          additive: false,
        }
      : c,
  );
  const selects = base.columns.map((c) => {
    const name = quoteIdent(c.name);
    if (c.role !== 'metric' && c.role !== 'scaled') return name;
    // A total over the window divided by its buckets: a bucket with nothing recorded is a zero.
    if (running.kind === 'average')
      return c.additive || c.role === 'scaled'
        ? `SUM(${name}) ${windowOf} / ${running.periods} AS ${name}`
        : `AVG(${name}) ${windowOf} AS ${name}`;
    return `SUM(${name}) ${windowOf} AS ${name}`;
  });
  const bucket = quoteIdent(time.name);
  // Shown: the range asked, and only buckets whose window the data fills (no window that starts
  // before the first data is divided by buckets it never had).
  const shown = [
    ...(back > 0 && from ? [`${bucket} >= DATE ${quoteLiteral(from)}`] : []),
    ...(back > 0 ? [`${bucket} >= "first_bucket" + INTERVAL ${quoteLiteral(span(grain, back))}`] : []),
  ];
  const first = back > 0 ? `, MIN(${bucket}) OVER () AS "first_bucket"` : '';
  const names = base.columns.map((c) => quoteIdent(c.name)).join(', ');
  const sorted = ` ORDER BY ${[...groups, bucket].join(', ')}`;
  return {
    sql: `SELECT ${names} FROM (SELECT ${selects.join(', ')}${first} FROM (${base.sql}) AS each_period) AS running${shown.length > 0 ? ` WHERE ${shown.join(' AND ')}` : ''}${sorted}`,
    columns,
  };
}
