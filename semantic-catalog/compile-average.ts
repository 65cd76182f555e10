/**
 * Questions answered over another answer: "the average number of orders per customer", "average
 * revenue per month" (each member's or period's total first, then their average, by whatever else
 * the question breaks it down by); "the top customer in each region" (each group's ranking).
 */
import { type CompiledQuery, CompileError, type OutputColumn, quoteIdent } from './compile.ts';
import type { SemanticQuery } from './query.ts';

/** The ORDER BY of an answer computed over another: by a key when asked, else by its value. */
export function orderOver(order: SemanticQuery['order'], keys: OutputColumn[], value: string): string {
  const key = order?.by === 'dimension' ? (order.dimension ?? keys[0]?.name) : undefined;
  if (key) return ` ORDER BY ${quoteIdent(key)}${order?.direction === 'desc' ? ' DESC' : ''}`;
  return keys.length > 0
    ? ` ORDER BY ${quoteIdent(value)} ${order?.direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`
    : '';
}

export function compileAverageOver(
  query: SemanticQuery,
  over: NonNullable<SemanticQuery['averageOver']>,
  compileEach: (each: SemanticQuery) => CompiledQuery,
  overLabel: string,
): CompiledQuery {
  const { averageOver: _, order, limit, ...rest } = query;
  const byField = 'dimension' in over;
  const each = compileEach(
    byField ? { ...rest, dimensions: [...query.dimensions, over.dimension] } : { ...rest, grain: over.grain },
  );
  const keys = each.columns.filter(
    (c) =>
      (c.role === 'dimension' && !(byField && c.name === over.dimension)) || (c.role === 'time' && byField),
  );
  const value = each.columns.find((c) => c.role === 'metric');
  if (!value) throw new CompileError('An average over a field or period needs a metric');
  const name = byField ? over.dimension : over.grain;
  const column: OutputColumn = {
    name: `${value.name}_per_${name}`,
    role: 'metric',
    label: `Average ${value.label.toLowerCase()} per ${overLabel.toLowerCase()}`,
    format: value.format === 'integer' ? 'number' : value.format,
    metric: value.metric,
  };
  const names = keys.map((k) => quoteIdent(k.name)).join(', ');
  const average = `AVG(${quoteIdent(value.name)}) AS ${quoteIdent(column.name)}`;
  const sorted = orderOver(order, keys, column.name);
  const grouped = names ? ` GROUP BY ${names}` : '';
  return {
    sql: `SELECT ${names ? `${names}, ` : ''}${average} FROM (${each.sql}) AS each_member${grouped}${sorted}${limit ? ` LIMIT ${Math.trunc(limit)}` : ''}`,
    columns: [...keys, column],
  };
}

/** "The top 3 customers by revenue in each region": the ranking restarts in every group. */
export function rankWithinGroups(
  query: SemanticQuery,
  within: string[],
  compileAll: (all: SemanticQuery) => CompiledQuery,
): CompiledQuery {
  const { rankWithin: _, limit, order, ...rest } = query;
  const all = compileAll(rest);
  const metric = quoteIdent(order?.metric ?? all.columns.find((c) => c.role === 'metric')?.name ?? '');
  const ranked = all.columns.find((c) => c.role === 'dimension' && !within.includes(c.name));
  const groups = within.map(quoteIdent).join(', ');
  // Ties are broken by the ranked member's name, so the same question gives the same rows.
  const rankOrder = `${metric} ${order?.direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST${ranked ? `, ${quoteIdent(ranked.name)}` : ''}`;
  const columns = all.columns.map((c) => quoteIdent(c.name)).join(', ');
  return {
    sql: `SELECT ${columns} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${groups} ORDER BY ${rankOrder}) AS "rank_in_group" FROM (${all.sql}) AS every_group) AS ranked WHERE "rank_in_group" <= ${Math.trunc(limit ?? 1)} ORDER BY ${groups}, "rank_in_group"`,
    columns: all.columns,
  };
}
