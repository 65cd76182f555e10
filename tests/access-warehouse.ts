/**
 * A demo warehouse of a test file's own with an `access:` block's row-level security applied (on
 * the shared warehouse it would change every other file's answers), read through its own role, and
 * a catalog folder: the demo catalog plus the access block and any files given (model.yaml, …).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { DEFAULT_CATALOG } from '../bot/paths.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { seedDemo } from '../warehouse/demo/seed.ts';
import { ensureDatabase } from '../warehouse/embedded.ts';
import { grantStatements } from '../warehouse/grants.ts';
import { TEST_SEED_END } from './global-setup.ts';
import { isolatedAppUrl } from './helpers.ts';

export { EMEA_MANAGER_ACCESS } from '../warehouse/demo/access.ts';

export interface AccessWarehouse {
  /** ANALYTICS_DB_URL (the reader role), DATABASE_URL (an app database of its own), TALLY_CATALOG. */
  env: Record<string, string>;
  /** A superuser connection to the warehouse, for expected values. */
  admin: pg.Client;
}

export async function accessWarehouse(
  prefix: string,
  access: string,
  files: Record<string, string> = {},
): Promise<AccessWarehouse> {
  const database = `${prefix}_${randomBytes(4).toString('hex')}`;
  const url = new URL(inject('adminUrl'));
  url.pathname = '/postgres';
  await ensureDatabase(url.toString(), database);
  url.pathname = `/${database}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await seedDemo(admin, { seed: 42, scale: 0.1, end: TEST_SEED_END });
  const catalogDir = await mkdtemp(path.join(tmpdir(), `tally-${prefix}-`));
  const demo = await readFile(path.join(DEFAULT_CATALOG, 'catalog.yaml'), 'utf8');
  await writeFile(path.join(catalogDir, 'catalog.yaml'), `${demo}\n${access}`);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(catalogDir, name), text);
  const role = `${prefix}_reader`;
  const password = randomBytes(12).toString('hex');
  for (const sql of grantStatements(await loadCatalog(catalogDir), { role, database, password }))
    await admin.query(sql);
  const reader = new URL(url);
  reader.username = role;
  reader.password = password;
  return {
    admin,
    env: {
      ANALYTICS_DB_URL: reader.toString(),
      DATABASE_URL: await isolatedAppUrl(prefix),
      TALLY_CATALOG: catalogDir,
    },
  };
}
