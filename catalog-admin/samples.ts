/**
 * Values of text columns, for sample values (filters people can name) and for spotting personal
 * data by what it looks like. pg_stats first (one query for the whole warehouse, no table read);
 * a column the planner has no statistics for is read with SELECT DISTINCT over at most
 * SCAN_ROWS rows, one query per table for all its columns.
 */
import pg from 'pg';
import { type LiveSchema, type LiveTable, type RunSql, typeFamily } from './introspect.ts';

export interface ColumnSample {
  /** Every value when the column has few, else a sample. */
  values: string[];
  /** At most MAX_VALUES distinct values: a field people filter and break down by. */
  lowCardinality: boolean;
  /** Typical value length in bytes: long free text is no field to group by. */
  averageLength: number;
  /** Whole-number columns named like a time: the smallest and largest value seen (are they Unix seconds?). */
  range?: [number, number];
}

/** Keyed by `schema.table.column`. */
export type Samples = Map<string, ColumnSample>;

export const MAX_VALUES = 20;
const SCAN_ROWS = 5000;
const VALUE_CHARS = 200;

export interface SampleProgress {
  step: string;
  done: number;
  total: number;
}

const key = (table: LiveTable, column: string) => `${table.qualified}.${column}`;
const ident = (name: string) => pg.escapeIdentifier(name);

export function textColumns(table: LiveTable) {
  return table.columns.filter((c) => typeFamily(c.type) === 'text');
}

/** Whole numbers named like a moment (`departure_time`, `created_at`, `ts`): perhaps Unix seconds. */
const TIME_NAME = /(^|_)(time|timestamp|ts|at|epoch|datetime)$/;

export function timeNumberColumns(table: LiveTable) {
  return table.columns.filter((c) => typeFamily(c.type) === 'integer' && TIME_NAME.test(c.name));
}

export async function sampleColumns(
  run: RunSql,
  schema: LiveSchema,
  onProgress: (p: SampleProgress) => void = () => undefined,
): Promise<Samples> {
  const samples: Samples = new Map();
  const wanted = schema.tables.flatMap((t) => textColumns(t).map((c) => key(t, c.name)));
  if (wanted.length > 0) await fromStatistics(run, schema, wanted, samples);
  const total = schema.tables.length;
  for (const [index, table] of schema.tables.entries()) {
    const missing = textColumns(table).filter((c) => !samples.has(key(table, c.name)));
    if (missing.length > 0) await fromRows(run, table, missing, samples);
    const times = timeNumberColumns(table);
    if (times.length > 0) await rangesFromRows(run, table, times, samples);
    onProgress({ step: 'sampling columns', done: index + 1, total });
  }
  return samples;
}

async function fromStatistics(run: RunSql, schema: LiveSchema, wanted: string[], samples: Samples) {
  const rowsOf = new Map(schema.tables.map((t) => [t.qualified, t.rows]));
  const literal = `ARRAY[${wanted.map((w) => pg.escapeLiteral(w)).join(', ')}]::text[]`;
  const stats = await run(`
    SELECT schemaname || '.' || tablename AS table, attname::text AS column, n_distinct::float8 AS n_distinct,
           avg_width::int AS width, most_common_vals::text::text[] AS common, histogram_bounds::text::text[] AS bounds
      FROM pg_catalog.pg_stats
     WHERE schemaname || '.' || tablename || '.' || attname = ANY(${literal}) AND NOT inherited`);
  for (const row of stats) {
    const rows = rowsOf.get(String(row.table)) ?? 0;
    const nDistinct = Number(row.n_distinct);
    const distinct = nDistinct >= 0 ? nDistinct : -nDistinct * Math.max(rows, 0);
    const common = ((row.common as string[] | null) ?? []).map((v) => v.slice(0, VALUE_CHARS));
    const bounds = ((row.bounds as string[] | null) ?? []).map((v) => v.slice(0, VALUE_CHARS));
    const lowCardinality = distinct > 0 && distinct <= MAX_VALUES && common.length > 0;
    samples.set(`${row.table}.${row.column}`, {
      values: lowCardinality ? common : [...new Set([...common, ...bounds])].slice(0, 50),
      lowCardinality,
      averageLength: Number(row.width),
    });
  }
}

/** The range of a few time-named whole-number columns, over at most SCAN_ROWS rows: one query per table. */
async function rangesFromRows(run: RunSql, table: LiveTable, columns: { name: string }[], samples: Samples) {
  const from = `${ident(table.schema)}.${ident(table.name)}`;
  const scan = `(SELECT ${columns.map((c, i) => `${ident(c.name)}::float8 AS x${i}`).join(', ')} FROM ${from} LIMIT ${SCAN_ROWS}) s`;
  const parts = columns.map((_, i) => `min(x${i}) AS lo${i}, max(x${i}) AS hi${i}`);
  const [row] = await run(`SELECT ${parts.join(', ')} FROM ${scan}`);
  columns.forEach((c, i) => {
    const lo = row?.[`lo${i}`];
    const hi = row?.[`hi${i}`];
    if (lo === null || lo === undefined || hi === null || hi === undefined) return;
    samples.set(key(table, c.name), {
      values: [],
      lowCardinality: false,
      averageLength: 8,
      range: [Number(lo), Number(hi)],
    });
  });
}

async function fromRows(run: RunSql, table: LiveTable, columns: { name: string }[], samples: Samples) {
  const from = `${ident(table.schema)}.${ident(table.name)}`;
  const parts = columns.flatMap((c, i) => {
    const scan = `(SELECT ${ident(c.name)}::text AS x FROM ${from} LIMIT ${SCAN_ROWS}) s`;
    return [
      `ARRAY(SELECT DISTINCT left(x, ${VALUE_CHARS}) FROM ${scan} WHERE x IS NOT NULL LIMIT ${MAX_VALUES + 1}) AS v${i}`,
      `(SELECT avg(octet_length(x))::float8 FROM ${scan}) AS w${i}`,
    ];
  });
  const [row] = await run(`SELECT ${parts.join(', ')}`);
  columns.forEach((c, i) => {
    const values = (row?.[`v${i}`] as string[] | undefined) ?? [];
    samples.set(key(table, c.name), {
      values: values.slice(0, MAX_VALUES),
      lowCardinality: values.length > 0 && values.length <= MAX_VALUES,
      averageLength: Number(row?.[`w${i}`] ?? 0),
    });
  });
}
