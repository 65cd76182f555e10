/**
 * The checks the schema can't express: references between entities, expressions that parse and
 * name real columns, joins that connect, no personal data in any definition.
 */

import { checkSql } from '../warehouse/gate.ts';
import { checkAccess } from './access-check.ts';
import {
  baseMetrics,
  columnOf,
  expressionColumns,
  expressionSyntaxError,
  joinPath,
  metricByName,
  metricRefs,
  metricTable,
  tableByAlias,
  tableByName,
} from './catalog.ts';
import { keyColumn } from './key-dimensions.ts';
import type { Catalog, MetricDef } from './schema.ts';
import { stem } from './understand/words.ts';

export interface CrossCheckProblem {
  at: (string | number)[];
  message: string;
}

export function crossCheck(catalog: Catalog): CrossCheckProblem[] {
  const problems: CrossCheckProblem[] = [];
  const report = (at: (string | number)[], message: string): void => {
    problems.push({ at, message });
  };

  const unique = (names: string[], at: (i: number) => (string | number)[], message: string) => {
    for (const i of duplicates(names)) report(at(i), message);
  };
  unique(
    catalog.tables.map((t) => t.name),
    (i) => ['tables', i, 'name'],
    'is declared twice',
  );
  unique(
    catalog.tables.map((t) => t.alias),
    (i) => ['tables', i, 'alias'],
    'is used by another table',
  );
  unique(
    catalog.metrics.map((m) => m.name),
    (i) => ['metrics', i, 'name'],
    'is declared twice',
  );
  unique(
    catalog.dimensions.map((d) => d.name),
    (i) => ['dimensions', i, 'name'],
    'is declared twice',
  );
  catalog.tables.forEach((t, ti) => {
    unique(
      t.columns.map((c) => c.name),
      (i) => ['tables', ti, 'columns', i, 'name'],
      'is declared twice',
    );
  });

  catalog.joins.forEach((join, ji) => {
    const from = tableByName(catalog, join.from);
    const to = tableByName(catalog, join.to);
    if (!from) report(['joins', ji, 'from'], `table ${join.from} is not in the catalog`);
    if (!to) report(['joins', ji, 'to'], `table ${join.to} is not in the catalog`);
    join.on.forEach(([fromColumn, toColumn], oi) => {
      if (from && !columnOf(from, fromColumn))
        report(['joins', ji, 'on', oi], `${join.from} has no column ${fromColumn}`);
      if (to && !columnOf(to, toColumn))
        report(['joins', ji, 'on', oi], `${join.to} has no column ${toColumn}`);
    });
  });

  // An expression may name columns of its own table and of tables reachable by joins from it.
  const checkExpression = (at: (string | number)[], expression: string, factTable: string) => {
    const syntax = expressionSyntaxError(expression);
    if (syntax) return report(at, `is not valid SQL: ${syntax}`);
    for (const { alias, column } of expressionColumns(expression)) {
      if (column === '*') continue;
      const table = tableByAlias(catalog, alias);
      if (!table)
        return report(
          at,
          `refers to ${alias ? `${alias}.` : ''}${column}: columns must be written alias.column with a table alias of the catalog`,
        );
      const def = columnOf(table, column);
      if (!def) report(at, `refers to ${alias}.${column}, but ${table.name} has no column ${column}`);
      else if (def.personal) report(at, `uses ${table.name}.${column}, which is personal data`);
      if (!joinPath(catalog, factTable, table.name))
        report(at, `uses ${table.name}, which no join connects to ${factTable}`);
    }
  };

  for (const [mi, metric] of catalog.metrics.entries()) {
    const at = ['metrics', mi];
    const time = timeProblem(catalog, metric);
    if (time) report([...at, time.field], time.message);
    if (metric.table) {
      const table = tableByName(catalog, metric.table);
      if (!table) {
        report([...at, 'table'], `table ${metric.table} is not in the catalog`);
        continue;
      }
      if (metric.time_column && !columnOf(table, metric.time_column)) {
        report([...at, 'time_column'], `${metric.table} has no column ${metric.time_column}`);
      }
      checkExpression([...at, 'expression'], metric.expression, metric.table);
      if (metric.row_value) checkExpression([...at, 'row_value'], metric.row_value, metric.table);
      for (const [fi, filter] of metric.filters.entries())
        checkExpression([...at, 'filters', fi], filter, metric.table as string);
      continue;
    }
    for (const name of metricRefs(metric.expression)) {
      if (!metricByName(catalog, name))
        report([...at, 'expression'], `refers to metric {${name}}, which is not defined`);
    }
    const parts = baseMetrics(catalog, metric);
    const filterSets = new Set(parts.map((m) => JSON.stringify([...m.filters].sort())));
    if (filterSets.size > 1) {
      report(
        [...at, 'expression'],
        'combines metrics with different filters; write it as one metric over its table instead',
      );
    }
    const tables = new Set(parts.map((m) => m.table));
    if (tables.size > 1)
      report([...at, 'expression'], `combines metrics of different tables (${[...tables].join(', ')})`);
    if (metricRefs(metric.expression).includes(metric.name))
      report([...at, 'expression'], 'refers to itself');
    const syntax = expressionSyntaxError(metric.expression);
    if (syntax) report([...at, 'expression'], `is not valid SQL: ${syntax}`);
  }

  for (const [di, dimension] of catalog.dimensions.entries()) {
    for (const [si, source] of dimension.sources.entries()) {
      const at = ['dimensions', di, 'sources', si];
      const table = tableByName(catalog, source.table);
      if (!table) {
        report([...at, 'table'], `table ${source.table} is not in the catalog`);
        continue;
      }
      if (!source.column === !source.expression) {
        report(at, 'needs exactly one of column and expression');
        continue;
      }
      if (source.column) {
        const column = columnOf(table, source.column);
        if (!column) report([...at, 'column'], `${source.table} has no column ${source.column}`);
        else if (column.personal)
          report([...at, 'column'], `${source.table}.${source.column} is personal data`);
      }
      if (source.expression) checkExpression([...at, 'expression'], source.expression, source.table);
      if (source.key && !columnOf(table, source.key))
        report([...at, 'key'], `${source.table} has no column ${source.key}`);
    }
  }
  if (catalog.default_metric && !metricByName(catalog, catalog.default_metric)) {
    report(['default_metric'], `metric ${catalog.default_metric} is not defined`);
  }
  checkAccess(catalog, report);
  checkIdNames(catalog, report);
  return problems;
}

