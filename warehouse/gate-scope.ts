/**
 * The gate's name resolution: every column reference in a SELECT must name a real column of a
 * catalog table in scope, or a column the query itself defines (a CTE, a subquery, an allowed
 * range function, an output alias in ORDER BY / GROUP BY). PostgreSQL reads `x.f` as `f(x)` when
 * `x` has no column `f`, so anything that does not resolve is refused: an unresolved name is a
 * function call in disguise.
 *
 * Because every reference is resolved to the table it reads, personal columns are caught however
 * they are reached: through aliases, subqueries, CTEs, set operations, `*`, `USING` and `NATURAL`
 * joins. Whole-row references (`SELECT e FROM t e`, `row_to_json(e.*)`) are refused outright, and
 * positional column renames of a table (`t AS x(a, b)`) are refused because the catalog does not
 * know the server's column order.
 */
import { tableByName } from '../semantic-catalog/catalog.ts';
import type { Catalog, TableDef } from '../semantic-catalog/schema.ts';
import type { PgNode } from './pg-parser.ts';

export type ScopeRule = 'catalog_tables' | 'personal_data' | 'functions' | 'unknown_column';

export class ScopeRefusal extends Error {
  constructor(
    readonly rule: ScopeRule,
    reason: string,
  ) {
    super(reason);
  }
}

/** Table functions allowed in FROM, by the columns they return. */
export const RANGE_FUNCTIONS = new Set(['generate_series', 'unnest']);

/** Casts that look names up in the server's catalogs (`'pg_roles'::regclass`, `oid::regrole`). */
const CATALOG_LOOKUP_TYPES = /^reg[a-z]*$/;

interface Column {
  name: string;
  /** `schema.table.column` when the column is personal data of a catalog table. */
  personal?: string;
}

interface Entry {
  /** The name a reference uses: the alias, else the relation's own name. */
  name: string | undefined;
  /** `schema.table` for a catalog table referenced without an alias (allows `schema.table.col`). */
  qualified?: string;
  columns: Column[];
}

interface Scope {
  entries: Entry[];
  parent?: Scope;
}

interface Context {
  catalog: Catalog;
  ctes: Map<string, Column[]>;
  /** Catalog tables the statement reads. */
  tables: Set<string>;
}

/** Checks a whole statement; returns the catalog tables it reads or throws a ScopeRefusal. */
export function resolveStatement(select: PgNode, catalog: Catalog): string[] {
  const context: Context = { catalog, ctes: new Map(), tables: new Set() };
  checkSelect(select, undefined, context);
  return [...context.tables];
}

function checkSelect(select: PgNode, outer: Scope | undefined, context: Context): Column[] {
  let ctes = context.ctes;
  if (select.withClause) {
    if (select.withClause.recursive) {
      throw new ScopeRefusal('functions', 'Recursive queries (WITH RECURSIVE) are not allowed.');
    }
    ctes = new Map(ctes);
    for (const item of select.withClause.ctes as PgNode[]) {
      const cte = item.CommonTableExpr;
      const columns = checkSelect(cte.ctequery.SelectStmt, outer, { ...context, ctes });
      ctes.set(cte.ctename, renamed(columns, cte.aliascolnames, cte.ctename));
    }
  }
  const inner: Context = { ...context, ctes };

  if (select.op && select.op !== 'SETOP_NONE') {
    const left = checkSelect(select.larg, outer, inner);
    checkSelect(select.rarg, outer, inner);
    for (const sort of (select.sortClause ?? []) as PgNode[]) {
      checkExpression(sort.SortBy.node, { entries: [{ name: undefined, columns: left }] }, inner);
    }
    checkLimits(select, outer, inner);
    return left;
  }

  if (select.valuesLists) {
    const lists = select.valuesLists as PgNode[];
    for (const list of lists) checkExpression(list, outer ?? { entries: [] }, inner);
    const width = (lists[0]?.List?.items ?? []).length;
    return Array.from({ length: width }, (_, i) => ({ name: `column${i + 1}` }));
  }

  const scope: Scope = { entries: [], parent: outer };
  for (const item of (select.fromClause ?? []) as PgNode[]) addFromItem(item, scope, inner);

  const outputs = outputColumns(select.targetList ?? [], scope);
  for (const target of (select.targetList ?? []) as PgNode[]) {
    checkExpression(target.ResTarget.val, scope, inner, { starAllowed: true });
  }
  checkExpression(select.whereClause, scope, inner);
  checkExpression(select.havingClause, scope, inner);
  const names = new Set(outputs.map((c) => c.name));
  for (const group of (select.groupClause ?? []) as PgNode[]) {
    checkExpression(group, scope, inner, { outputNames: names, preferOutputs: false });
  }
  for (const distinct of (select.distinctClause ?? []) as PgNode[]) {
    if (Object.keys(distinct).length > 0) checkExpression(distinct, scope, inner);
  }
  for (const window of (select.windowClause ?? []) as PgNode[]) checkExpression(window, scope, inner);
  for (const sort of (select.sortClause ?? []) as PgNode[]) {
    checkExpression(sort.SortBy.node, scope, inner, { outputNames: names, preferOutputs: true });
  }
  checkLimits(select, outer, inner);
  return outputs;
}

