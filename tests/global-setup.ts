/**
 * One throwaway embedded PostgreSQL for the whole run, seeded with the demo warehouse up to the
 * day before the golden files' `now`. Test files join it through TALLY_HOME, exactly as a second
 * Tally process joins a running `npm start`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { build } from '../scripts/build.mjs';
import { seedDemo } from '../warehouse/demo/seed.ts';
import { ensureDatabase, startEmbedded } from '../warehouse/embedded.ts';
import { freePort } from '../warehouse/free-port.ts';
import { failOnLeftovers } from './leftovers.ts';
import { checkSharedData } from './shared-data.ts';

export const TEST_SEED_END = '2026-06-14';

export default async function setup(project: TestProject) {
  checkSharedData();
  // Tests run the built CLI: build once here, so parallel test files never rebuild side by side.
  await build();
  const home = await mkdtemp(path.join(tmpdir(), 'tally-test-'));
  // mkdtemp makes 0700; the postgres OS user (when running as root) must reach the data dir.
  await chmod(home, 0o755);
  const port = await freePort();
  const cluster = await startEmbedded({ home, port, throwaway: true });
  await ensureDatabase(cluster.superuserUrl('postgres'), 'warehouse');
  await ensureDatabase(cluster.superuserUrl('postgres'), 'tally');
  const client = new pg.Client({ connectionString: cluster.superuserUrl('warehouse') });
  await client.connect();
  await seedDemo(client, { seed: 42, scale: 0.5, end: TEST_SEED_END });
  await client.end();
  project.provide('tallyHome', home);
  project.provide('tallyPgPort', port);
  project.provide('adminUrl', cluster.superuserUrl('warehouse'));
  return async () => {
    try {
      failOnLeftovers(home);
    } finally {
      await cluster.stop();
      await rm(home, { recursive: true, force: true });
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    tallyHome: string;
    tallyPgPort: number;
    adminUrl: string;
  }
}
