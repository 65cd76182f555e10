/**
 * The SQL gate: the one door every statement passes, whoever wrote it (the parser, an LLM, an
 * analyst). It parses with PostgreSQL's own grammar (libpg-query), so it can't disagree with the
 * server about where a string ends or how many statements there are, then checks the tree:
 *
 *   one statement → a SELECT → nothing that writes or locks → catalog tables only
 *   → no personal column (also not through * or a whole-row reference) → allowed functions only
 *   → row cap
 *
 * The verdict is data: `{ ok: true, sql }` with the SQL to run (deparsed from the checked tree,
 * with the row cap applied), or `{ ok: false, rule, reason }` in plain words.
 */
import { deparseSync } from 'pgsql-deparser';
import { personalColumns, tableByName } from '../semantic-catalog/catalog.ts';
import type { Catalog, TableDef } from '../semantic-catalog/schema.ts';
import { type PgNode, parsePg, walk } from './pg-parser.ts';

export type GateRule =
  | 'syntax'
  | 'single_statement'
  | 'select_only'
  | 'no_writes'
  | 'no_into'
  | 'no_locking'
  | 'catalog_tables'
  | 'personal_data'
  | 'functions'
  | 'empty';

export type GateVerdict =
  | { ok: true; sql: string; tables: string[]; rowCap: number }
  | { ok: false; rule: GateRule; reason: string };

export const ALLOWED_FUNCTIONS = new Set([
  // aggregates and statistics
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'percentile_cont',
  'percentile_disc',
  'mode',
  'bool_and',
  'bool_or',
  'every',
  'string_agg',
  'array_agg',
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_slope',
  'regr_intercept',
  'regr_r2',
  // window functions
  'row_number',
  'rank',
  'dense_rank',
  'percent_rank',
  'cume_dist',
  'ntile',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'nth_value',
  // dates and times
  'date_trunc',
  'date_part',
  'extract',
  'date_bin',
  'make_date',
  'make_interval',
  'age',
  'to_char',
  'to_date',
  'to_number',
  'justify_days',
  'justify_interval',
  'isfinite',
  'timezone',
  'generate_series',
  // numbers
  'abs',
  'round',
  'trunc',
  'ceil',
  'ceiling',
  'floor',
  'sign',
  'mod',
  'power',
  'sqrt',
  'cbrt',
  'exp',
  'ln',
  'log',
  'log10',
  'greatest',
  'least',
  'width_bucket',
  'div',
  // text
  'lower',
  'upper',
  'initcap',
  'length',
  'char_length',
  'substr',
  'substring',
  'left',
  'right',
  'trim',
  'btrim',
  'ltrim',
  'rtrim',
  'lpad',
  'rpad',
  'replace',
  'split_part',
  'concat',
  'concat_ws',
  'strpos',
  'position',
  'starts_with',
  'format',
  'overlay',
  'reverse',
  'translate',
  // conditionals and casts the grammar turns into calls
  'coalesce',
  'nullif',
  'array_length',
  'cardinality',
  'unnest',
]);

const WRITE_NODES =
  /^(Insert|Update|Delete|Merge|Copy|Create\w*|Alter\w*|Drop\w*|Truncate|Grant\w*|Vacuum|Variable\w*|Do|Call|Lock|Execute|Prepare|Notify|Listen|Transaction|Explain)Stmt$/;

/** CURRENT_DATE is fine; the session's identity is none of a question's business. */
const IDENTITY_FUNCTIONS =
  /^SVFOP_(CURRENT_ROLE|CURRENT_USER|USER|SESSION_USER|CURRENT_CATALOG|CURRENT_SCHEMA)$/;

export interface GateOptions {
  maxRows: number;
}

export function checkSql(sql: string, catalog: Catalog, options: GateOptions): GateVerdict {
  const inspected = inspect(sql, catalog);
  if (!inspected.ok) return inspected;
  applyRowCap(inspected.statement.SelectStmt, options.maxRows);
  // What runs is SQL printed from the checked tree, and it must pass the same checks again:
  // a deparser slip can't smuggle in anything the gate didn't see.
  let runnable: string;
  try {
    runnable = deparseSync({ version: 180004, stmts: [{ stmt: inspected.statement }] } as never, {
      pretty: false,
    }) as string;
  } catch {
    return refuse('syntax', 'This query uses syntax Tally cannot re-check safely; please simplify it.');
  }
  const recheck = inspect(runnable, catalog);
  if (!recheck.ok) return recheck;
  return { ok: true, sql: runnable, tables: inspected.tables, rowCap: options.maxRows };
}

type Inspection = { ok: true; statement: PgNode; tables: string[] } | Extract<GateVerdict, { ok: false }>;

