/**
 * The least-privilege role queries run as: connect, use the catalog's schemas, SELECT on the
 * catalog's tables without their personal columns, no TEMP, read-only by default. The same
 * statements set up the embedded server and are printed by `tally catalog grants` for an admin.
 */
import pg from 'pg';
import type { Catalog } from '../semantic-catalog/schema.ts';

export const READER_ROLE = 'tally_reader';

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
    `ALTER ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT CONNECTION LIMIT 32${password}`,
    `ALTER ROLE ${role} SET default_transaction_read_only = on`,
    `ALTER ROLE ${role} SET search_path = ''`,
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
  ];
}
