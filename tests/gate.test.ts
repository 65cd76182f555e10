import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../bot/runtime.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { checkSql } from '../warehouse/gate.ts';
import { HANDWRITTEN, HARMLESS, publicPayloads } from './hostile-corpus.ts';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(DEFAULT_CATALOG);
});

const gate = (sql: string, maxRows = 100) => checkSql(sql, catalog, { maxRows });

describe('the SQL gate', () => {
  it('refuses every hand-written attack', () => {
    expect(HANDWRITTEN.length).toBeGreaterThanOrEqual(60);
    const allowed = HANDWRITTEN.filter((sql) => gate(sql).ok);
    expect(allowed).toEqual([]);
  });

  it('refuses every line of the public SQL-injection payload lists, except the harmless ones', () => {
    const payloads = publicPayloads();
    expect(payloads.length).toBeGreaterThan(500);
    const allowed = payloads.filter((sql) => gate(sql).ok);
    expect(allowed.every((sql) => HARMLESS.includes(sql))).toBe(true);
  });

  it('reads a backslash inside a standard string as PostgreSQL does: two statements', () => {
    const verdict = gate("SELECT 'foo\\'; DELETE FROM sales.orders; --'");
    expect(verdict).toMatchObject({ ok: false, rule: 'single_statement' });
  });

  it.each([
    ['WITH d AS (DELETE FROM sales.orders RETURNING *) SELECT * FROM d', 'no_writes'],
    ['SELECT * INTO x FROM sales.orders', 'no_into'],
    ['SELECT * FROM sales.orders FOR UPDATE', 'no_locking'],
    ['EXPLAIN ANALYZE SELECT 1', 'select_only'],
    ['SELECT * FROM pg_catalog.pg_user', 'catalog_tables'],
    ['SELECT * FROM hr.employees', 'personal_data'],
    ['SELECT e FROM hr.employees e', 'personal_data'],
    ['SELECT avg(salary) FROM hr.employees', 'personal_data'],
    ["SELECT pg_read_file('/etc/passwd')", 'functions'],
    ['SELECT current_user', 'functions'],
    ['SELEC 1', 'syntax'],
    ['', 'empty'],
  ])('names the rule for %s', (sql, rule) => {
    const verdict = gate(sql);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.rule).toBe(rule);
      expect(verdict.reason.length).toBeGreaterThan(10);
    }
  });

  it('allows legitimate analytic SQL, including what other parsers fail on', () => {
    const legit = [
      'SELECT department, count(*) FROM hr.employees GROUP BY 1',
      "SELECT date_trunc('month', order_date)::date AS m, sum(net_amount) FILTER (WHERE status = 'completed') FROM sales.orders GROUP BY GROUPING SETS ((1), ())",
      'SELECT region_name FROM sales.regions ORDER BY 1 FETCH FIRST 2 ROWS ONLY',
      'SELECT o.order_id FROM sales.orders o WHERE o.discount_pct IS NOT DISTINCT FROM 0 LIMIT 5',
      'WITH m AS (SELECT customer_id, sum(net_amount) AS s FROM sales.orders GROUP BY 1) SELECT c.segment, avg(m.s) FROM m JOIN sales.customers c USING (customer_id) GROUP BY 1',
      'SELECT channel, rank() OVER (ORDER BY count(*) DESC) FROM sales.orders GROUP BY channel',
      "SELECT d::date FROM generate_series(DATE '2026-01-01', DATE '2026-01-07', INTERVAL '1 day') AS d",
    ];
    for (const sql of legit) expect(gate(sql), sql).toMatchObject({ ok: true });
  });

  it('caps the rows: a missing or larger LIMIT becomes cap + 1, a smaller one stays', () => {
    expect(gate('SELECT region_name FROM sales.regions', 100)).toMatchObject({
      ok: true,
      sql: expect.stringMatching(/LIMIT 101$/),
    });
    expect(gate('SELECT region_name FROM sales.regions LIMIT 100000', 100)).toMatchObject({
      sql: expect.stringMatching(/LIMIT 101$/),
    });
    expect(gate('SELECT region_name FROM sales.regions LIMIT 3', 100)).toMatchObject({
      sql: expect.stringMatching(/LIMIT 3$/),
    });
  });
});
