/**
 * A catalog checked against the live database it describes (`tally catalog lint --warehouse`),
 * and drift after the database changed under it: a dropped column, a retyped column, a value
 * gone, a new table. Before, a catalog naming a missing column passed lint and failed only when
 * someone asked; now lint names the YAML line, `tally catalog drift` lists the changes, and
 * `tally start` logs one warning per change and still serves.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../warehouse/free-port.ts';
import { isolatedAppUrl, runTally, spawnTally } from './helpers.ts';
import { until } from './wait.ts';

const file = path.join(tmpdir(), `tally-drift-${process.pid}.yaml`);
let url: string;
let db: pg.Client;

beforeAll(async () => {
  url = await isolatedAppUrl('drift');
  db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.customers (customer_id int PRIMARY KEY, segment text);
    CREATE TABLE shop.orders (order_id int PRIMARY KEY, customer_id int REFERENCES shop.customers,
      ordered_on date, status text, amount numeric(10,2));
    INSERT INTO shop.customers SELECT g, (ARRAY['gold','silver','bronze'])[1 + g % 3] FROM generate_series(1, 30) g;
    INSERT INTO shop.orders SELECT g, 1 + g % 30, DATE '2026-01-01' + g, (ARRAY['paid','open'])[1 + g % 2], g
      FROM generate_series(1, 200) g;`);
  await runTally(['catalog', 'init', '--url', url, '--out', file, '--force']);
});

afterAll(async () => {
  await db?.end();
  const admin = new URL(inject('adminUrl'));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(
    `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(url).pathname.slice(1))} WITH (FORCE)`,
  );
  await client.end();
});

/** The line of the first catalog line matching `pattern` (1-based), as lint reports it. */
async function lineOf(pattern: RegExp): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const index = lines.findIndex((l) => pattern.test(l));
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

async function failing(args: string[], env: Record<string, string> = {}) {
  return runTally(args, env).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('catalog against the live warehouse', () => {
  it('a fresh draft matches the warehouse: lint --warehouse passes and there is no drift', async () => {
    const lint = await runTally(['catalog', 'lint', file, '--warehouse', '--url', url]);
    expect(lint.stdout).toMatch(/OK against the warehouse/);
    const drift = await runTally(['catalog', 'drift', file, '--url', url]);
    expect(drift.stdout).toMatch(/no drift/);
  });

  it('after a dropped column, a retyped column, a vanished value and a new table', async () => {
    await db.query(`
      ALTER TABLE shop.orders DROP COLUMN status;
      ALTER TABLE shop.orders ALTER COLUMN amount TYPE text;
      UPDATE shop.customers SET segment = 'platinum' WHERE segment = 'gold';
      CREATE TABLE shop.returns (return_id int PRIMARY KEY, order_id int);`);

    const lint = await failing(['catalog', 'lint', file, '--warehouse', '--url', url]);
    expect(lint.code).toBe(2);
    const statusLine = await lineOf(/- \{ name: status, type:/);
    const amountLine = await lineOf(/- \{ name: amount, type:/);
    const segmentLine = await lineOf(/- \{ name: segment, type:/);
    expect(lint.stderr).toContain(
      `${file}:${statusLine}  tables[1].columns[3].name: shop.orders has no column status`,
    );
    expect(lint.stderr).toContain(
      `${file}:${amountLine}  tables[1].columns[4].type: shop.orders.amount is numeric(10,2) in the catalog but text in the warehouse`,
    );
    expect(lint.stderr).toMatch(
      new RegExp(`${file}:${segmentLine} .*value "gold" is not in shop\\.customers\\.segment`),
    );

    const drift = await failing(['catalog', 'drift', file, '--url', url, '--json']);
    expect(drift.code).toBe(1);
    const kinds = (JSON.parse(drift.stdout) as { kind: string; message: string }[]).map((p) => p.kind).sort();
    expect(kinds).toEqual(['missing_column', 'new_table', 'retyped_column']);

    // A question over the dropped column gets an answer saying so; the rest still answers.
    const env = {
      ANALYTICS_DB_URL: url,
      DATABASE_URL: await isolatedAppUrl('drift_ask'),
      TALLY_CATALOG: file,
    };
    const broken = await failing(['ask', 'how many orders by status', '--json'], env);
    expect(JSON.parse(broken.stdout)).toMatchObject({ status: 'error' });
    const fine = JSON.parse((await runTally(['ask', 'how many orders', '--json'], env)).stdout);
    expect(fine).toMatchObject({ status: 'answer', rows: [[200]] });
  });

  it('tally start logs each change once, at start-up, and still serves', async () => {
    const port = await freePort();
    const child = spawnTally(
      ['start'],
      {
        PORT: String(port),
        ANALYTICS_DB_URL: url,
        DATABASE_URL: await isolatedAppUrl('drift_app'),
        TALLY_CATALOG: file,
        LOG_LEVEL: 'warn',
      },
      ['ignore', 'ignore', 'pipe'],
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    try {
      await until(
        () =>
          fetch(`http://127.0.0.1:${port}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
        () => `tally start never answered /healthz:\n${stderr}`,
        200,
      );
      const drift = stderr
        .split('\n')
        .filter((l) => l.includes('catalog drift: '))
        .map((l) => JSON.parse(l) as { level: number; drift?: string; msg: string });
      expect(
        drift
          .map((l) => l.drift)
          .filter(Boolean)
          .sort(),
      ).toEqual(['missing_column', 'new_table', 'retyped_column']);
      expect(drift.every((l) => l.level === 40)).toBe(true);
      expect(stderr).toContain('shop.orders has no column status');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
