/**
 * What the load work (issue 17) changed must not change what people get:
 *   - the disk store makes its folders once, not on every answer — and a folder removed while the
 *     server runs (a cleaned disk) is made again, so the next chart is still stored and served;
 *   - an executor built without a pool size takes the reader pool size, which fits the role's limit;
 *   - formatted SQL is kept (bounded) — a kept statement reads exactly as a freshly formatted one,
 *     and the number kept never passes its bound.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { format as formatSql } from 'sql-formatter';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskAssetStore } from '../charts/store.ts';
import { DISPLAY_SQL_ENTRIES, displaySql, displaySqlKept } from '../skills/ask.ts';
import { Executor } from '../warehouse/executor.ts';
import { READER_LIMITS, READER_POOL_SIZE } from '../warehouse/grants.ts';

describe('disk store folders', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('stores and serves a chart after its folder was removed under it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tally-store-folders-'));
    dirs.push(dir);
    const store = new DiskAssetStore(dir, 'http://tally.test', 60);
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const first = await store.put('chart', png);
    await rm(path.join(dir, 'charts'), { recursive: true, force: true });
    const second = await store.put('chart', png);
    expect(second).not.toBe(first);
    const file = path.join(dir, 'charts', new URL(second).pathname.split('/').pop() as string);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(file)).toEqual(png);
  });
});

describe('formatted SQL kept', () => {
  it('reads exactly as freshly formatted SQL, the first time and every time after', () => {
    const sql =
      'SELECT r.region_name, sum(o.net_amount) AS revenue FROM sales.orders o JOIN sales.customers c USING (customer_id) JOIN sales.regions r USING (region_id) GROUP BY 1 ORDER BY 2 DESC LIMIT 10';
    const fresh = formatSql(sql, { language: 'postgresql', keywordCase: 'preserve' });
    expect(displaySql(sql)).toBe(fresh);
    expect(displaySql(sql)).toBe(fresh);
  });

  it('keeps SQL the formatter cannot read as it came', () => {
    const odd = 'SELECT $$ unterminated';
    expect(displaySql(odd)).toBe(displaySql(odd));
  });

  it('never keeps more than its bound', () => {
    for (let i = 0; i < DISPLAY_SQL_ENTRIES + 50; i++) displaySql(`SELECT ${i} AS n`);
    expect(displaySqlKept()).toBe(DISPLAY_SQL_ENTRIES);
    expect(displaySql('SELECT 1 AS n')).toBe(
      formatSql('SELECT 1 AS n', { language: 'postgresql', keywordCase: 'preserve' }),
    );
  });
});

describe('reader pool', () => {
  it('defaults to the reader pool size, within the role’s connection limit', async () => {
    const executor = new Executor({
      connectionString: 'postgres://nobody@127.0.0.1:1/none',
      timeoutSeconds: 5,
      maxRows: 10,
    });
    const pool = (executor as unknown as { pool: pg.Pool }).pool;
    expect(pool.options.max).toBe(READER_POOL_SIZE);
    expect(READER_POOL_SIZE).toBeLessThanOrEqual(READER_LIMITS.connectionLimit);
    await executor.close();
  });
});
