/**
 * Defence in depth on the real server: with the gate bypassed, the reader role can't call the
 * administrative and session functions, holds per-role limits, and the executor caps bytes, takes
 * one statement per user at a time, and survives its backends being terminated mid-question.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { runSql } from '../skills/ask.ts';
import { Executor, ExecutorError, type ExecutorOptions } from '../warehouse/executor.ts';
import { READER_LIMITS } from '../warehouse/grants.ts';
import { readerUrl, runtimeWithAdmin } from './helpers.ts';

let runtime: Runtime;
let admin: pg.Client;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ runtime, admin, close } = await runtimeWithAdmin());
});
afterAll(() => close());

async function withDirect<T>(
  work: (executor: Executor) => Promise<T>,
  options: Partial<ExecutorOptions> = {},
) {
  const executor = new Executor({
    connectionString: readerUrl(runtime),
    timeoutSeconds: 2,
    maxRows: 100,
    ...options,
  });
  try {
    return await work(executor);
  } finally {
    await executor.close();
  }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('the reader role, with the gate bypassed', () => {
  it.each([
    "SELECT f.current_setting FROM lower('server_version') AS f",
    'SELECT g.pg_advisory_lock FROM generate_series(1, 3) AS g',
    'SELECT g.pg_get_userbyid FROM generate_series(10, 10) AS g',
    "SELECT f.pg_get_viewdef FROM lower('pg_catalog.pg_roles') AS f",
    "SELECT f.pg_relation_size FROM lower('sales.orders') AS f",
    'SELECT s.pg_sleep FROM abs(25::float8) AS s',
    'SELECT p.pg_terminate_backend FROM generate_series(1, 3) AS g, LATERAL unnest(ARRAY[g.pg_stat_get_backend_pid]) AS p',
    "SELECT set_config('statement_timeout', '0', true)",
    'SELECT emp.row_to_json FROM hr.employees emp',
  ])('is refused by the server: %s', async (sql) => {
    const error = await withDirect((executor) => failure(executor.run(sql)));
    expect(error).toBeInstanceOf(ExecutorError);
    expect((error as ExecutorError).code).toBe('permission_denied');
  });

  it('holds per-role limits it cannot raise', async () => {
    const rows = await withDirect(async (executor) => (await executor.run('SHOW temp_file_limit')).rows);
    expect(rows).toEqual([['256MB']]);
    const raise = await withDirect((executor) => failure(executor.run("SET temp_file_limit = '100GB'")));
    expect((raise as ExecutorError).code).toBe('permission_denied');
    const spill = await withDirect(
      (executor) => failure(executor.run('SELECT count(*) FROM generate_series(1, 20000000)')),
      { timeoutSeconds: 30 },
    );
    expect(spill).toMatchObject({
      code: 'resource_limit',
      message: expect.stringMatching(/temp_file_limit/),
    });
    const role = await admin.query("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'tally_reader'");
    expect(role.rows[0].rolconnlimit).toBe(READER_LIMITS.connectionLimit);
  });

  it('cancels a cross join at the timeout and the server keeps answering', async () => {
    const error = await withDirect((executor) =>
      failure(executor.run('SELECT count(*) FROM sales.orders a, sales.orders b, sales.orders c')),
    );
    expect((error as ExecutorError).code).toBe('query_timeout');
    expect((await admin.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('the executor', () => {
  it('stops a result at the byte limits with a clear message, and the CLI door survives it', async () => {
    const cell = await withDirect((executor) =>
      failure(executor.run("SELECT lpad('', 10000000, 'x') FROM generate_series(1, 60)")),
    );
    expect(cell).toMatchObject({ code: 'result_too_large', message: expect.stringMatching(/value .* MB/) });
    const total = await withDirect(
      (executor) => failure(executor.run("SELECT lpad('', 400000, 'x') FROM generate_series(1, 60)")),
      { maxResultBytes: 5_000_000 },
    );
    expect(total).toMatchObject({ code: 'result_too_large', message: expect.stringMatching(/over 5\.0 MB/) });
    const answer = await runSql(askDeps(runtime), {
      text: "SELECT lpad('', 10000000, 'x') FROM generate_series(1, 60)",
      channel: 'test',
    });
    expect(answer).toMatchObject({ status: 'error', rule: 'result_too_large' });
  });

  it('runs one statement per user at a time: a second waits, a third is refused politely', async () => {
    await withDirect(
      async (executor) => {
        const slow = 'SELECT count(*) FROM generate_series(1, 3000000)';
        const first = executor.run(slow, { user: 'ana' });
        const second = executor.run(slow, { user: 'ana' });
        const third = failure(executor.run(slow, { user: 'ana' }));
        const other = executor.run('SELECT 1 AS one', { user: 'ben' });
        expect(await third).toMatchObject({ code: 'busy' });
        expect((await other).rows).toEqual([[1]]);
        expect((await first).rows).toEqual([[3000000]]);
        expect((await second).rows).toEqual([[3000000]]);
        expect((await executor.run('SELECT 2 AS two', { user: 'ana' })).rows).toEqual([[2]]);
      },
      { timeoutSeconds: 20 },
    );
  });

  it('survives its backends being terminated mid-question: retried once, else a clear error', async () => {
    const terminate = () =>
      admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'tally_reader' AND state = 'active' AND query LIKE '%generate_series%'",
      );
    const waitActive = async () => {
      for (let i = 0; i < 100; i += 1) {
        const found = await admin.query(
          "SELECT 1 FROM pg_stat_activity WHERE usename = 'tally_reader' AND state = 'active' AND query LIKE '%generate_series%'",
        );
        if (found.rowCount) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const slow = 'SELECT count(*) FROM generate_series(1, 4000) a, generate_series(1, 4000) b';
    await withDirect(
      async (executor) => {
        // Once: the retry on a fresh connection answers.
        const once = executor.run(slow);
        await waitActive();
        await terminate();
        expect((await once).rows).toEqual([[16000000]]);
        // Twice: a clear error, and the next question is answered.
        const twice = failure(executor.run(slow));
        await waitActive();
        await terminate();
        await new Promise((r) => setTimeout(r, 100));
        await waitActive();
        await terminate();
        expect(await twice).toMatchObject({
          code: 'connection_lost',
          message: expect.stringMatching(/ask again/),
        });
        expect((await executor.run('SELECT 1 AS one')).rows).toEqual([[1]]);
      },
      { timeoutSeconds: 20 },
    );
    // The runtime's own pool lost idle connections too; the next question is answered.
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'tally_reader'",
    );
    const answer = await runSql(askDeps(runtime), {
      text: 'SELECT region_name FROM sales.regions LIMIT 1',
      channel: 'test',
    });
    expect(answer.status).toBe('answer');
  });
});