/**
 * "course id" is the course table's key (course_id): a field that answers to the name but is
 * another column ("CS101" course numbers) answers questions about ids with something else.
 */
function checkIdNames(catalog: Catalog, report: (at: (string | number)[], message: string) => void): void {
  const keys = new Map<string, { table: string; column: string }>();
  for (const table of catalog.tables) {
    const column = keyColumn(table);
    const bare = table.name.split('.').pop() as string;
    if (column)
      for (const word of [bare, stem(bare), ...table.synonyms])
        keys.set(`${word.replaceAll('_', ' ').toLowerCase()} id`, { table: table.name, column });
  }
  catalog.dimensions.forEach((d, di) => {
    d.synonyms.forEach((synonym, si) => {
      const key = keys.get(synonym.toLowerCase());
      if (key && !d.sources.some((s) => s.table === key.table && s.column === key.column))
        report(
          ['dimensions', di, 'synonyms', si],
          `“${synonym}” names ${key.table}.${key.column}, not this field; Tally answers to it with the key itself`,
        );
    });
  });
}

/**
 * A metric's time: a column, or an expression over its own table's alias that parses, names real
 * non-personal columns of that table and passes the SQL gate as it will be compiled. (Whether it
 * is a date and holds on every row, only the warehouse can say: `tally catalog lint --warehouse`.)
 */
function timeProblem(catalog: Catalog, metric: MetricDef): { field: string; message: string } | undefined {
  const expression = metric.time_expression;
  const problem = (message: string) => ({ field: 'time_expression', message });
  if (metric.time_column !== undefined && expression !== undefined)
    return problem('a metric has a time_column or a time_expression, not both');
  if (metric.time_precision && metric.time_column === undefined && expression === undefined && metric.table)
    return {
      field: 'time_precision',
      message: 'says how finely time is known, but the metric names no time',
    };
  const table = metricTable(catalog, metric);
  if (expression === undefined || !table) return undefined;
  if (expression.includes('{')) return problem('must not refer to metrics or {today}');
  const syntax = expressionSyntaxError(expression);
  if (syntax) return problem(`is not valid SQL: ${syntax}`);
  for (const { alias, column } of expressionColumns(expression)) {
    if (alias !== table.alias)
      return problem(
        `refers to ${alias ? `${alias}.` : ''}${column}: write the time over ${table.name}'s own columns, as ${table.alias}.column`,
      );
    const def = columnOf(table, column);
    if (!def) return problem(`refers to ${alias}.${column}, but ${table.name} has no column ${column}`);
    if (def.personal) return problem(`uses ${table.name}.${column}, which is personal data`);
  }
  const from = table.name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
  const verdict = checkSql(`SELECT MIN(${expression}) FROM ${from} AS ${table.alias}`, catalog, {
    maxRows: 1,
  });
  return verdict.ok ? undefined : problem(`would be refused by the SQL gate: ${verdict.reason}`);
}

function duplicates(names: string[]): number[] {
  return names.flatMap((name, i) => (names.indexOf(name) !== i ? [i] : []));
}
