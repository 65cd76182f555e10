/**
 * The catalog's access rules as PostgreSQL enforces them: row-level security on every catalog
 * table, one permissive policy per group that may read it. A policy reads the groups the executor
 * set for this transaction (`SET LOCAL tally.user_groups`, in the same READ ONLY transaction as the
 * statement); the reader can't set it from a statement (the gate refuses SET and set_config, and
 * set_config is revoked), and a connection that never set it matches no group, so sees no rows.
 *
 * A row filter (`r.region_name = 'EMEA'`) filters its own table and every table whose joins reach
 * it (orders → customers → regions), through an uncorrelated IN (…) the planner hashes once.
 * Group checks are `(SELECT …)` sub-selects, evaluated once per statement, not once per row.
 */
import pg from 'pg';
import { DEFAULT_GROUP, groupMayRead, rowFilterTable, TALLY_GROUP } from '../semantic-catalog/access.ts';
import type { AccessGroup } from '../semantic-catalog/access-schema.ts';
import { USER_ATTRIBUTE_REF } from '../semantic-catalog/access-schema.ts';
import { expressionColumns, joinPath, tableByName } from '../semantic-catalog/catalog.ts';
import type { Catalog, TableDef } from '../semantic-catalog/schema.ts';

export const ACCESS_SCHEMA = 'tally_access';
/** The transaction-local settings the executor sets before each statement. */
export const ACCESS_SETTINGS = {
  groups: 'tally.user_groups',
  email: 'tally.user_email',
  id: 'tally.user_id',
};

const q = (name: string) => pg.escapeIdentifier(name);
const qualified = (table: TableDef) => table.name.split('.').map(q).join('.');

export function accessPolicyStatements(catalog: Catalog, roleName: string): string[] {
  const role = q(roleName);
  const statements = [dropOldPolicies(catalog, !catalog.access)];
  if (!catalog.access) return statements;
  statements.push(...accessFunctions(role));
  const groups: AccessGroup[] = [
    ...catalog.access.groups,
    ...(catalog.access.default === 'unrestricted'
      ? [
          {
            name: DEFAULT_GROUP,
            description: '',
            members: [],
            tables: [],
            metrics: [],
            hidden_columns: [],
            rows: [],
          },
        ]
      : []),
  ];
  for (const table of catalog.tables) {
    const on = `ON ${qualified(table)}`;
    statements.push(
      `ALTER TABLE ${qualified(table)} ENABLE ROW LEVEL SECURITY`,
      // Other roles of the warehouse (BI tools, ETL) keep seeing what they saw before.
      `CREATE POLICY tally_other_roles ${on} FOR SELECT TO PUBLIC USING ((SELECT current_user <> ${pg.escapeLiteral(roleName)}))`,
      `CREATE POLICY ${q(`tally_${TALLY_GROUP}`)} ${on} FOR SELECT TO ${role} USING (${inGroup(TALLY_GROUP)})`,
    );
    for (const group of groups.filter((g) => groupMayRead(catalog, g, table.name))) {
      const filters = group.rows.flatMap((f) => reach(catalog, table, f) ?? []);
      const using = [inGroup(group.name), ...filters].join(' AND ');
      statements.push(
        `CREATE POLICY ${q(`tally_${group.name}`)} ${on} FOR SELECT TO ${role} USING (${using})`,
      );
    }
  }
  return statements;
}

const inGroup = (group: string) => `(SELECT ${ACCESS_SCHEMA}.in_group(${pg.escapeLiteral(group)}))`;

