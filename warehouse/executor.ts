/**
 * The read-only executor: runs SQL that passed the gate, as the least-privilege role, inside
 * `BEGIN READ ONLY` with a statement timeout, always over the extended query protocol (which
 * refuses a second statement in the same string), from a pool. A query that outlives its
 * timeout is cancelled on the server. Results are capped in rows and in bytes while they are
 * read, one statement per user runs at a time, and a connection that dies under a query (a
 * terminated backend, a restarted server) is retried once, never left to crash the process.
 */
import type { Writable } from 'node:stream';
import pg from 'pg';
import { ACCESS_SETTINGS } from './access-policies.ts';
import { READER_POOL_SIZE } from './grants.ts';

export type ColumnType = 'number' | 'date' | 'text' | 'boolean' | 'timestamp';

export interface QueryResult {
  columns: { name: string; type: ColumnType }[];
  rows: unknown[][];
  truncated: boolean;
  durationMs: number;
}

export type ExecutorErrorCode =
  | 'query_timeout'
  | 'permission_denied'
  | 'query_failed'
  | 'connection_failed'
  | 'connection_lost'
  | 'result_too_large'
  | 'resource_limit'
  | 'busy';

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
  /** Largest single value, and largest whole result, in bytes (as text). */
  maxCellBytes?: number;
  maxResultBytes?: number;
  poolSize?: number;
}

export const DEFAULT_MAX_CELL_BYTES = 1_000_000;
export const DEFAULT_MAX_RESULT_BYTES = 20_000_000;

export interface RunOptions {
  /** Who asks: one of their statements runs at a time, a second waits its turn, a third is refused. */
  user?: string;
  /** Whose access the statement runs with; without one it matches no access group. */
  access?: { groups: string[]; user: { id?: string; email?: string } };
}

/** How long a query waits for one of the role's connection slots to free up. */
const SLOT_WAIT_MS = 30_000;

/** SQLSTATEs and driver messages of a connection that died under the query (terminated, restarted). */
const CONNECTION_LOST = new Set(['57P01', '57P02', '57P03', '08006', '08003', '08000']);

export class Executor {
  private readonly pool: pg.Pool;
  private readonly turns = new Map<string, { tail: Promise<unknown>; count: number }>();

