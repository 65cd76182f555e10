/**
 * What a live PostgreSQL holds: tables, columns, types, comments, keys. Two bulk queries over
 * pg_catalog whatever the warehouse's size (a query per table made 500 tables take minutes), and
 * pg_catalog rather than information_schema, which hides columns the connected role can't read
 * (the read-only role never sees personal columns there).
 */
import pg from 'pg';

export interface LiveColumn {
  name: string;
  /** PostgreSQL's own spelling (format_type): `integer`, `character varying(50)`, `numeric(10,2)`. */
  type: string;
  comment: string;
}

export interface LiveTable {
  schema: string;
  name: string;
  /** `schema.name` */
  qualified: string;
  comment: string;
  /** The planner's estimate; -1 when the table was never analysed. */
  rows: number;
  columns: LiveColumn[];
  /** The primary key's columns and each unique constraint's. */
  keys: { primary: boolean; columns: string[] }[];
}

export interface LiveForeignKey {
  from: string;
  to: string;
  on: [string, string][];
}

export interface LiveSchema {
  tables: LiveTable[];
  foreignKeys: LiveForeignKey[];
}

/** Which tables to read: schemas by name, tables as `table` or `schema.table`; none means all. */
export interface Scope {
  schemas?: string[];
  tables?: string[];
}

/** Runs one statement, returns its rows; a pg client, or the read-only executor at start-up. */
export type RunSql = (sql: string) => Promise<Record<string, unknown>[]>;

export function clientRunner(client: pg.ClientBase): RunSql {
  return async (sql) => (await client.query(sql)).rows;
}

const list = (values: string[]) => `ARRAY[${values.map((v) => pg.escapeLiteral(v)).join(', ')}]::text[]`;

function scopeFilter(scope: Scope): string {
  const parts = [
    "n.nspname <> 'information_schema'",
    "n.nspname NOT LIKE 'pg\\_%'",
    "c.relkind IN ('r', 'p', 'v', 'm', 'f')",
    'NOT c.relispartition',
  ];
  if (scope.schemas?.length) parts.push(`n.nspname = ANY(${list(scope.schemas)})`);
  if (scope.tables?.length)
    parts.push(
      `(c.relname = ANY(${list(scope.tables)}) OR n.nspname || '.' || c.relname = ANY(${list(scope.tables)}))`,
    );
  return parts.join(' AND ');
}

export async function introspect(run: RunSql, scope: Scope = {}): Promise<LiveSchema> {
  const where = scopeFilter(scope);
  const columns = await run(`
    SELECT n.nspname::text AS schema, c.relname::text AS table, c.reltuples::float8 AS rows,
           COALESCE(td.description, '') AS table_comment,
           a.attname::text AS column, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
           COALESCE(cd.description, '') AS comment
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_description td
        ON td.objoid = c.oid AND td.classoid = 'pg_catalog.pg_class'::regclass AND td.objsubid = 0
      LEFT JOIN pg_catalog.pg_description cd
        ON cd.objoid = c.oid AND cd.classoid = 'pg_catalog.pg_class'::regclass AND cd.objsubid = a.attnum
     WHERE ${where}
     ORDER BY n.nspname, c.relname, a.attnum`);
  const constraints = await run(`
    SELECT con.contype::text AS kind, n.nspname || '.' || c.relname AS table,
           fn.nspname || '.' || f.relname AS foreign_table,
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, i)
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.i) AS cols,
           ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, i)
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.i) AS fcols
      FROM pg_catalog.pg_constraint con
      JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_class f ON f.oid = con.confrelid
      LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
     WHERE con.contype IN ('p', 'u', 'f') AND ${where}
     ORDER BY con.conname`);

  const tables = new Map<string, LiveTable>();
  for (const row of columns) {
    const qualified = `${row.schema}.${row.table}`;
    let table = tables.get(qualified);
    if (!table) {
      table = {
        schema: String(row.schema),
        name: String(row.table),
        qualified,
        comment: String(row.table_comment),
        rows: Number(row.rows),
        columns: [],
        keys: [],
      };
      tables.set(qualified, table);
    }
    table.columns.push({ name: String(row.column), type: String(row.type), comment: String(row.comment) });
  }
  const foreignKeys: LiveForeignKey[] = [];
  for (const row of constraints) {
    const cols = row.cols as string[];
    if (row.kind === 'f') {
      const fcols = row.fcols as string[];
      foreignKeys.push({
        from: String(row.table),
        to: String(row.foreign_table),
        on: cols.map((c, i) => [c, fcols[i] as string]),
      });
    } else tables.get(String(row.table))?.keys.push({ primary: row.kind === 'p', columns: cols });
  }
  return { tables: [...tables.values()], foreignKeys };
}

/** The kind of value a type holds, so `int` in a catalog and `integer` in the database agree. */
export type TypeFamily = 'integer' | 'decimal' | 'text' | 'date' | 'timestamp' | 'boolean' | 'time' | 'other';

export function typeFamily(type: string): TypeFamily {
  const t = type.toLowerCase().trim();
  if (/^(smallint|integer|int|int2|int4|int8|bigint|serial|bigserial|smallserial)\b/.test(t))
    return 'integer';
  if (/^(numeric|decimal|real|float|float4|float8|double precision|money)\b/.test(t)) return 'decimal';
  if (/^(text|varchar|char|character|character varying|citext|bpchar|name|uuid)\b/.test(t)) return 'text';
  if (/^date\b/.test(t)) return 'date';
  if (/^(timestamp|timestamptz)\b/.test(t)) return 'timestamp';
  if (/^(boolean|bool)\b/.test(t)) return 'boolean';
  if (/^(time|timetz|interval)\b/.test(t)) return 'time';
  return 'other';
}
