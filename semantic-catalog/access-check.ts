/**
 * Lint for the `access:` block: every group, table, metric, column and row filter it names must
 * exist, and a row filter must read as one condition over one table's columns — a typo here would
 * otherwise quietly give a group more, or less, than meant.
 */
import { USER_ATTRIBUTE_REF, USER_ATTRIBUTES } from './access-schema.ts';
import {
  columnOf,
  expressionColumns,
  expressionSyntaxError,
  metricByName,
  tableByAlias,
  tableByName,
} from './catalog.ts';
import type { Catalog } from './schema.ts';

type Report = (at: (string | number)[], message: string) => void;

export function checkAccess(catalog: Catalog, report: Report): void {
  const access = catalog.access;
  if (!access) return;
  const names = access.groups.map((g) => g.name);
  access.groups.forEach((group, gi) => {
    const at = ['access', 'groups', gi];
    if (names.indexOf(group.name) !== gi) report([...at, 'name'], 'is declared twice');
    group.tables.forEach((table, i) => {
      if (!tableByName(catalog, table)) report([...at, 'tables', i], `table ${table} is not in the catalog`);
    });
    group.metrics.forEach((metric, i) => {
      if (!metricByName(catalog, metric)) report([...at, 'metrics', i], `metric ${metric} is not defined`);
    });
    group.hidden_columns.forEach((qualified, i) => {
      const [schema, name, column] = qualified.split('.') as [string, string, string];
      const table = tableByName(catalog, `${schema}.${name}`);
      if (!table) report([...at, 'hidden_columns', i], `table ${schema}.${name} is not in the catalog`);
      else if (!columnOf(table, column))
        report([...at, 'hidden_columns', i], `${table.name} has no column ${column}`);
    });
    group.rows.forEach((filter, i) => {
      checkRowFilter(catalog, filter, (message) => report([...at, 'rows', i], message));
    });
  });
}

function checkRowFilter(catalog: Catalog, filter: string, report: (message: string) => void): void {
  for (const [, name] of filter.matchAll(USER_ATTRIBUTE_REF)) {
    if (!(USER_ATTRIBUTES as readonly string[]).includes(name as string))
      report(
        `{user.${name}} is not a user attribute (use ${USER_ATTRIBUTES.map((a) => `{user.${a}}`).join(' or ')})`,
      );
  }
  const sql = filter.replace(USER_ATTRIBUTE_REF, "''");
  const syntax = expressionSyntaxError(sql);
  if (syntax) {
    report(`is not valid SQL: ${syntax}`);
    return;
  }
  const tables = new Set<string>();
  for (const { alias, column } of expressionColumns(sql)) {
    const table = tableByAlias(catalog, alias);
    if (!table) {
      report(
        `refers to ${alias ? `${alias}.` : ''}${column}: write alias.column with a table alias of the catalog`,
      );
      return;
    }
    if (!columnOf(table, column)) report(`${table.name} has no column ${column}`);
    tables.add(table.name);
  }
  if (tables.size !== 1) report('must filter the columns of exactly one table');
}