  constructor(private readonly options: ExecutorOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      // Within the reader role's connection limit unless the caller says otherwise.
      max: options.poolSize ?? READER_POOL_SIZE,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      types: typeParsers,
      // Each statement is written without waiting for the one before (runOnce).
      pipeline: true,
    });
    // An idle client that errors (server restart, terminated backend) must not take the process down.
    this.pool.on('error', () => undefined);
  }

  /** Runs one gate-approved SELECT; a connection lost under it is retried once on a fresh one. */
  async run(sql: string, options: RunOptions = {}): Promise<QueryResult> {
    return this.inTurn(options.user, async () => {
      try {
        return await this.runOnce(sql, options.access);
      } catch (error) {
        if (!(error instanceof ExecutorError) || error.code !== 'connection_lost') throw error;
        return await this.runOnce(sql, options.access);
      }
    });
  }

  /** This executor as one person's: every statement run through it carries their access. */
  withAccess(access: NonNullable<RunOptions['access']>): Executor {
    const scoped = Object.create(this) as Executor;
    scoped.run = (sql, options = {}) => this.run(sql, { ...options, access: options.access ?? access });
    return scoped;
  }

  private async inTurn<T>(user: string | undefined, work: () => Promise<T>): Promise<T> {
    if (!user) return work();
    const turn = this.turns.get(user) ?? { tail: Promise.resolve() as Promise<unknown>, count: 0 };
    if (turn.count >= 2) {
      throw new ExecutorError(
        'busy',
        'You already have a query running and another waiting; please wait for them to finish.',
      );
    }
    turn.count += 1;
    this.turns.set(user, turn);
    const mine = turn.tail.catch(() => undefined).then(work);
    turn.tail = mine;
    try {
      return await mine;
    } finally {
      turn.count -= 1;
      if (turn.count === 0) this.turns.delete(user);
    }
  }

  private async runOnce(sql: string, access: RunOptions['access']): Promise<QueryResult> {
    const started = performance.now();
    const client = await this.connect();
    // A checked-out client has no listener of the pool's: a backend terminated mid-query would
    // otherwise be an unhandled 'error' event that ends the process.
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on('error', onError);
    const timeoutMs = Math.round(this.options.timeoutSeconds * 1000);
    // SET LOCAL, not set_config(): the reader role has no EXECUTE on set_config (grants.ts).
    // Always set, even empty: a value a previous statement left on this pooled session must not carry over.
    const begin = [
      'BEGIN READ ONLY',
      `SET LOCAL statement_timeout = ${timeoutMs}`,
      `SET LOCAL ${ACCESS_SETTINGS.groups} = ${pg.escapeLiteral(access?.groups.join(',') ?? '')}`,
      `SET LOCAL ${ACCESS_SETTINGS.email} = ${pg.escapeLiteral(access?.user.email ?? '')}`,
      `SET LOCAL ${ACCESS_SETTINGS.id} = ${pg.escapeLiteral(access?.user.id ?? '')}`,
    ].join('; ');
    // One write and one round trip for the three (a pipelined client): under load each write to
    // the server costs more CPU than the statements themselves. Still three statements in order:
    // should BEGIN or a SET fail, the transaction is aborted and PostgreSQL refuses the gated SQL
    // (25P02), so it never runs outside the read-only transaction or without its access setting;
    // should the gated SQL fail, the COMMIT behind it ends the transaction as a rollback.
    const stream = (client as unknown as { connection: { stream: Writable } }).connection.stream;
    stream.cork();
    const statements = [
      client.query(begin),
      this.read(client, sql, timeoutMs),
      client.query('COMMIT'),
    ] as const;
    stream.uncork();
    const [began, read, committed] = await Promise.allSettled(statements);
    client.removeListener('error', onError);
    // The first failure in statement order is the cause; the ones after it follow from it.
    const failure = [began, read, committed].find((s) => s.status === 'rejected')?.reason as unknown;
    // A session is reused only when its transaction ended (the COMMIT, a rollback if the SQL failed)
    // and no cancel of ours was sent to it, which could otherwise land on the next person's statement.
    const reusable =
      lost === undefined &&
      committed.status === 'fulfilled' &&
      !(read.status === 'rejected' && read.reason instanceof ExecutorError);
    client.release(!reusable);
    if (failure !== undefined || read.status === 'rejected')
      throw toExecutorError(lost ?? failure, this.options);
    return { ...read.value, durationMs: performance.now() - started };
  }

  /**
   * A pooled connection, waiting while the role is at its connection limit (SQLSTATE 53300): other
   * processes (CLI asks, replicas) share the reader's slots, and a full house is a moment's wait,
   * not a failed question.
   */
  private async connect(): Promise<pg.PoolClient> {
    const deadline = performance.now() + SLOT_WAIT_MS;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        return await this.pool.connect();
      } catch (error) {
        const full = (error as { code?: string }).code === '53300';
        if (!full || performance.now() > deadline)
          throw new ExecutorError(
            'connection_failed',
            `Cannot reach the warehouse: ${(error as Error).message}`,
          );
        await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
      }
    }
  }

  /** Reads rows as they arrive, stopping (and cancelling on the server) at the byte limits. */
  private read(
    client: pg.PoolClient,
    sql: string,
    timeoutMs: number,
  ): Promise<Omit<QueryResult, 'durationMs'>> {
    const maxCell = this.options.maxCellBytes ?? DEFAULT_MAX_CELL_BYTES;
    const maxResult = this.options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    return new Promise((resolve, reject) => {
      const query = new pg.Query({ text: sql, rowMode: 'array', queryMode: 'extended' } as pg.QueryConfig);
      const rows: unknown[][] = [];
      let bytes = 0;
      let stopped: ExecutorError | undefined;
      const cancel = (reason: ExecutorError) => {
        if (stopped) return;
        stopped = reason;
        // A protocol-level cancel request: needs no function privilege and reaches a busy backend.
        const canceller = new pg.Client({ connectionString: this.options.connectionString }) as unknown as {
          cancel(client: pg.PoolClient, query: pg.Query): void;
        };
        canceller.cancel(client, query);
      };
      // The server enforces statement_timeout; this guard covers a server that doesn't.
      const guard = setTimeout(
        () => cancel(new ExecutorError('query_timeout', timeoutMessage(this.options.timeoutSeconds))),
        timeoutMs + 2000,
      );
      query.on('row', (row: unknown[]) => {
        if (stopped) return;
        let rowBytes = 0;
        for (const cell of row) {
          const size = cellBytes(cell);
          if (size > maxCell) {
            cancel(
              new ExecutorError(
                'result_too_large',
                `One value in the result is ${formatBytes(size)}; Tally returns values up to ${formatBytes(maxCell)}. Select a shorter expression.`,
              ),
            );
            return;
          }
          rowBytes += size;
        }
        bytes += rowBytes;
        if (bytes > maxResult) {
          cancel(
            new ExecutorError(
              'result_too_large',
              `The result is over ${formatBytes(maxResult)}; aggregate it or ask for fewer rows or columns.`,
            ),
          );
          return;
        }
        if (rows.length <= this.options.maxRows) rows.push(row);
      });
      query.on('error', (error: Error) => {
        clearTimeout(guard);
        reject(stopped ?? error);
      });
      query.on('end', (result: pg.QueryResult) => {
        clearTimeout(guard);
        if (stopped) {
          reject(stopped);
          return;
        }
        resolve({
          columns: result.fields.map((f) => ({ name: f.name, type: columnType(f.dataTypeID) })),
          rows: rows.slice(0, this.options.maxRows),
          truncated: rows.length > this.options.maxRows,
        });
      });
      client.query(query);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function cellBytes(cell: unknown): number {
  if (cell === null || cell === undefined) return 0;
  if (typeof cell === 'string') return cell.length;
  if (typeof cell === 'number' || typeof cell === 'boolean') return 8;
  return JSON.stringify(cell)?.length ?? 0;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(bytes >= 10_000_000 ? 0 : 1)} MB`;
  return `${Math.ceil(bytes / 1000)} KB`;
}

function timeoutMessage(timeoutSeconds: number): string {
  return `The query took longer than ${timeoutSeconds} s and was cancelled.`;
}

function toExecutorError(error: unknown, options: ExecutorOptions): ExecutorError {
  if (error instanceof ExecutorError) return error;
  const sqlState = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  if (sqlState === '57014')
    return new ExecutorError('query_timeout', timeoutMessage(options.timeoutSeconds), sqlState);
  if (sqlState === '42501') {
    return new ExecutorError(
      'permission_denied',
      `The read-only role may not read this: ${message}.`,
      sqlState,
    );
  }
  if (sqlState === '53100' || sqlState === '53400' || sqlState === '54000') {
    return new ExecutorError(
      'resource_limit',
      `The query needs more working space than Tally allows (${message}); narrow it or aggregate first.`,
      sqlState,
    );
  }
  if ((sqlState && CONNECTION_LOST.has(sqlState)) || /Connection terminated|ECONNRESET/i.test(message)) {
    return new ExecutorError(
      'connection_lost',
      'The connection to the warehouse was lost while the query ran; please ask again.',
      sqlState,
    );
  }
  return new ExecutorError('query_failed', `The warehouse could not run the query: ${message}.`, sqlState);
}