function inspect(sql: string, catalog: Catalog): Inspection {
  if (!sql.trim()) return refuse('empty', 'There is no SQL to run.');
  let tree: { stmts: { stmt: PgNode }[] };
  try {
    tree = parsePg(sql);
  } catch (error) {
    return refuse('syntax', `PostgreSQL can't parse this SQL: ${(error as Error).message}.`);
  }
  if (tree.stmts.length === 0)
    return refuse('empty', 'There is no SQL to run (only comments or semicolons).');
  if (tree.stmts.length > 1) {
    return refuse(
      'single_statement',
      `Only one statement may run at a time; this text holds ${tree.stmts.length}.`,
    );
  }
  const statement = tree.stmts[0]?.stmt;
  const kind = Object.keys(statement ?? {})[0] ?? 'unknown';
  if (kind !== 'SelectStmt') {
    return refuse('select_only', `Only SELECT queries are allowed; this is ${describeStatement(kind)}.`);
  }

  const cteNames = new Set<string>();
  const relations: { schema?: string; name: string; alias?: string }[] = [];
  const functions: string[] = [];
  const columnRefs: string[][] = [];
  const problems: Extract<GateVerdict, { ok: false }>[] = [];
  walk(statement, (key, node) => {
    if (WRITE_NODES.test(key))
      problems.push(refuse('no_writes', `The query contains ${describeStatement(key)}; Tally only reads.`));
    else if (key === 'intoClause')
      problems.push(refuse('no_into', 'SELECT … INTO creates a table; Tally only reads.'));
    else if (key === 'lockingClause')
      problems.push(
        refuse('no_locking', 'Locking clauses (FOR UPDATE, FOR SHARE) are not allowed; Tally only reads.'),
      );
    else if (key === 'SQLValueFunction' && IDENTITY_FUNCTIONS.test(node.op ?? '')) {
      problems.push(
        refuse(
          'functions',
          'Queries may not ask who or where the database session is (CURRENT_USER and the like).',
        ),
      );
    } else if (key === 'CommonTableExpr') cteNames.add(node.ctename);
    else if (key === 'RangeVar')
      relations.push({ schema: node.schemaname, name: node.relname, alias: node.alias?.aliasname });
    else if (key === 'FuncCall')
      functions.push((node.funcname as PgNode[]).map((n) => n.String?.sval).join('.'));
    else if (key === 'ColumnRef')
      columnRefs.push((node.fields as PgNode[]).map((f) => (f.A_Star ? '*' : f.String?.sval)));
  });
  if (problems[0]) return problems[0];

  const tables: TableDef[] = [];
  for (const relation of relations) {
    if (!relation.schema && cteNames.has(relation.name)) continue;
    const name = relation.schema ? `${relation.schema}.${relation.name}` : relation.name;
    const table = relation.schema ? tableByName(catalog, name) : undefined;
    if (!table) {
      const hint = catalog.tables.find((t) => t.name.endsWith(`.${relation.name}`));
      return refuse(
        'catalog_tables',
        `${name} is not a table of the catalog${hint ? ` (did you mean ${hint.name}?)` : ''}; queries may read only the catalog's tables.`,
      );
    }
    tables.push(table);
  }

  const personal = personalCheck(tables, relations, columnRefs);
  if (personal) return personal;

  for (const name of functions) {
    const [schema, fn] = name.includes('.') ? name.split('.', 2) : [undefined, name];
    if ((schema && schema !== 'pg_catalog') || !ALLOWED_FUNCTIONS.has((fn ?? '').toLowerCase())) {
      return refuse('functions', `The function ${name}() is not on the list of functions Tally allows.`);
    }
  }

  return { ok: true, statement, tables: [...new Set(tables.map((t) => t.name))] };
}

/**
 * Personal columns may not appear anywhere: selected, filtered on, aggregated, or hidden in `*`
 * or a whole-row reference (`SELECT p FROM people p`, `to_jsonb(p)`).
 */
function personalCheck(
  tables: TableDef[],
  relations: { schema?: string; name: string; alias?: string }[],
  columnRefs: string[][],
): Extract<GateVerdict, { ok: false }> | undefined {
  const sensitive = tables.filter((t) => personalColumns(t).length > 0);
  if (sensitive.length === 0) return undefined;
  const namesOf = (table: TableDef) => {
    const relation = relations.filter((r) => r.schema && `${r.schema}.${r.name}` === table.name);
    return new Set([
      table.name.split('.')[1] as string,
      ...relation.map((r) => r.alias).filter((a): a is string => !!a),
    ]);
  };
  for (const fields of columnRefs) {
    const column = fields[fields.length - 1] as string;
    const qualifier = fields.length >= 2 ? fields[fields.length - 2] : undefined;
    for (const table of sensitive) {
      const names = namesOf(table);
      const personal = personalColumns(table).map((c) => c.name);
      const owned = qualifier === undefined || names.has(qualifier);
      if (owned && personal.includes(column)) {
        return refuse('personal_data', `${table.name}.${column} is personal data; Tally never reads it.`);
      }
      if (owned && column === '*') {
        return refuse(
          'personal_data',
          `* would include personal data of ${table.name} (${personal.join(', ')}); name the columns you need.`,
        );
      }
      if (fields.length === 1 && names.has(column)) {
        return refuse(
          'personal_data',
          `A whole-row reference to ${table.name} would include personal data (${personal.join(', ')}).`,
        );
      }
    }
  }
  return undefined;
}

function applyRowCap(select: PgNode, maxRows: number): void {
  const limit = select.limitCount?.A_Const;
  const current = limit && !limit.isnull ? Number(limit.ival?.ival ?? 0) : undefined;
  const constant = limit !== undefined && !limit.isnull && limit.ival !== undefined;
  // One row more than the cap tells the executor the answer was cut.
  if (!constant || current === undefined || current > maxRows) {
    select.limitCount = { A_Const: { ival: { ival: maxRows + 1 } } };
    select.limitOption = 'LIMIT_OPTION_COUNT';
  }
}

function describeStatement(kind: string): string {
  const name = kind
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} statement`;
}

function refuse(rule: GateRule, reason: string): Extract<GateVerdict, { ok: false }> {
  return { ok: false, rule, reason };
}