function checkLimits(select: PgNode, outer: Scope | undefined, context: Context): void {
  checkExpression(select.limitCount, outer ?? { entries: [] }, context);
  checkExpression(select.limitOffset, outer ?? { entries: [] }, context);
}

function addFromItem(item: PgNode, scope: Scope, context: Context): void {
  const [kind] = Object.keys(item);
  const node = item[kind as string];
  switch (kind) {
    case 'RangeVar':
      scope.entries.push(relationEntry(node, context));
      return;
    case 'RangeSubselect': {
      // A non-LATERAL subquery can't see its siblings; PostgreSQL refuses such a reference itself.
      const columns = checkSelect(node.subquery.SelectStmt, node.lateral ? scope : scope.parent, context);
      scope.entries.push({
        name: node.alias?.aliasname,
        columns: renamed(columns, node.alias?.colnames, node.alias?.aliasname ?? 'subquery'),
      });
      return;
    }
    case 'RangeFunction':
      scope.entries.push(functionEntry(node, scope, context));
      return;
    case 'JoinExpr': {
      if (node.alias) {
        throw new ScopeRefusal('functions', 'Name the tables of a join, not the join itself (JOIN … AS x).');
      }
      const before = scope.entries.length;
      addFromItem(node.larg, scope, context);
      const middle = scope.entries.length;
      addFromItem(node.rarg, scope, context);
      const left = scope.entries.slice(before, middle);
      const right = scope.entries.slice(middle);
      const shared = node.isNatural
        ? commonColumns(left, right)
        : ((node.usingClause ?? []) as PgNode[]).map((n) => n.String.sval as string);
      for (const name of shared) {
        for (const side of [left, right]) {
          const column = side.flatMap((e) => e.columns).find((c) => c.name === name);
          if (!column) throw unknownColumn(name);
          if (column.personal) throw personal(column.personal);
        }
      }
      checkExpression(node.quals, scope, context);
      return;
    }
    default:
      throw new ScopeRefusal('functions', `Tally does not allow ${describeNode(kind)} in FROM.`);
  }
}

function relationEntry(node: PgNode, context: Context): Entry {
  if (!node.schemaname && context.ctes.has(node.relname)) {
    const columns = context.ctes.get(node.relname) as Column[];
    return {
      name: node.alias?.aliasname ?? node.relname,
      columns: renamed(columns, node.alias?.colnames, node.relname),
    };
  }
  const name = node.schemaname ? `${node.schemaname}.${node.relname}` : node.relname;
  const table = node.schemaname && !node.catalogname ? tableByName(context.catalog, name) : undefined;
  if (!table) {
    const hint = context.catalog.tables.find((t) => t.name.endsWith(`.${node.relname}`));
    throw new ScopeRefusal(
      'catalog_tables',
      `${name} is not a table of the catalog${hint ? ` (did you mean ${hint.name}?)` : ''}; queries may read only the catalog's tables.`,
    );
  }
  if (node.alias?.colnames) {
    throw new ScopeRefusal(
      'functions',
      `Renaming the columns of ${name} by position (AS x(a, b)) is not allowed; rename them in the select list instead.`,
    );
  }
  context.tables.add(table.name);
  return {
    name: node.alias?.aliasname ?? node.relname,
    qualified: node.alias ? undefined : table.name,
    columns: tableColumns(table),
  };
}

function tableColumns(table: TableDef): Column[] {
  return table.columns.map((c) => ({
    name: c.name,
    personal: c.personal ? `${table.name}.${c.name}` : undefined,
  }));
}

