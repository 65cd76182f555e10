/**
 * Issue 17, load: 45 of 50 simultaneous `tally ask` processes failed to join the running embedded
 * PostgreSQL ("exited during start-up") because the join check gave up after one 1.5-second try,
 * and the reader role allowed fewer connections than a pool asked for, so the pool failed. Here
 * 50 built CLIs ask at once beside the run's server, and one executor runs a crowd of queries
 * while other sessions hold all but one of the reader role's connections.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bot/runtime.ts';
import { Executor } from '../warehouse/executor.ts';
import { READER_LIMITS, READER_POOL_SIZE } from '../warehouse/grants.ts';
import { readerUrl, runTally, testRuntime } from './helpers.ts';

const QUESTIONS = [
  'revenue by region last quarter',
  'monthly revenue in 2025',
  'orders by channel last week',
  'revenue by segment this year',
  'number of orders by region',
];

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

describe('many Tally processes on one warehouse', () => {
  it('answers 50 simultaneous `tally ask` processes', async () => {
    const asks = Array.from({ length: 50 }, (_, i) =>
      runTally(['ask', QUESTIONS[i % QUESTIONS.length] as string, '--json']).then(
        ({ stdout }) => JSON.parse(stdout) as { status: string },
        (error: Error & { stderr?: string }) => ({ status: 'failed', stderr: error.stderr ?? error.message }),
      ),
    );
    const answers = await Promise.all(asks);
    const failed = answers.filter((a) => a.status !== 'answer');
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
  }, 300_000);

  it('keeps a reader pool within the role’s connection limit', () => {
    const pool = (runtime.executor as unknown as { pool: pg.Pool }).pool;
    expect(pool.options.max).toBe(READER_POOL_SIZE);
    expect(READER_POOL_SIZE).toBeLessThanOrEqual(READER_LIMITS.connectionLimit);
  });

  it('waits for a reader connection when other sessions hold the rest, and answers every query', async () => {
    const url = readerUrl(runtime);
    // All but one of the role's slots, taken by other sessions (as other processes would).
    const holders: pg.Client[] = [];
    for (;;) {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        expect((error as { code?: string }).code).toBe('53300');
        break;
      }
      holders.push(client);
    }
    expect(holders.length).toBeGreaterThan(0);
    // Free exactly one: the executor gets one connection and must wait for more.
    await holders.pop()?.end();
    const executor = new Executor({ connectionString: url, timeoutSeconds: 10, maxRows: 100 });
    try {
      const crowd = Array.from({ length: 12 }, (_, i) =>
        executor.run(`SELECT ${i} AS n, count(*) AS orders FROM sales.orders`),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const client of holders.splice(0)) await client.end();
      const results = await Promise.all(crowd);
      expect(results.map((r) => r.rows[0]?.[0])).toEqual(Array.from({ length: 12 }, (_, i) => i));
    } finally {
      for (const client of holders) await client.end();
      await executor.close();
    }
  });
});
