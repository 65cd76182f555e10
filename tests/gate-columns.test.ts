/**
 * The gate resolves every column reference: functions called as columns, personal data reached
 * through renames, joins and whole rows, and input built to exhaust or crash the checker are all
 * refused by the gate on its own, with the rule named.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../bot/runtime.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { checkSql, type GateVerdict } from '../warehouse/gate.ts';
import { loadPgParser } from '../warehouse/pg-parser.ts';
import {
  EXHAUSTION,
  FUNCTIONS_AS_COLUMNS,
  PERSONAL_THROUGH_RENAMES,
  PROBE_EXAMPLES,
} from './hostile-columns.ts';

let catalog: Catalog;
beforeAll(async () => {
  await loadPgParser();
  catalog = await loadCatalog(DEFAULT_CATALOG);
});

const gate = (sql: string): GateVerdict => checkSql(sql, catalog, { maxRows: 100 });
const passed = (list: string[]) => list.filter((sql) => gate(sql).ok);

describe('the gate resolves every column reference', () => {
  it('refuses every function called as a column, in every form', () => {
    expect(FUNCTIONS_AS_COLUMNS.length).toBeGreaterThanOrEqual(250);
    expect(passed(FUNCTIONS_AS_COLUMNS)).toEqual([]);
    expect(passed(PROBE_EXAMPLES)).toEqual([]);
    for (const sql of PROBE_EXAMPLES) expect(gate(sql), sql).toMatchObject({ ok: false, rule: 'functions' });
  });

  it('refuses personal data reached through renames, USING, NATURAL, whole rows and set operations', () => {
    expect(passed(PERSONAL_THROUGH_RENAMES)).toEqual([]);
    expect(gate('SELECT count(*) FROM hr.employees a JOIN hr.employees b USING (salary)')).toMatchObject({
      rule: 'personal_data',
    });
  });

  it('refuses input built to exhaust the server or overflow the checker, without throwing', () => {
    for (const sql of EXHAUSTION) {
      const verdict = gate(sql);
      expect(verdict.ok, sql.slice(0, 60)).toBe(false);
    }
    const nested = `${'SELECT x FROM ('.repeat(1000)}SELECT 1 AS x${') s'.repeat(1000)}`;
    expect(gate(nested)).toMatchObject({ ok: false, rule: 'too_complex' });
    expect(gate(`SELECT 1 WHERE ${'true AND '.repeat(20_000)}true`)).toMatchObject({ rule: 'too_complex' });
  });

  it('keeps the meaning of what it checked: WITH TIES is refused, not turned into LIMIT', () => {
    expect(gate('SELECT region_name FROM sales.regions ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES').ok).toBe(
      false,
    );
  });

  it('still allows what analysts write: subqueries, CTEs, set operations, lateral series, output names', () => {
    const legit = [
      'SELECT s.region_name FROM (SELECT region_name FROM sales.regions) s',
      'SELECT s.lower FROM (SELECT lower(region_name) FROM sales.regions) s',
      'WITH m AS (SELECT region_id, region_name FROM sales.regions) SELECT m.region_name FROM m ORDER BY m.region_id',
      'SELECT g, x.n, x.ordinality FROM generate_series(1, 3) g, unnest(ARRAY[1, 2]) WITH ORDINALITY AS x(n)',
      'SELECT region_name AS notifications FROM sales.regions ORDER BY notifications',
      'SELECT region_name FROM sales.regions UNION SELECT region_name FROM sales.regions ORDER BY region_name',
      'SELECT sales.regions.region_name FROM sales.regions',
      'SELECT r.* FROM sales.regions r',
      'SELECT department, count(*) FROM hr.employees GROUP BY department',
      'SELECT now(), current_date, current_timestamp',
      'SELECT count(*) FROM sales.orders o WHERE EXISTS (SELECT 1 FROM sales.customers c WHERE c.customer_id = o.customer_id)',
    ];
    for (const sql of legit) expect(gate(sql), sql).toMatchObject({ ok: true });
  });
});
