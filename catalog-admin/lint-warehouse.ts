/**
 * A catalog against the live warehouse, each mismatch with its YAML line:
 *   structure (pure, over one introspection): tables and columns that are gone, columns whose
 *   kind of value changed, join keys of different kinds, and — for drift — new tables in the
 *   catalog's schemas;
 *   values (one query per column that lists some): sample values the column no longer holds;
 *   time (one query per metric time, two when it says how finely it is known): a time column or
 *   time_expression that fails on some row, is no date or timestamp, or is known more coarsely
 *   than the catalog says (every value the first of a month, but no `time_precision: month`).
 * The loader already proved the catalog consistent with itself; this proves it true of the data.
 */
import pg from 'pg';
import { LineCounter, parseDocument } from 'yaml';
import { expressionColumns, metricTable, metricTime } from '../semantic-catalog/catalog.ts';
import type { CatalogProblem } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { introspect, type LiveSchema, type RunSql, typeFamily } from './introspect.ts';

export type WarehouseProblemKind =
  | 'missing_table'
  | 'missing_column'
  | 'retyped_column'
  | 'join_key_types'
  | 'unknown_value'
  | 'bad_time'
  | 'new_table';

export interface WarehouseProblem extends CatalogProblem {
  kind: WarehouseProblemKind;
}

type Place = (string | number)[];

