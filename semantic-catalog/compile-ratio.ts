/**
 * "The ratio of A to B": each side compiled as a question of its own (its metric, filters,
 * conditions and period), then divided row by row on the dimensions the denominator shares. A
 * denominator without dimensions is one total for every row, so "each state's businesses to all
 * businesses" is each state's share.
 */

import { type CompiledQuery, CompileError, type OutputColumn, quoteIdent } from './compile.ts';
import { orderOver } from './compile-average.ts';
import type { SemanticQuery } from './query.ts';

export function compileRatio(
  numerator: SemanticQuery,
  denominator: SemanticQuery,
  compileSide: (side: SemanticQuery) => CompiledQuery,
  labels: { numerator: string; denominator: string },
  counts: (column: OutputColumn) => boolean,
  percent = false,
): CompiledQuery {
  const { ratio: _, order, limit, ...rest } = numerator;
  const top = compileSide(rest);
  const bottom = compileSide({ ...denominator, order: undefined, limit: undefined });
  const keys = top.columns.filter((c) => c.role === 'dimension' || c.role === 'time');
  const shared = bottom.columns.filter((c) => c.role === 'dimension' || c.role === 'time');
  const topValue = top.columns.find((c) => c.role === 'metric');
  const bottomValue = bottom.columns.find((c) => c.role === 'metric');
  if (!topValue || !bottomValue) throw new CompileError('A ratio needs a metric on each side');
  if (shared.some((s) => !keys.some((k) => k.name === s.name)))
    throw new CompileError('The denominator of a ratio may only be broken down as the numerator is');

  // Absent on one side is none of it there when the metric counts or adds up (no Italian
  // restaurants in a city is 0 of its restaurants), unknown otherwise.
  const side = (name: string, column: OutputColumn) =>
    column.additive || counts(column)
      ? `COALESCE(${name}.${quoteIdent(column.name)}, 0)`
      : `${name}.${quoteIdent(column.name)}`;
  const on = shared.map((k) => `bottom.${quoteIdent(k.name)} = top.${quoteIdent(k.name)}`).join(' AND ');
  const from = shared.length > 0 ? `top FULL JOIN bottom ON ${on}` : 'top CROSS JOIN bottom';
  const keyOf = (k: OutputColumn) =>
    shared.some((s) => s.name === k.name)
      ? `COALESCE(top.${quoteIdent(k.name)}, bottom.${quoteIdent(k.name)})`
      : `top.${quoteIdent(k.name)}`;
  const selects = [
    ...keys.map((k) => `${keyOf(k)} AS ${quoteIdent(k.name)}`),
    `${percent ? '100.0 * ' : ''}${side('top', topValue)}::float8 / NULLIF(${side('bottom', bottomValue)}, 0) AS "ratio"`,
    `${side('top', topValue)} AS "numerator"`,
    `${side('bottom', bottomValue)} AS "denominator"`,
  ];
  const orderBy = orderOver(order, keys, 'ratio');
  const limited = limit ? ` LIMIT ${Math.trunc(limit)}` : '';
  return {
    sql: `WITH top AS (${top.sql}), bottom AS (${bottom.sql}) SELECT ${selects.join(', ')} FROM ${from}${orderBy}${limited}`,
    columns: [
      ...keys,
      percent
        ? { name: 'ratio', role: 'metric', label: 'Percentage', format: 'percent', metric: 'ratio' }
        : { name: 'ratio', role: 'metric', label: 'Ratio', format: 'number', metric: 'ratio' },
      { ...topValue, name: 'numerator', label: labels.numerator, additive: false },
      { ...bottomValue, name: 'denominator', label: labels.denominator, additive: false },
    ],
  };
}
