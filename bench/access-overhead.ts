/**
 * What the access rules (issue 15) cost the database: the golden questions asked by a user in a
 * restricted group on a warehouse with row-level security, against the same questions on an
 * identical warehouse whose catalog has no access rules. Both are databases of their own (RLS on
 * the demo warehouse would change every other figure), seeded alike, read through their own role.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/logger.ts';
import { askDeps, createRuntime, DEFAULT_CATALOG } from '../bot/runtime.ts';
import { resolveAccess } from '../semantic-catalog/access.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { ask } from '../skills/ask.ts';
import type { GoldenFile } from '../skills/eval.ts';
import { EMEA_MANAGER_ACCESS } from '../warehouse/demo/access.ts';
import { seedDemo } from '../warehouse/demo/seed.ts';
import { ensureDatabase } from '../warehouse/embedded.ts';
import { grantStatements } from '../warehouse/grants.ts';

// The demo's regional manager: every sales row passes a policy, and a filter, of its own.
const ACCESS = EMEA_MANAGER_ACCESS;
const ROUNDS = 5;

interface Side {
  name: 'plain' | 'access';
  runtime: Awaited<ReturnType<typeof createRuntime>>;
  deps: ReturnType<typeof askDeps>;
  userEmail?: string;
}

/** A seeded database with its reader role and the catalog folder its grants came from. */
async function warehouse(
  serverUrl: string,
  name: string,
  access: string,
  seed: { scale: number; end: string },
) {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  await ensureDatabase(url.toString(), name);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await seedDemo(admin, { seed: 42, ...seed });
    const catalogDir = await mkdtemp(path.join(tmpdir(), `tally-${name}-`));
    const demo = await readFile(path.join(DEFAULT_CATALOG, 'catalog.yaml'), 'utf8');
    await writeFile(path.join(catalogDir, 'catalog.yaml'), `${demo}\n${access}`);
    await copyFile(path.join(DEFAULT_CATALOG, 'digests.yaml'), path.join(catalogDir, 'digests.yaml'));
    const role = `${name}_reader`;
    for (const sql of grantStatements(await loadCatalog(catalogDir), {
      role,
      database: name,
      password: role,
    }))
      await admin.query(sql);
    const reader = new URL(url);
    reader.username = role;
    reader.password = role;
    return { readerUrl: reader.toString(), catalogDir };
  } finally {
    await admin.end();
  }
}

/** Database time of each question (ms), or nothing when it was not answered. */
async function databaseTimes(side: Side, golden: GoldenFile): Promise<(number | undefined)[]> {
  const times: (number | undefined)[] = [];
  for (const q of golden.questions) {
    const answer = await ask(side.deps, { text: q.question, channel: 'bench', userEmail: side.userEmail });
    times.push(answer.status === 'answer' ? answer.timings.databaseMs : undefined);
  }
  return times;
}

export async function benchAccessOverhead(options: {
  serverUrl: string;
  appDbUrl: string;
  golden: GoldenFile;
  scale: number;
  end: string;
}): Promise<void> {
  const { golden } = options;
  const seed = { scale: options.scale, end: options.end };
  const made = {
    plain: await warehouse(options.serverUrl, 'bench_plain', '', seed),
    access: await warehouse(options.serverUrl, 'bench_access', ACCESS, seed),
  };
  const sides: Side[] = [];
  for (const name of ['plain', 'access'] as const) {
    const config = loadConfig({
      ANALYTICS_DB_URL: made[name].readerUrl,
      DATABASE_URL: options.appDbUrl,
      TALLY_CATALOG: made[name].catalogDir,
      TALLY_NOW: golden.now,
      LOG_LEVEL: 'silent',
    });
    const runtime = await createRuntime(config, createLogger(config));
    sides.push({
      name,
      runtime,
      deps: askDeps(runtime),
      userEmail: name === 'access' ? 'emea.manager@example.com' : undefined,
    });
  }
  try {
    const access = sides[1] as Side;
    const groups = resolveAccess(access.runtime.catalog, { email: access.userEmail }).groups;
    if (!groups.includes('emea_sales')) throw new Error('the bench user is not in emea_sales');
    // A round each to warm caches and plans, then the sides take turns so drift hits both alike.
    for (const side of sides) await databaseTimes(side, golden);
    const rounds: Record<Side['name'], (number | undefined)[][]> = { plain: [], access: [] };
    for (let round = 0; round < ROUNDS; round++)
      for (const side of sides) rounds[side.name].push(await databaseTimes(side, golden));
    // Only questions both sides answered in every round: a refused question costs no database time.
    const both = golden.questions
      .map((_, i) => i)
      .filter((i) => sides.every((s) => rounds[s.name].every((r) => r[i] !== undefined)));
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const total = (name: Side['name']) =>
      median(rounds[name].map((r) => both.reduce((sum, i) => sum + (r[i] ?? 0), 0)));
    const plain = total('plain');
    const restricted = total('access');
    const overhead = ((restricted - plain) / plain) * 100;
    console.log(
      `access rules (RLS on, user in emea_sales) vs no rules: database time ${restricted.toFixed(1)} ms vs ${plain.toFixed(1)} ms over ${both.length} golden questions (median of ${ROUNDS} rounds) = ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)}%   target < 10% ${overhead < 10 ? 'met' : 'MISSED'}`,
    );
    const skipped = golden.questions.length - both.length;
    if (skipped > 0) console.log(`  (${skipped} questions not answered on one side or the other left out)`);
  } finally {
    for (const side of sides) await side.runtime.close();
    for (const { catalogDir } of Object.values(made)) await rm(catalogDir, { recursive: true, force: true });
  }
}
