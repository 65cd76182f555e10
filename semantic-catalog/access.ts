/**
 * Who may see what, as pure functions over the catalog's `access:` block (access-schema.ts):
 *
 *   requester → groups (resolveAccess) → may they use this query? (queryAccessProblem)
 *   → the row filters the compiler adds and the reply names (rowFilters, accessNote)
 *   → the catalog as they may see it, for the gate (visibleCatalog)
 *
 * PostgreSQL enforces the same rules itself (warehouse/access-policies.ts); these let Tally refuse
 * plainly and say what an answer leaves out, instead of silently returning less.
 */
import { type AccessGroup, USER_ATTRIBUTE_REF } from './access-schema.ts';
import {
  baseMetrics,
  dimensionByName,
  expressionColumns,
  joinPath,
  metricByName,
  metricTable,
  reachableSource,
  sourceExpression,
  tableByAlias,
} from './catalog.ts';
import type { SemanticQuery } from './query.ts';
import type { Catalog, MetricDef } from './schema.ts';

/** Users in no group, when the catalog's default is `unrestricted`. */
export const DEFAULT_GROUP = '_default';
/** Tally's own reads (learning a dimension's values), never a person's question. */
export const TALLY_GROUP = '_tally';

export interface Requester {
  /** Teams AAD object id, Slack user id, or the CLI's --user (an e-mail address counts as one). */
  id?: string;
  email?: string;
}

/** What the executor hands PostgreSQL, and what the audit row records. */
export interface UserAccess {
  groups: string[];
  user: Requester;
}

const unrestrictedGroup: AccessGroup = {
  name: DEFAULT_GROUP,
  description: '',
  members: ['everyone'],
  tables: [],
  metrics: [],
  hidden_columns: [],
  rows: [],
};

export function resolveAccess(catalog: Catalog, requester: Requester): UserAccess {
  const email = (requester.email ?? (requester.id?.includes('@') ? requester.id : undefined))?.toLowerCase();
  const user = email ? { ...requester, email } : requester;
  const rules = catalog.access;
  if (!rules) return { groups: [DEFAULT_GROUP], user };
  const isMember = (member: string) =>
    member === 'everyone' || member === requester.id || (!!email && member.toLowerCase() === email);
  const groups = rules.groups.filter((g) => g.members.some(isMember)).map((g) => g.name);
  if (groups.length > 0) return { groups, user };
  return { groups: rules.default === 'unrestricted' ? [DEFAULT_GROUP] : [], user };
}

/** Whether any rule names people by e-mail, so a door must find the asking person's address. */
export function accessNamesEmails(catalog: Catalog): boolean {
  return (catalog.access?.groups ?? []).some(
    (g) => g.members.some((m) => m.includes('@')) || g.rows.some((r) => r.includes('{user.email}')),
  );
}

/** The audit's words for an access: "emea_sales", "no group (unrestricted)", "no access". */
export function accessLabel(access: UserAccess): string {
  if (access.groups.length === 0) return 'no access';
  return access.groups.map((g) => (g === DEFAULT_GROUP ? 'no group (unrestricted)' : g)).join(', ');
}

/** The groups of an access as definitions (the unrestricted default is a group with no lists). */
function groupsOf(catalog: Catalog, access: UserAccess): AccessGroup[] {
  if (!catalog.access) return [unrestrictedGroup];
  return access.groups.flatMap((name) =>
    name === DEFAULT_GROUP
      ? [unrestrictedGroup]
      : (catalog.access?.groups.filter((g) => g.name === name && name !== TALLY_GROUP) ?? []),
  );
}

function restricted(catalog: Catalog): { tables: Set<string>; metrics: Set<string> } {
  const groups = catalog.access?.groups ?? [];
  return {
    tables: new Set(groups.flatMap((g) => g.tables)),
    metrics: new Set(groups.flatMap((g) => g.metrics)),
  };
}

/** Whether one group may read a table (the database's policies use this too). */
export function groupMayRead(catalog: Catalog, group: AccessGroup, table: string): boolean {
  return !restricted(catalog).tables.has(table) || group.tables.includes(table);
}

function columnsOf(catalog: Catalog, expression: string): { table: string; column: string }[] {
  return expressionColumns(expression.replace(USER_ATTRIBUTE_REF, "''")).flatMap(({ alias, column }) => {
    const table = tableByAlias(catalog, alias);
    return table && column !== '*' ? [{ table: table.name, column }] : [];
  });
}

function groupMayUseColumns(
  catalog: Catalog,
  group: AccessGroup,
  columns: { table: string; column: string }[],
): boolean {
  return columns.every(
    (c) => groupMayRead(catalog, group, c.table) && !group.hidden_columns.includes(`${c.table}.${c.column}`),
  );
}

function metricColumns(catalog: Catalog, metric: MetricDef) {
  return baseMetrics(catalog, metric).flatMap((m) => [
    ...(m.table ? [{ table: m.table, column: '' }] : []),
    ...[m.expression, ...m.filters, ...(m.row_value ? [m.row_value] : [])].flatMap((e) =>
      columnsOf(catalog, e),
    ),
  ]);
}

function groupMayUseMetric(catalog: Catalog, group: AccessGroup, metric: MetricDef): boolean {
  const limited = restricted(catalog).metrics;
  const names = [metric, ...baseMetrics(catalog, metric)].map((m) => m.name);
  if (names.some((n) => limited.has(n) && !group.metrics.includes(n))) return false;
  return groupMayUseColumns(catalog, group, metricColumns(catalog, metric));
}

/**
 * Why this person may not run the query, or undefined when they may. Each metric and field must be
 * usable by one of their groups; the reason names nothing (it goes to the log and the audit only).
 */
