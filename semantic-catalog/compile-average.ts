/**
 * "The average number of orders per customer", "average revenue per month": each member's (or
 * each period's) total first, then their average, by whatever else the question breaks it down by.
 */
import type { CompiledQuery, OutputColumn } from './compile.ts';
import { CompileError } from './compile.ts';
import type { SemanticQuery } from './query.ts';

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

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
  const direction = order?.direction === 'asc' ? 'ASC' : 'DESC';
  const sorted =
    order?.by === 'dimension' && (order.dimension ?? keys[0]?.name)
      ? ` ORDER BY ${quoteIdent((order.dimension ?? keys[0]?.name) as string)}${order.direction === 'desc' ? ' DESC' : ''}`
      : keys.length > 0
        ? ` ORDER BY ${quoteIdent(column.name)} ${direction} NULLS LAST`
        : '';
  const grouped = names ? ` GROUP BY ${names}` : '';
  return {
    sql: `SELECT ${names ? `${names}, ` : ''}${average} FROM (${each.sql}) AS each_member${grouped}${sorted}${limit ? ` LIMIT ${Math.trunc(limit)}` : ''}`,
    columns: [...keys, column],
  };
}
