/**
 * The executor and the gate against the real (embedded) PostgreSQL: hostile SQL is refused and
 * leaves the warehouse unchanged, and even SQL that skipped the gate can't write or read personal data.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { runSql } from '../skills/ask.ts';
import { Executor, ExecutorError } from '../warehouse/executor.ts';
import { readerUrl, runtimeWithAdmin } from './helpers.ts';
import { FAILS_AT_SERVER, HANDWRITTEN, HARMLESS } from './hostile-corpus.ts';

let runtime: Runtime;
let admin: pg.Client;

async function fingerprint(): Promise<string> {
  const result = await admin.query(`
    SELECT (SELECT count(*) || ':' || sum(net_amount) FROM sales.orders) AS orders,
           (SELECT count(*) || ':' || sum(salary) FROM hr.employees) AS employees,
           (SELECT count(*) FROM sales.regions) AS regions,
           (SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY 1) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')) AS tables,
           (SELECT string_agg(rolname, ',' ORDER BY 1) FROM pg_roles WHERE rolname !~ '^pg_') AS roles`);
  return JSON.stringify(result.rows[0]);
}

let close: () => Promise<void>;

beforeAll(async () => {
  ({ runtime, admin, close } = await runtimeWithAdmin());
});
afterAll(() => close());

describe('hostile SQL through `tally sql`', () => {
  it('refuses every statement of the corpus and leaves the warehouse unchanged', async () => {
    const before = await fingerprint();
    const deps = askDeps(runtime);
    for (const sql of HANDWRITTEN) {
      const answer = await runSql(deps, { text: sql, channel: 'test', userId: 'attacker' });
      expect(answer.status, sql).toBe('refuse');
      expect(answer.rows).toEqual([]);
    }
    for (const sql of FAILS_AT_SERVER) {
      const answer = await runSql(deps, { text: sql, channel: 'test' });
      expect(answer.rows, sql).toEqual([]);
    }
    for (const sql of HARMLESS) await runSql(deps, { text: sql, channel: 'test' });
    expect(await fingerprint()).toBe(before);
  });

  it('records refusals in the audit log with the rule', async () => {
    await runSql(askDeps(runtime), { text: 'DELETE FROM sales.orders', channel: 'test', userId: 'mallory' });
    const rows = await runtime.appDb.pool.query(
      "SELECT status, rule, reason FROM audit_log WHERE user_id = 'mallory' ORDER BY id DESC LIMIT 1",
    );
    expect(rows.rows[0]).toMatchObject({ status: 'refuse', rule: 'select_only' });
  });

  it('treats an E-string with a backslash as one harmless literal, as PostgreSQL does', async () => {
    const answer = await runSql(askDeps(runtime), {
      text: "SELECT E'foo\\'; DELETE FROM sales.orders; --' AS s",
      channel: 'test',
    });
    expect(answer.status).toBe('answer');
    expect(answer.rows).toEqual([["foo'; DELETE FROM sales.orders; --"]]);
  });
});

describe('the read-only executor (even without the gate)', () => {
  const direct = () => new Executor({ connectionString: readerUrl(runtime), timeoutSeconds: 1, maxRows: 10 });

  it('runs as the least-privilege role', () => {
    expect(new URL(readerUrl(runtime)).username).toBe('tally_reader');
  });

  it.each([
    ['DELETE FROM sales.orders', /read-only|permission/],
    ['CREATE TEMP TABLE t (x int)', /read-only|permission/],
    ['SELECT salary FROM hr.employees', /permission/],
    ['SELECT 1; DELETE FROM sales.orders', /multiple commands|cannot insert multiple/],
  ])('refuses %s', async (sql, message) => {
    const executor = direct();
    try {
      await expect(executor.run(sql)).rejects.toThrow(message);
    } finally {
      await executor.close();
    }
  });

  it('cancels a query that outlives the timeout', async () => {
    const executor = direct();
    try {
      const error = await executor.run('SELECT count(*) FROM generate_series(1, 1e10)').catch((e) => e);
      expect(error).toBeInstanceOf(ExecutorError);
      expect((error as ExecutorError).code).toBe('query_timeout');
      // The pool is still usable afterwards.
      expect((await executor.run('SELECT 1 AS one')).rows).toEqual([[1]]);
    } finally {
      await executor.close();
    }
  });

  it('returns numbers as numbers, dates as YYYY-MM-DD, and cuts at the row cap', async () => {
    const executor = direct();
    try {
      const result = await executor.run(
        'SELECT order_date, net_amount FROM sales.orders ORDER BY order_id LIMIT 11',
      );
      expect(result.columns).toEqual([
        { name: 'order_date', type: 'date' },
        { name: 'net_amount', type: 'number' },
      ]);
      expect(result.rows[0]?.[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof result.rows[0]?.[1]).toBe('number');
      expect(result.rows).toHaveLength(10);
      expect(result.truncated).toBe(true);
    } finally {
      await executor.close();
    }
  });
});