function functionEntry(node: PgNode, scope: Scope, context: Context): Entry {
  if (node.coldeflist || node.is_rowsfrom) {
    throw new ScopeRefusal('functions', 'Only generate_series() and unnest() may be used in FROM.');
  }
  const columns: Column[] = [];
  for (const item of node.functions as PgNode[]) {
    const call = item.List.items[0]?.FuncCall;
    const name = call ? functionName(call) : '';
    if (!call || !RANGE_FUNCTIONS.has(name)) {
      throw new ScopeRefusal(
        'functions',
        `${name ? `${name}()` : 'This expression'} may not be used in FROM; only generate_series() and unnest() may.`,
      );
    }
    // Arguments may refer to earlier FROM items: a function in FROM is implicitly LATERAL.
    checkExpression(call, scope, context);
    const width = name === 'unnest' ? Math.max(1, (call.args ?? []).length) : 1;
    for (let i = 0; i < width; i += 1) columns.push({ name });
  }
  const alias = node.alias?.aliasname as string | undefined;
  // A one-column function is named by its alias: `generate_series(1, 3) AS g` has the column g.
  if (alias && columns.length === 1) columns[0] = { name: alias };
  if (node.ordinality) columns.push({ name: 'ordinality' });
  return {
    name: alias ?? columns[0]?.name,
    columns: renamed(columns, node.alias?.colnames, alias ?? 'function'),
  };
}

function renamed(columns: Column[], colnames: PgNode[] | undefined, owner: string): Column[] {
  if (!colnames) return columns;
  if (colnames.length > columns.length) {
    throw new ScopeRefusal(
      'unknown_column',
      `${owner} has ${columns.length} columns but ${colnames.length} names were given.`,
    );
  }
  return columns.map((c, i) => (colnames[i] ? { ...c, name: colnames[i].String.sval } : c));
}

function commonColumns(left: Entry[], right: Entry[]): string[] {
  const rightNames = new Set(right.flatMap((e) => e.columns.map((c) => c.name)));
  return [...new Set(left.flatMap((e) => e.columns.map((c) => c.name)))].filter((n) => rightNames.has(n));
}

/** The names PostgreSQL gives a select list's columns (only where it names them for certain). */
function outputColumns(targets: PgNode[], scope: Scope): Column[] {
  const columns: Column[] = [];
  for (const target of targets) {
    const { name, val } = target.ResTarget;
    if (name) {
      columns.push({ name });
      continue;
    }
    const fields = val?.ColumnRef?.fields as PgNode[] | undefined;
    if (fields?.[fields.length - 1]?.A_Star) {
      columns.push(...starColumns(fields, scope));
      continue;
    }
    columns.push({ name: derivedName(val) });
  }
  return columns.map((c) => ({ name: c.name }));
}

function derivedName(val: PgNode): string {
  if (val?.ColumnRef) {
    const fields = val.ColumnRef.fields as PgNode[];
    return fields[fields.length - 1]?.String?.sval ?? '?column?';
  }
  if (val?.FuncCall) return functionName(val.FuncCall);
  if (val?.TypeCast) {
    const inner = derivedName(val.TypeCast.arg);
    if (inner !== '?column?') return inner;
    const names = val.TypeCast.typeName.names as PgNode[];
    return names[names.length - 1]?.String?.sval ?? '?column?';
  }
  if (val?.CaseExpr) return 'case';
  if (val?.CoalesceExpr) return 'coalesce';
  return '?column?';
}

interface ExpressionOptions {
  starAllowed?: boolean;
  /** Output column names an ORDER BY or GROUP BY may use by themselves. */
  outputNames?: Set<string>;
  /** ORDER BY reads a bare name as an output column first; GROUP BY as an input column first. */
  preferOutputs?: boolean;
}

function checkExpression(
  node: PgNode,
  scope: Scope,
  context: Context,
  options: ExpressionOptions = {},
): void {
  if (node === null || node === undefined || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) checkExpression(item, scope, context, options);
    return;
  }
  for (const [key, value] of Object.entries(node as Record<string, PgNode>)) {
    if (value === null || typeof value !== 'object') continue;
    switch (key) {
      case 'ColumnRef':
        resolveColumn(value.fields as PgNode[], scope, options);
        break;
      case 'SubLink':
        checkExpression(value.testexpr, scope, context);
        checkSelect(value.subselect.SelectStmt, scope, context);
        break;
      case 'SelectStmt':
        checkSelect(value, scope, context);
        break;
      case 'A_Indirection':
        for (const step of value.indirection as PgNode[]) {
          if (!step.A_Indices) {
            throw new ScopeRefusal(
              'functions',
              'Selecting a field of a row or value ((x).f, (x).*) is not allowed; name the column instead.',
            );
          }
        }
        checkExpression(value.arg, scope, context);
        checkExpression(value.indirection, scope, context);
        break;
      case 'TypeCast': {
        const names = (value.typeName?.names ?? []) as PgNode[];
        const type = String(names[names.length - 1]?.String?.sval ?? '').toLowerCase();
        if (CATALOG_LOOKUP_TYPES.test(type)) {
          throw new ScopeRefusal(
            'functions',
            `Casting to ${type} looks up the server's own catalogs; it is not allowed.`,
          );
        }
        checkExpression(value.arg, scope, context);
        break;
      }
      default:
        checkExpression(value, scope, context, key === 'FuncCall' ? {} : options);
    }
  }
}