export function queryAccessProblem(
  query: SemanticQuery,
  catalog: Catalog,
  access: UserAccess,
): string | undefined {
  const groups = groupsOf(catalog, access);
  if (groups.length === 0) return 'no group gives access';
  for (const name of query.metrics) {
    const metric = metricByName(catalog, name);
    if (metric && !groups.some((g) => groupMayUseMetric(catalog, g, metric))) return `metric ${name}`;
  }
  const fact = query.metrics[0] ? metricByName(catalog, query.metrics[0]) : undefined;
  const factTable = fact ? metricTable(catalog, fact)?.name : undefined;
  const fields = [
    ...query.dimensions,
    ...query.filters.map((f) => f.dimension),
    ...(query.averageOver && 'dimension' in query.averageOver ? [query.averageOver.dimension] : []),
  ];
  for (const name of fields) {
    const dimension = dimensionByName(catalog, name);
    if (!dimension) continue;
    const source = factTable
      ? reachableSource(catalog, dimension, factTable, { bridges: true })?.source
      : dimension.sources[0];
    if (!source) continue;
    const columns = [
      { table: source.table, column: source.column ?? '' },
      ...columnsOf(catalog, sourceExpression(catalog, source)),
    ];
    if (!groups.some((g) => groupMayUseColumns(catalog, g, columns))) return `field ${name}`;
  }
  return query.ratio ? queryAccessProblem(query.ratio.over, catalog, access) : undefined;
}

/** The table a row filter is written over (lint makes sure there is exactly one). */
export function rowFilterTable(catalog: Catalog, filter: string): string | undefined {
  return columnsOf(catalog, filter)[0]?.table;
}

/** A row filter with the asking person's attributes written in as literals (NULL when unknown). */
export function withUserAttributes(filter: string, user: Requester): string {
  return filter.replace(USER_ATTRIBUTE_REF, (_m, name: string) => {
    const value = name === 'email' ? user.email : user.id;
    return value === undefined ? 'NULL' : `'${value.replaceAll("'", "''")}'`;
  });
}

/**
 * The row filters that apply to a fact table for this person: one SQL condition (the groups'
 * filters ORed, each group's own ANDed), or none when one of their groups sees every row of it.
 */
export function rowFilters(catalog: Catalog, access: UserAccess, factTable: string): string[] {
  const groups = groupsOf(catalog, access).filter((g) => groupMayRead(catalog, g, factTable));
  const perGroup = groups.map((g) =>
    g.rows.filter((f) => {
      const table = rowFilterTable(catalog, f);
      return table !== undefined && joinPath(catalog, factTable, table) !== undefined;
    }),
  );
  if (perGroup.length === 0 || perGroup.some((filters) => filters.length === 0)) return [];
  const conditions = perGroup.map((filters) =>
    filters.map((f) => `(${withUserAttributes(f, access.user)})`).join(' AND '),
  );
  return [conditions.length === 1 ? (conditions[0] as string) : `(${conditions.join(' OR ')})`];
}

/** "showing EMEA only (your access)": what a reply says when the person's rows are filtered. */
export function accessNote(catalog: Catalog, access: UserAccess, factTable: string): string | undefined {
  const groups = groupsOf(catalog, access).filter((g) => groupMayRead(catalog, g, factTable));
  if (rowFilters(catalog, access, factTable).length === 0) return undefined;
  const shown = groups.flatMap((g) =>
    g.rows.filter((f) => {
      const table = rowFilterTable(catalog, f);
      return table !== undefined && joinPath(catalog, factTable, table) !== undefined;
    }),
  );
  const values = shown.map(filterValues);
  const words = values.every((v) => v !== undefined) ? values.flat().join(' and ') : 'the rows you may see';
  return `Showing ${words} only (your access).`;
}

/** `x = 'EMEA'` → ["EMEA"], `x IN ('A', 'B')` → ["A", "B"], `{user.email}` → ["your own"]. */
function filterValues(filter: string): string[] | undefined {
  if (USER_ATTRIBUTE_REF.test(filter)) {
    USER_ATTRIBUTE_REF.lastIndex = 0;
    return ['your own'];
  }
  const equal = filter.match(/^\s*[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\s*=\s*'((?:[^']|'')*)'\s*$/i);
  if (equal) return [(equal[1] as string).replaceAll("''", "'")];
  const list = filter.match(
    /^\s*[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\s+IN\s*\(((?:\s*'(?:[^']|'')*'\s*,?)+)\)\s*$/i,
  );
  if (list)
    return [...(list[1] as string).matchAll(/'((?:[^']|'')*)'/g)].map((m) =>
      (m[1] as string).replaceAll("''", "'"),
    );
  return undefined;
}

/**
 * The catalog as this person may see it, for the gate: tables no group of theirs may read are
 * gone, and columns all their groups hide count as personal data (refused, `*` included).
 */
export function visibleCatalog(catalog: Catalog, access: UserAccess): Catalog {
  if (!catalog.access) return catalog;
  const groups = groupsOf(catalog, access);
  const readable = (table: string) => groups.some((g) => groupMayRead(catalog, g, table));
  const tables = catalog.tables.filter((t) => readable(t.name));
  return {
    ...catalog,
    tables: tables.map((t) => ({
      ...t,
      columns: t.columns.map((c) => {
        const seen = groups.some(
          (g) => groupMayRead(catalog, g, t.name) && !g.hidden_columns.includes(`${t.name}.${c.name}`),
        );
        return seen ? c : { ...c, personal: true };
      }),
    })),
    joins: catalog.joins.filter((j) => readable(j.from) && readable(j.to)),
    metrics: catalog.metrics.filter((m) => groups.some((g) => groupMayUseMetric(catalog, g, m))),
  };
}
