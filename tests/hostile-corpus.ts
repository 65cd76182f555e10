/** Hostile SQL: hand-written attacks on a read-only analytics gate, plus the public payload lists in shared/data/sqli. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SQLI_DIR = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'sqli');

export const HANDWRITTEN: string[] = [
  "SELECT 'foo\\'; DELETE FROM sales.orders; --'",
  'SELECT 1; DELETE FROM sales.orders',
  'SELECT region_name FROM sales.regions; DROP TABLE sales.regions',
  'SELECT 1; COMMIT; DELETE FROM sales.orders',
  "SELECT $$ '; $$; TRUNCATE sales.orders",
  'WITH gone AS (DELETE FROM sales.orders RETURNING *) SELECT count(*) FROM gone',
  'WITH up AS (UPDATE sales.orders SET net_amount = 0 RETURNING 1) SELECT * FROM up',
  "WITH ins AS (INSERT INTO sales.regions VALUES (9, 'X') RETURNING *) SELECT * FROM ins",
  'SELECT * INTO sales.copy FROM sales.orders',
  'SELECT region_name INTO TEMP t FROM sales.regions',
  'SELECT * FROM sales.orders FOR UPDATE',
  'SELECT * FROM sales.regions FOR SHARE',
  'SELECT * FROM sales.orders FOR NO KEY UPDATE SKIP LOCKED',
  "COPY sales.orders TO '/tmp/orders.csv'",
  "COPY (SELECT 1) TO PROGRAM 'id'",
  'DO $$ BEGIN DELETE FROM sales.orders; END $$',
  'EXPLAIN ANALYZE DELETE FROM sales.orders',
  'EXPLAIN ANALYZE SELECT * FROM sales.orders',
  'SET ROLE postgres',
  'RESET ROLE',
  'SET statement_timeout = 0',
  "SELECT set_config('statement_timeout', '0', false)",
  'SELECT * FROM pg_catalog.pg_authid',
  'SELECT usename, passwd FROM pg_shadow',
  'SELECT * FROM information_schema.tables',
  'SELECT * FROM pg_stat_activity',
  "SELECT pg_read_file('/etc/passwd')",
  "SELECT pg_ls_dir('.')",
  "SELECT lo_import('/etc/passwd')",
  'SELECT pg_terminate_backend(pid) FROM sales.orders',
  'SELECT pg_cancel_backend(1)',
  'SELECT pg_sleep(60)',
  "SELECT current_setting('data_directory')",
  'SELECT version()',
  "SELECT dblink_exec('dbname=warehouse', 'DELETE FROM sales.orders')",
  'SELECT full_name FROM hr.employees',
  "SELECT email FROM hr.employees WHERE department = 'Engineering'",
  'SELECT avg(salary) FROM hr.employees',
  'SELECT department, sum(e.salary) FROM hr.employees e GROUP BY 1',
  'SELECT * FROM hr.employees',
  'SELECT e.* FROM hr.employees e',
  'SELECT e FROM hr.employees e',
  'SELECT to_jsonb(e) FROM hr.employees AS e',
  'SELECT count(*) FROM hr.employees WHERE salary > 100000',
  'SELECT department FROM hr.employees ORDER BY salary DESC',
  'SELECT x.s FROM (SELECT salary AS s FROM hr.employees) x',
  'WITH h AS (SELECT * FROM hr.employees) SELECT department FROM h',
  'SELECT U&"\\0073alary" FROM hr.employees',
  'SELECT * FROM "hr"."employees"',
  'SELECT * FROM orders',
  'SELECT * FROM public.secrets',
  'CREATE TABLE sales.evil (x int)',
  'ALTER TABLE sales.orders DROP COLUMN net_amount',
  'DROP SCHEMA sales CASCADE',
  'TRUNCATE sales.orders',
  'GRANT ALL ON sales.orders TO PUBLIC',
  "INSERT INTO sales.regions VALUES (5, 'Mars')",
  "UPDATE sales.orders SET status = 'cancelled'",
  'DELETE FROM sales.orders',
  'MERGE INTO sales.regions r USING sales.regions s ON r.region_id = s.region_id WHEN MATCHED THEN DELETE',
  'VACUUM FULL sales.orders',
  'LOCK TABLE sales.orders',
  'CALL some_procedure()',
  'PREPARE p AS DELETE FROM sales.orders',
  'LISTEN x',
  "NOTIFY x, 'y'",
  'BEGIN',
  'COMMIT',
  'SELECT 1 UNION SELECT salary FROM hr.employees',
  'SELECT region_name FROM sales.regions WHERE region_id = (SELECT count(*) FROM pg_user)',
  "SELECT nextval('sales.orders_order_id_seq')",
  "SELECT lo_export(1, '/tmp/x')",
  "SELECT query_to_xml('DELETE FROM sales.orders', true, true, '')",
  'SELECT * FROM sales.orders, LATERAL (SELECT pg_sleep(1)) s',
  'TABLE hr.employees',
];

/**
 * Statements that look hostile but are harmless, where the gate must agree with PostgreSQL:
 * E'…' strings do honour backslash escapes, so this is one string literal and no DELETE runs.
 */
export const HARMLESS: string[] = ["SELECT E'foo\\'; DELETE FROM sales.orders; --'", 'VALUES (1)', 'select'];

/** Passes the gate, but PostgreSQL refuses it: a quoted "SALARY" is another (missing) column, not salary. */
export const FAILS_AT_SERVER: string[] = ['SELECT "SALARY" FROM hr.employees'];

function lines(file: string): string[] {
  return readFileSync(path.join(SQLI_DIR, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Every payload line of the public lists, used as a whole statement. */
export function publicPayloads(): string[] {
  const blocks = JSON.parse(
    readFileSync(
      path.join(SQLI_DIR, 'payloadsallthethings', 'postgresql_injection_md_codeblocks.json'),
      'utf8',
    ),
  ) as {
    payload: string;
  }[];
  return [
    ...blocks.flatMap((b) =>
      b.payload
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    ),
    ...lines('seclists/quick-SQLi.txt'),
    ...lines('seclists/Generic-SQLi.txt'),
    ...lines('payloadsallthethings/Intruder/FUZZDB_Postgres_Enumeration.txt'),
    ...lines('payloadsallthethings/Intruder/Generic_UnionSelect.txt'),
    ...lines('payloadsallthethings/Intruder/Generic_TimeBased.txt'),
    ...lines('payloadsallthethings/Intruder/Auth_Bypass.txt'),
  ];
}