/** A row filter as a condition on `table`'s rows, or undefined when `table` doesn't reach it. */
function reach(catalog: Catalog, table: TableDef, filter: string): string | undefined {
  const target = rowFilterTable(catalog, filter);
  const path = target ? joinPath(catalog, table.name, target) : undefined;
  if (!path) return undefined;
  const sql = filter.replace(
    USER_ATTRIBUTE_REF,
    (_m, name: string) => `(SELECT ${ACCESS_SCHEMA}.user_attribute(${pg.escapeLiteral(name)}))`,
  );
  if (path.length === 0) return `(${requalified(sql, table)})`;
  const [first, ...rest] = path as [(typeof path)[number], ...typeof path];
  const firstTo = tableByName(catalog, first.to) as TableDef;
  const from = [`${qualified(firstTo)} AS ${firstTo.alias}`];
  for (const join of rest) {
    const left = tableByName(catalog, join.from) as TableDef;
    const right = tableByName(catalog, join.to) as TableDef;
    const on = join.on.map(([a, b]) => `${right.alias}.${q(b)} = ${left.alias}.${q(a)}`).join(' AND ');
    from.push(`JOIN ${qualified(right)} AS ${right.alias} ON ${on}`);
  }
  const outer = first.on.map(([a]) => `${qualified(table)}.${q(a)}`);
  const inner = first.on.map(([, b]) => `${firstTo.alias}.${q(b)}`);
  const tuple = (parts: string[]) => (parts.length === 1 ? (parts[0] as string) : `(${parts.join(', ')})`);
  return `${tuple(outer)} IN (SELECT ${inner.join(', ')} FROM ${from.join(' ')} WHERE ${sql})`;
}

/** `r.region_name` → `"sales"."regions"."region_name"`: a policy names its own table, not an alias. */
function requalified(sql: string, table: TableDef): string {
  const bytes = Buffer.from(sql, 'utf8');
  const refs = columnRefLocations(sql, table.alias);
  let out = '';
  let at = 0;
  for (const location of refs) {
    out += bytes.subarray(at, location).toString('utf8');
    out += `${qualified(table)}.`;
    at = location + Buffer.byteLength(`${table.alias}.`);
  }
  return out + bytes.subarray(at).toString('utf8');
}

function columnRefLocations(sql: string, alias: string): number[] {
  // expressionColumns gives names, not places: find each `alias.` that starts a column reference.
  const names = new Set(
    expressionColumns(sql)
      .filter((c) => c.alias === alias)
      .map((c) => c.column),
  );
  const found: number[] = [];
  const bytes = Buffer.from(sql, 'utf8');
  const text = bytes.toString('latin1');
  const pattern = new RegExp(`(?<![\\w."])${alias}\\.(\\w+)`, 'g');
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") inString = !inString;
    if (inString) continue;
    pattern.lastIndex = i;
    const match = pattern.exec(text);
    if (match && match.index === i && names.has(match[1] as string)) found.push(i);
  }
  return found;
}

function accessFunctions(role: string): string[] {
  const schema = q(ACCESS_SCHEMA);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`,
    // SECURITY DEFINER: the reader has no EXECUTE on current_setting (grants.ts), its owner has.
    `CREATE OR REPLACE FUNCTION ${schema}.in_group(name text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT coalesce(name = ANY (string_to_array(nullif(current_setting(${pg.escapeLiteral(ACCESS_SETTINGS.groups)}, true), ''), ',')), false) $$`,
    `CREATE OR REPLACE FUNCTION ${schema}.user_attribute(name text) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT CASE name WHEN 'email' THEN nullif(current_setting(${pg.escapeLiteral(ACCESS_SETTINGS.email)}, true), '') WHEN 'id' THEN nullif(current_setting(${pg.escapeLiteral(ACCESS_SETTINGS.id)}, true), '') END $$`,
    `REVOKE ALL ON FUNCTION ${schema}.in_group(text), ${schema}.user_attribute(text) FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `GRANT EXECUTE ON FUNCTION ${schema}.in_group(text), ${schema}.user_attribute(text) TO ${role}`,
  ];
}

/** Tally's earlier policies go first, so a group removed from the catalog loses its rows. */
function dropOldPolicies(catalog: Catalog, disable: boolean): string {
  const tables = catalog.tables.map((t) => pg.escapeLiteral(t.name)).join(', ');
  return [
    'DO $$ DECLARE p record; BEGIN',
    "  FOR p IN SELECT schemaname, tablename, policyname FROM pg_policies WHERE policyname LIKE 'tally\\_%'",
    `    AND schemaname || '.' || tablename IN (${tables}) LOOP`,
    "    EXECUTE format('DROP POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename);",
    disable
      ? "    EXECUTE format('ALTER TABLE %I.%I DISABLE ROW LEVEL SECURITY', p.schemaname, p.tablename);"
      : '',
    '  END LOOP;',
    'END $$',
  ]
    .filter(Boolean)
    .join('\n');
}
