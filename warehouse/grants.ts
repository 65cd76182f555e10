/**
 * The least-privilege role queries run as: connect, use the catalog's schemas, SELECT on the
 * catalog's tables without their personal columns, no TEMP, read-only by default. The same
 * statements set up the embedded server and are printed by `tally catalog grants` for an admin.
 */
import pg from 'pg';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { accessPolicyStatements } from './access-policies.ts';

export const READER_ROLE = 'tally_reader';

/**
 * Administrative and session functions the reader must not run even if a statement got past the
 * gate. PUBLIC holds EXECUTE on them, and a grant to PUBLIC can't be taken from one role alone,
 * so they are revoked from PUBLIC in the warehouse database: other non-superuser roles of that
 * database lose them too (superusers keep them). Function privileges are per database.
 */
export const REVOKED_FUNCTIONS = [
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_advisory_lock',
  'pg_advisory_lock_shared',
  'pg_advisory_unlock',
  'pg_advisory_unlock_shared',
  'pg_advisory_unlock_all',
  'pg_advisory_xact_lock',
  'pg_advisory_xact_lock_shared',
  'pg_try_advisory_lock',
  'pg_try_advisory_lock_shared',
  'pg_try_advisory_xact_lock',
  'pg_try_advisory_xact_lock_shared',
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
  'current_setting',
  'set_config',
  'pg_read_file',
  'pg_read_binary_file',
  'pg_ls_dir',
  'pg_stat_file',
  'pg_notify',
  'pg_get_userbyid',
  'pg_get_viewdef',
  'pg_relation_size',
  'pg_total_relation_size',
  'pg_database_size',
  'txid_status',
  'pg_stat_get_backend_pid',
  'pg_stat_get_backend_userid',
  'pg_stat_get_activity',
];
/** Families revoked by name pattern: large objects and dblink (when installed). */
const REVOKED_PATTERNS = ['lo\\_%', 'dblink%'];

/** Per-role limits: what one statement may take from the warehouse. */
export const READER_LIMITS = {
  statement_timeout: '60s',
  idle_in_transaction_session_timeout: '60s',
  work_mem: '32MB',
  temp_file_limit: '256MB',
  connectionLimit: 16,
};

/**
 * Connections one process's reader pool may open: half the role's limit, so a pool never asks for
 * more than the role allows and a second process (a CLI ask beside the server, a replica) still
 * finds a slot. The executor waits for a slot rather than failing when the others hold the rest.
 */
export const READER_POOL_SIZE = Math.max(1, Math.floor(READER_LIMITS.connectionLimit / 2));

export function grantStatements(
  catalog: Catalog,
  options: { role: string; database: string; password?: string },
): string[] {
  const role = pg.escapeIdentifier(options.role);
  const database = pg.escapeIdentifier(options.database);
  const schemas = [...new Set(catalog.tables.map((t) => t.name.split('.')[0] as string))];
  const password = options.password ? ` PASSWORD ${pg.escapeLiteral(options.password)}` : '';
  return [
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${pg.escapeLiteral(options.role)}) THEN CREATE ROLE ${role}; END IF; END $$`,
    `ALTER ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT CONNECTION LIMIT ${READER_LIMITS.connectionLimit}${password}`,
    `ALTER ROLE ${role} SET default_transaction_read_only = on`,
    `ALTER ROLE ${role} SET search_path = ''`,
    // temp_file_limit is a superuser setting: the role can't raise it, and a spilling cross join stops at it.
    ...(
      ['statement_timeout', 'idle_in_transaction_session_timeout', 'work_mem', 'temp_file_limit'] as const
    ).map((name) => `ALTER ROLE ${role} SET ${name} = ${pg.escapeLiteral(READER_LIMITS[name])}`),
    revokeFunctionsStatement(),
    // Every role inherits PUBLIC's TEMP privilege on a database; revoking it from the reader alone has no effect.
    `REVOKE TEMPORARY ON DATABASE ${database} FROM PUBLIC`,
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
    `GRANT CONNECT ON DATABASE ${database} TO ${role}`,
    ...schemas.map((s) => `GRANT USAGE ON SCHEMA ${pg.escapeIdentifier(s)} TO ${role}`),
    ...catalog.tables.flatMap((table) => {
      const qualified = table.name.split('.').map(pg.escapeIdentifier).join('.');
      const columns = table.columns.filter((c) => !c.personal).map((c) => pg.escapeIdentifier(c.name));
      return [
        `REVOKE ALL ON ${qualified} FROM ${role}`,
        `GRANT SELECT (${columns.join(', ')}) ON ${qualified} TO ${role}`,
      ];
    }),
    ...accessPolicyStatements(catalog, options.role),
  ];
}

function revokeFunctionsStatement(): string {
  const names = REVOKED_FUNCTIONS.map((n) => pg.escapeLiteral(n)).join(', ');
  const patterns = REVOKED_PATTERNS.map((p) => `p.proname LIKE ${pg.escapeLiteral(p)}`).join(' OR ');
  return [
    'DO $$ DECLARE f regprocedure; BEGIN',
    '  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace',
    `    WHERE n.nspname = 'pg_catalog' AND (p.proname IN (${names}) OR ${patterns}) LOOP`,
    "    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);",
    '  END LOOP;',
    'END $$',
  ].join('\n');
}
