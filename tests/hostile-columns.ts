/**
 * Hostile SQL of the second probe, written for this project: functions called as columns
 * (PostgreSQL reads `x.f` as `f(x)`), personal data reached through renames, joins and whole rows,
 * and statements meant to exhaust the warehouse. The forms are crossed with the functions so that
 * a form the gate handles for one function can't slip through for another.
 */

/** Administrative, session and catalog functions an attacker wants to call. */
export const ATTACK_FUNCTIONS = [
  'current_setting',
  'set_config',
  'pg_advisory_lock',
  'pg_try_advisory_lock',
  'pg_advisory_xact_lock',
  'pg_sleep',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_get_userbyid',
  'pg_get_viewdef',
  'pg_relation_size',
  'to_regclass',
  'txid_status',
  'pg_stat_get_backend_pid',
  'pg_read_file',
  'lo_unlink',
  'row_to_json',
  'to_jsonb',
  'pg_notify',
  'version',
];

/** Ways to call `fn` without call syntax. */
const FORMS: ((fn: string) => string)[] = [
  (fn) => `SELECT g.${fn} FROM generate_series(1, 3) AS g`,
  (fn) => `SELECT g.${fn} FROM generate_series(1, 3) g(n)`,
  (fn) => `SELECT u.${fn} FROM unnest(ARRAY['server_version']) AS u`,
  (fn) => `SELECT f.${fn} FROM lower('server_version') AS f`,
  (fn) => `SELECT r.${fn} FROM sales.regions AS r`,
  (fn) => `SELECT sales.regions.${fn} FROM sales.regions`,
  (fn) => `SELECT s.${fn} FROM (SELECT 'server_version' AS v) AS s`,
  (fn) => `WITH c AS (SELECT 10 AS n) SELECT c.${fn} FROM c`,
  (fn) => `SELECT (r).${fn} FROM sales.regions AS r`,
  (fn) => `SELECT (g.n).${fn} FROM generate_series(1, 3) AS g(n)`,
  (fn) => `SELECT count(*) FROM sales.regions r WHERE r.${fn} IS NOT NULL`,
  (fn) => `SELECT region_name FROM sales.regions r ORDER BY r.${fn}`,
  (fn) => `SELECT x.v FROM generate_series(1, 2) AS g, LATERAL (SELECT g.${fn} AS v) AS x`,
  (fn) => `SELECT region_name FROM sales.regions r WHERE EXISTS (SELECT 1 WHERE r.${fn} IS NULL)`,
];

export const FUNCTIONS_AS_COLUMNS: string[] = ATTACK_FUNCTIONS.flatMap((fn) => FORMS.map((form) => form(fn)));

/** The probe's own statements, as reported. */
export const PROBE_EXAMPLES: string[] = [
  "SELECT f.current_setting FROM lower('server_version') AS f",
  "SELECT f.current_setting FROM lower('listen_addresses') AS f",
  'SELECT g.pg_advisory_lock FROM generate_series(1, 3) AS g',
  'SELECT g.pg_try_advisory_lock FROM generate_series(1, 3) AS g',
  'SELECT g.pg_get_userbyid FROM generate_series(10, 10) AS g',
  "SELECT f.pg_get_viewdef FROM lower('pg_catalog.pg_roles') AS f",
  "SELECT f.pg_relation_size FROM lower('sales.orders') AS f",
  "SELECT f.to_regclass FROM lower('pg_catalog.pg_authid') AS f",
  'SELECT f.txid_status FROM abs(1) AS f',
  'SELECT r.row_to_json FROM sales.regions AS r',
  'SELECT g.pg_advisory_lock, s.pg_sleep FROM generate_series(7477002, 7477002) AS g, abs(25::float8) AS s',
  "SELECT p.pg_terminate_backend FROM generate_series(1, 200) AS g, LATERAL unnest(ARRAY[g.pg_stat_get_backend_pid]) AS p WHERE g.pg_stat_get_backend_userid::regrole::text = 'tally_reader'",
];

/** Personal data reached without naming a personal column. */
export const PERSONAL_THROUGH_RENAMES: string[] = [
  'SELECT nm, em FROM hr.employees AS x(id, nm, em)',
  'SELECT x.b FROM hr.employees AS x(a, b)',
  'SELECT count(*) FROM hr.employees a JOIN hr.employees b USING (salary)',
  'SELECT a.department FROM hr.employees a JOIN hr.employees b USING (email)',
  'SELECT count(*) FROM hr.employees a NATURAL JOIN hr.employees b',
  'SELECT emp.row_to_json FROM hr.employees emp',
  'SELECT row_to_json(emp.*) FROM hr.employees emp',
  'SELECT (emp).salary FROM hr.employees emp',
  'SELECT (emp.*)::text FROM hr.employees emp',
  'SELECT ROW(emp.*) FROM hr.employees emp',
  'SELECT emp::text FROM hr.employees emp',
  'SELECT avg(s) FROM (SELECT salary AS s FROM hr.employees) t',
  'SELECT avg(t.x) FROM (SELECT * FROM hr.employees) t(a, b, c, x)',
  'WITH h(a, b) AS (SELECT full_name, department FROM hr.employees) SELECT a FROM h',
  'SELECT department FROM hr.employees UNION SELECT email FROM hr.employees',
  'SELECT department FROM hr.employees e WHERE e.salary > 1',
  'SELECT department FROM hr.employees GROUP BY department HAVING max(salary) > 0',
  'SELECT department FROM hr.employees ORDER BY full_name',
  'SELECT hr.employees.salary FROM hr.employees',
  'SELECT j.salary FROM (hr.employees e JOIN hr.employees f USING (department)) AS j',
  "SELECT department FROM hr.employees WHERE email LIKE '%@%'",
  'SELECT count(DISTINCT salary) FROM hr.employees',
  'SELECT v.column1 FROM (VALUES (1)) v, LATERAL (SELECT salary FROM hr.employees) s',
];

/** Statements that would hold a connection or spill to disk until a limit stops them. */
export const EXHAUSTION: string[] = [
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r',
  `${'SELECT x FROM ('.repeat(1000)}SELECT 1 AS x${') s'.repeat(1000)}`,
  `SELECT ${'abs('.repeat(2000)}1${')'.repeat(2000)}`,
  `SELECT 1 WHERE ${"'x' = 'x' AND ".repeat(12_000)}true`,
];