/** Where each entry of the catalog file is: `(path) => line`. */
export function lineFinder(text: string): (at: Place) => number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return (at) => {
    for (let n = at.length; n >= 0; n--) {
      const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

function formatPath(at: Place): string {
  return at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function schemasOf(catalog: Catalog): string[] {
  return [...new Set(catalog.tables.map((t) => t.name.split('.')[0] as string))];
}

/** Structural mismatches between the catalog and one introspection of its schemas. */
export function structuralProblems(
  catalog: Catalog,
  live: LiveSchema,
  file: string,
  lineOf: (at: Place) => number | undefined,
  options: { newTables: boolean },
): WarehouseProblem[] {
  const problems: WarehouseProblem[] = [];
  const report = (kind: WarehouseProblemKind, at: Place, message: string): void => {
    problems.push({ kind, file, line: lineOf(at), path: formatPath(at), message });
  };
  const tables = new Map(live.tables.map((t) => [t.qualified, t]));
  const liveType = (table: string, column: string) =>
    tables.get(table)?.columns.find((c) => c.name === column)?.type;

  catalog.tables.forEach((table, ti) => {
    const found = tables.get(table.name);
    if (!found) {
      report('missing_table', ['tables', ti, 'name'], `table ${table.name} is not in the warehouse`);
      return;
    }
    table.columns.forEach((column, ci) => {
      const type = liveType(table.name, column.name);
      if (type === undefined)
        report(
          'missing_column',
          ['tables', ti, 'columns', ci, 'name'],
          `${table.name} has no column ${column.name} in the warehouse`,
        );
      else if (typeFamily(type) !== typeFamily(column.type))
        report(
          'retyped_column',
          ['tables', ti, 'columns', ci, 'type'],
          `${table.name}.${column.name} is ${column.type} in the catalog but ${type} in the warehouse`,
        );
    });
  });
  catalog.joins.forEach((join, ji) => {
    join.on.forEach(([from, to], oi) => {
      const a = liveType(join.from, from);
      const b = liveType(join.to, to);
      if (a !== undefined && b !== undefined && typeFamily(a) !== typeFamily(b))
        report(
          'join_key_types',
          ['joins', ji, 'on', oi],
          `joins ${join.from}.${from} (${a}) to ${join.to}.${to} (${b}): the keys hold different kinds of value`,
        );
    });
  });
  if (options.newTables) {
    const known = new Set(catalog.tables.map((t) => t.name));
    for (const table of live.tables.filter((t) => !known.has(t.qualified)))
      report('new_table', ['tables'], `table ${table.qualified} is in the warehouse but not in the catalog`);
  }
  return problems;
}

/** Sample values (of columns, and of dimensions over a plain column) the warehouse doesn't hold. */
export async function valueProblems(
  catalog: Catalog,
  rawDimensions: number,
  run: RunSql,
  file: string,
  lineOf: (at: Place) => number | undefined,
  live: LiveSchema,
): Promise<WarehouseProblem[]> {
  const problems: WarehouseProblem[] = [];
  const exists = (table: string, column: string) =>
    live.tables.some((t) => t.qualified === table && t.columns.some((c) => c.name === column));
  const check = async (at: Place, sources: { table: string; column: string }[], values: string[]) => {
    const present = sources.filter((s) => exists(s.table, s.column));
    if (values.length === 0 || present.length === 0) return;
    const list = `ARRAY[${values.map((v) => pg.escapeLiteral(v)).join(', ')}]::text[]`;
    const held = present
      .map((s) => {
        const [schema, table] = s.table.split('.') as [string, string];
        const from = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
        return `EXISTS (SELECT 1 FROM ${from} WHERE ${pg.escapeIdentifier(s.column)}::text = v)`;
      })
      .join(' OR ');
    const missing = await run(`SELECT v FROM unnest(${list}) AS v WHERE NOT (${held})`);
    for (const row of missing)
      problems.push({
        kind: 'unknown_value',
        file,
        line: lineOf(at),
        path: formatPath(at),
        message: `value ${JSON.stringify(row.v)} is not in ${present.map((s) => `${s.table}.${s.column}`).join(' or ')}`,
      });
  };
  for (const [ti, table] of catalog.tables.entries())
    for (const [ci, column] of table.columns.entries())
      await check(
        ['tables', ti, 'columns', ci, 'sample_values'],
        [{ table: table.name, column: column.name }],
        column.sample_values.map(String),
      );
  // Dimensions the loader adds (a table's own id) are not in the file and list no values.
  for (const [di, dimension] of catalog.dimensions.slice(0, rawDimensions).entries()) {
    const sources = dimension.sources.flatMap((s) =>
      s.column ? [{ table: s.table, column: s.column }] : [],
    );
    if (sources.length < dimension.sources.length) continue;
    await check(['dimensions', di, 'sample_values'], sources, dimension.sample_values);
    await check(['dimensions', di, 'value_synonyms'], sources, Object.keys(dimension.value_synonyms));
  }
  return problems;
}

/** Values enough to say a time is only ever the first of a month, not by chance. */
const COARSE_EVIDENCE = 3;

/**
 * Each metric's time against the rows: it must evaluate on every row (a month name `to_date`
 * can't read fails the whole answer), be a date or timestamp, and be known as finely as declared —
 * and no more coarsely: a time that is always the first of a month, declared by the day, would
 * answer "the last 7 days" with whole months. One query per distinct time, inside a savepoint so a
 * failing one leaves the lint's transaction usable.
 */
export async function timeProblems(
  catalog: Catalog,
  run: RunSql,
  file: string,
  lineOf: (at: Place) => number | undefined,
  live: LiveSchema,
): Promise<WarehouseProblem[]> {
  const problems: WarehouseProblem[] = [];
  const verdicts = new Map<string, string | undefined>();
  const liveColumns = (table: string) => live.tables.find((t) => t.qualified === table)?.columns ?? [];
  for (const [mi, metric] of catalog.metrics.entries()) {
    const declared = metric.time_expression !== undefined ? 'time_expression' : 'time_column';
    if (metric.time_expression === undefined && metric.time_column === undefined) continue;
    const time = metricTime(catalog, metric);
    const table = metricTable(catalog, metric);
    if (!time || !table) continue;
    // A missing table or column is reported once, structurally; its time can't be read.
    const columns = liveColumns(table.name);
    if (expressionColumns(time.sql).some((c) => !columns.some((l) => l.name === c.column))) continue;
    const [schema, name] = table.name.split('.') as [string, string];
    const from = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)} AS ${table.alias}`;
    const key = JSON.stringify([from, time.sql, time.precision]);
    if (!verdicts.has(key)) verdicts.set(key, await judgeTime(run, from, time.sql, time.precision));
    const verdict = verdicts.get(key);
    if (verdict) {
      const at = ['metrics', mi, declared];
      problems.push({ kind: 'bad_time', file, line: lineOf(at), path: formatPath(at), message: verdict });
    }
  }
  return problems;
}

async function judgeTime(
  run: RunSql,
  from: string,
  time: string,
  precision: string,
): Promise<string | undefined> {
  const guarded = async <T>(work: () => Promise<T>): Promise<T | Error> => {
    const saved = await run('SAVEPOINT tally_time').then(
      () => true,
      () => false,
    );
    try {
      const result = await work();
      if (saved) await run('RELEASE SAVEPOINT tally_time');
      return result;
    } catch (error) {
      if (saved) await run('ROLLBACK TO SAVEPOINT tally_time');
      return error as Error;
    }
  };
  // MIN reads every row: a row the expression can't evaluate fails here, as it would in an answer.
  const typed = await guarded(() => run(`SELECT pg_typeof(MIN(${time}))::text AS type FROM ${from}`));
  if (typed instanceof Error) return `fails on the warehouse's rows: ${typed.message}`;
  const type = String(typed[0]?.type ?? '');
  if (!/^(date|timestamp)/.test(type)) return `is ${type}, not a date or timestamp`;
  const grain = precision === 'day' ? 'month' : precision;
  const counted = await guarded(() =>
    run(
      `SELECT COUNT(DISTINCT ${time}) AS dated, COUNT(*) FILTER (WHERE ${time} <> date_trunc('${grain}', ${time})) AS inside FROM ${from}`,
    ),
  );
  if (counted instanceof Error) return `fails on the warehouse's rows: ${counted.message}`;
  const dated = Number(counted[0]?.dated ?? 0);
  const inside = Number(counted[0]?.inside ?? 0);
  if (precision !== 'day' && inside > 0)
    return `says time_precision: ${precision}, but ${inside} row(s) fall inside a ${precision}: the time is known more finely`;
  if (precision === 'day' && inside === 0 && dated >= COARSE_EVIDENCE)
    return `every value is the first day of a month: if the time is known only to the month, say time_precision: month (else "the last 7 days" counts whole months)`;
  return undefined;
}

/** Everything `tally catalog lint --warehouse` reports (drift adds new tables and skips values). */
export async function lintAgainstWarehouse(
  catalog: Catalog,
  text: string,
  file: string,
  run: RunSql,
  options: { values: boolean; newTables: boolean },
): Promise<WarehouseProblem[]> {
  const live = await introspect(run, { schemas: schemasOf(catalog) });
  const lineOf = lineFinder(text);
  const problems = structuralProblems(catalog, live, file, lineOf, options);
  if (!options.values) return problems;
  const raw = parseDocument(text).toJS() as { dimensions?: unknown[] };
  return [
    ...problems,
    ...(await valueProblems(catalog, raw.dimensions?.length ?? 0, run, file, lineOf, live)),
    ...(await timeProblems(catalog, run, file, lineOf, live)),
  ];
}
