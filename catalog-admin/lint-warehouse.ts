/**
 * A catalog against the live warehouse, each mismatch with its YAML line:
 *   structure (pure, over one introspection): tables and columns that are gone, columns whose
 *   kind of value changed, join keys of different kinds, and — for drift — new tables in the
 *   catalog's schemas;
 *   values (one query per column that lists some): sample values the column no longer holds.
 * The loader already proved the catalog consistent with itself; this proves it true of the data.
 */
import pg from 'pg';
import { LineCounter, parseDocument } from 'yaml';
import type { CatalogProblem } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { introspect, type LiveSchema, type RunSql, typeFamily } from './introspect.ts';

export type WarehouseProblemKind =
  | 'missing_table'
  | 'missing_column'
  | 'retyped_column'
  | 'join_key_types'
  | 'unknown_value'
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
  ];
}
