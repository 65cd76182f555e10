/**
 * The SQL gate: the one door every statement passes, whoever wrote it (the parser, an LLM, an
 * analyst). It parses with PostgreSQL's own grammar (libpg-query), so it can't disagree with the
 * server about where a string ends or how many statements there are, then checks the tree:
 *
 *   size and depth limits → one statement → a SELECT → nothing that writes or locks
 *   → allowed functions only → every table a catalog table and every column reference resolved
 *   to a real column (gate-scope.ts), none of them personal → row cap
 *
 * The verdict is data: `{ ok: true, sql }` with the SQL to run (deparsed from the checked tree,
 * with the row cap applied), or `{ ok: false, rule, reason }` in plain words.
 */
import { deparseSync } from 'pgsql-deparser';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { functionName, resolveStatement, ScopeRefusal } from './gate-scope.ts';
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
  | 'unknown_column'
  | 'too_complex'
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
  'now',
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

/** Input limits, checked before any recursive walk: deep input must be a refusal, not a stack overflow. */
const MAX_SQL_CHARACTERS = 100_000;
const MAX_TREE_DEPTH = 400;

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

/** Verdicts kept per catalog object (checkedSql): the most recent, LRU. */
export const GATE_VERDICTS_KEPT = 2000;
const verdicts = new WeakMap<Catalog, Map<string, GateVerdict>>();

/**
 * checkSql, with the verdict kept for the same SQL, the same catalog object and the same row cap:
 * the compiled SQL of a question asked again is the same text, and checking it is two parses and a
 * deparse. Keyed by the catalog object itself — the catalog a person may see (gateCatalog) is a
 * different object for a different access, and a rebuilt catalog (an overlay) is a new one — so a
 * verdict never answers for another catalog or access. Catalogs are never changed in place once
 * built; a caller that does must use checkSql. Kept verdicts are frozen: callers share them.
 */
export function checkedSql(sql: string, catalog: Catalog, options: GateOptions): GateVerdict {
  let kept = verdicts.get(catalog);
  if (!kept) {
    kept = new Map();
    verdicts.set(catalog, kept);
  }
  const key = `${options.maxRows}\u0000${sql}`;
  const hit = kept.get(key);
  if (hit) {
    kept.delete(key);
    kept.set(key, hit);
    return hit;
  }
  const verdict = checkSql(sql, catalog, options);
  if (verdict.ok) Object.freeze(verdict.tables);
  kept.set(key, Object.freeze(verdict));
  if (kept.size > GATE_VERDICTS_KEPT) kept.delete(kept.keys().next().value as string);
  return verdict;
}

type Inspection = { ok: true; statement: PgNode; tables: string[] } | Extract<GateVerdict, { ok: false }>;

function inspect(sql: string, catalog: Catalog): Inspection {
  if (!sql.trim()) return refuse('empty', 'There is no SQL to run.');
  if (sql.length > MAX_SQL_CHARACTERS) {
    return refuse(
      'too_complex',
      `This query is ${sql.length.toLocaleString('en')} characters long; Tally checks queries up to ${MAX_SQL_CHARACTERS.toLocaleString('en')}.`,
    );
  }
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
  if (depthOf(statement) > MAX_TREE_DEPTH) {
    return refuse('too_complex', 'This query is nested too deeply for Tally to check; please flatten it.');
  }
  const kind = Object.keys(statement ?? {})[0] ?? 'unknown';
  if (kind !== 'SelectStmt') {
    return refuse('select_only', `Only SELECT queries are allowed; this is ${describeStatement(kind)}.`);
  }

  const functions: string[] = [];
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
    } else if (key === 'FuncCall') functions.push(functionName(node));
    else if (node.limitOption === 'LIMIT_OPTION_WITH_TIES') {
      problems.push(
        refuse('syntax', 'FETCH … WITH TIES is not supported; rank the rows with rank() instead.'),
      );
    }
  });
  if (problems[0]) return problems[0];

  for (const name of functions) {
    if (!ALLOWED_FUNCTIONS.has(name)) {
      return refuse('functions', `The function ${name}() is not on the list of functions Tally allows.`);
    }
  }

  let tables: string[];
  try {
    tables = resolveStatement(statement.SelectStmt, catalog);
  } catch (error) {
    if (error instanceof ScopeRefusal) return refuse(error.rule, error.message);
    throw error;
  }
  return { ok: true, statement, tables };
}

/** The parse tree's nesting depth, measured without recursion. */
function depthOf(root: PgNode): number {
  let deepest = 0;
  const stack: [PgNode, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [PgNode, number];
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_TREE_DEPTH) return deepest;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
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
