/**
 * The read-only executor: runs SQL that passed the gate, as the least-privilege role, inside
 * `BEGIN READ ONLY` with a statement timeout, always over the extended query protocol (which
 * refuses a second statement in the same string), from a pool. A query that outlives its
 * timeout is cancelled on the server.
 */
import pg from 'pg';

export type ColumnType = 'number' | 'date' | 'text' | 'boolean' | 'timestamp';

export interface QueryResult {
  columns: { name: string; type: ColumnType }[];
  rows: unknown[][];
  truncated: boolean;
  durationMs: number;
}

export type ExecutorErrorCode = 'query_timeout' | 'permission_denied' | 'query_failed' | 'connection_failed';

export class ExecutorError extends Error {
  constructor(
    readonly code: ExecutorErrorCode,
    message: string,
    readonly sqlState?: string,
  ) {
    super(message);
  }
}

const NUMERIC_OIDS = new Set([20, 21, 23, 700, 701, 1700]);
const DATE_OID = 1082;
const TIMESTAMP_OIDS = new Set([1114, 1184]);
const BOOL_OID = 16;

/** Numbers as numbers, dates as YYYY-MM-DD: what the JSON contract promises. */
const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (NUMERIC_OIDS.has(oid)) return (value: string) => Number(value);
    if (oid === DATE_OID) return (value: string) => value;
    if (TIMESTAMP_OIDS.has(oid)) return (value: string) => new Date(value).toISOString();
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function columnType(oid: number): ColumnType {
  if (NUMERIC_OIDS.has(oid)) return 'number';
  if (oid === DATE_OID) return 'date';
  if (TIMESTAMP_OIDS.has(oid)) return 'timestamp';
  if (oid === BOOL_OID) return 'boolean';
  return 'text';
}

export interface ExecutorOptions {
  connectionString: string;
  timeoutSeconds: number;
  maxRows: number;
  poolSize?: number;
}

export class Executor {
  private readonly pool: pg.Pool;

  constructor(private readonly options: ExecutorOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 8,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      types: typeParsers,
    });
    // An idle client that errors (server restart) must not take the process down.
    this.pool.on('error', () => undefined);
  }

  /** Runs one gate-approved SELECT. */
  async run(sql: string): Promise<QueryResult> {
    const started = performance.now();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new ExecutorError('connection_failed', `Cannot reach the warehouse: ${(error as Error).message}`);
    }
    const timeoutMs = Math.round(this.options.timeoutSeconds * 1000);
    // The server enforces statement_timeout; this guard covers a server that doesn't answer the cancel.
    const pid = (client as unknown as { processID: number }).processID;
    let cancelled = false;
    const guard = setTimeout(() => {
      cancelled = true;
      this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    }, timeoutMs + 2000);
    let broken = false;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query({
        text: "SELECT set_config('statement_timeout', $1, true)",
        values: [`${timeoutMs}ms`],
      });
      const result = await client.query({
        text: sql,
        rowMode: 'array',
        queryMode: 'extended',
      } as pg.QueryConfig);
      await client.query('COMMIT');
      const rows = result.rows as unknown[][];
      return {
        columns: result.fields.map((f) => ({ name: f.name, type: columnType(f.dataTypeID) })),
        rows: rows.slice(0, this.options.maxRows),
        truncated: rows.length > this.options.maxRows,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw toExecutorError(error, cancelled, this.options.timeoutSeconds);
    } finally {
      clearTimeout(guard);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function toExecutorError(error: unknown, cancelled: boolean, timeoutSeconds: number): ExecutorError {
  const sqlState = (error as { code?: string }).code;
  if (sqlState === '57014' || cancelled) {
    return new ExecutorError(
      'query_timeout',
      `The query took longer than ${timeoutSeconds} s and was cancelled.`,
      sqlState,
    );
  }
  if (sqlState === '42501') {
    return new ExecutorError(
      'permission_denied',
      `The read-only role may not read this: ${(error as Error).message}.`,
      sqlState,
    );
  }
  return new ExecutorError(
    'query_failed',
    `The warehouse could not run the query: ${(error as Error).message}.`,
    sqlState,
  );
}