function resolveColumn(fields: PgNode[], scope: Scope, options: ExpressionOptions): void {
  const names = fields.map((f) => (f.A_Star ? '*' : (f.String?.sval as string)));
  const last = names[names.length - 1] as string;
  if (last === '*') {
    if (!options.starAllowed && names.length === 1) {
      throw new ScopeRefusal('unknown_column', '* may only be used in the select list.');
    }
    if (names.length > 1 && !options.starAllowed) throw wholeRow(names.slice(0, -1).join('.'));
    starColumns(fields, scope);
    return;
  }
  if (names.length === 1) {
    if (options.outputNames?.has(last) && options.preferOutputs) return;
    const column = findUnqualified(last, scope);
    if (column) {
      if (column.personal) throw personal(column.personal);
      return;
    }
    if (options.outputNames?.has(last)) return;
    if (findEntry(last, scope)) throw wholeRow(last);
    throw unknownColumn(last);
  }
  const qualifier = names.slice(0, -1).join('.');
  const entry = names.length === 2 ? findEntry(qualifier, scope) : findQualified(qualifier, scope);
  if (!entry) {
    throw new ScopeRefusal(
      'functions',
      `${names.join('.')} does not name a column of a table in the query (is ${qualifier} a table or alias here?).`,
    );
  }
  const column = entry.columns.find((c) => c.name === last);
  if (!column) {
    throw new ScopeRefusal(
      'functions',
      `${qualifier} has no column ${last}; Tally does not allow a function to be called as a column (${qualifier}.${last}).`,
    );
  }
  if (column.personal) throw personal(column.personal);
}

/** The columns `*`, `t.*` or `schema.t.*` stand for; refused if they include personal data. */
function starColumns(fields: PgNode[], scope: Scope): Column[] {
  const qualifier = fields
    .slice(0, -1)
    .map((f) => f.String?.sval)
    .join('.');
  let columns: Column[];
  if (!qualifier) columns = scope.entries.flatMap((e) => e.columns);
  else {
    const entry = fields.length === 2 ? findEntry(qualifier, scope) : findQualified(qualifier, scope);
    if (!entry) throw unknownColumn(`${qualifier}.*`);
    columns = entry.columns;
  }
  const hidden = columns.filter((c) => c.personal).map((c) => c.personal);
  if (hidden.length > 0) {
    throw new ScopeRefusal(
      'personal_data',
      `* would include personal data (${hidden.join(', ')}); name the columns you need.`,
    );
  }
  return columns;
}

function findUnqualified(name: string, scope: Scope | undefined): Column | undefined {
  for (let level = scope; level; level = level.parent) {
    const found = level.entries.flatMap((e) => e.columns).filter((c) => c.name === name);
    if (found.length > 0) return found.find((c) => c.personal) ?? found[0];
  }
  return undefined;
}

function findEntry(name: string, scope: Scope | undefined): Entry | undefined {
  for (let level = scope; level; level = level.parent) {
    const entry = level.entries.find((e) => e.name === name);
    if (entry) return entry;
  }
  return undefined;
}

function findQualified(qualified: string, scope: Scope | undefined): Entry | undefined {
  for (let level = scope; level; level = level.parent) {
    const entry = level.entries.find((e) => e.qualified === qualified);
    if (entry) return entry;
  }
  return undefined;
}

export function functionName(call: PgNode): string {
  const parts = (call.funcname as PgNode[]).map((n) => n.String?.sval as string);
  const [schema, name] = parts.length > 1 ? parts : [undefined, parts[0]];
  return schema && schema !== 'pg_catalog' ? parts.join('.') : String(name).toLowerCase();
}

function unknownColumn(name: string): ScopeRefusal {
  return new ScopeRefusal('unknown_column', `${name} is not a column of the tables in this query.`);
}

function personal(column: string): ScopeRefusal {
  return new ScopeRefusal('personal_data', `${column} is personal data; Tally never reads it.`);
}

function wholeRow(name: string): ScopeRefusal {
  return new ScopeRefusal(
    'personal_data',
    `${name} is a whole-row reference (every column of ${name}); name the columns you need.`,
  );
}

function describeNode(kind: string | undefined): string {
  if (kind === 'RangeTableSample') return 'TABLESAMPLE';
  if (kind === 'RangeTableFunc' || kind === 'JsonTable') return 'table functions (XMLTABLE, JSON_TABLE)';
  return kind ?? 'this';
}
