/**
 * `tally catalog init` on the eight text2sql-dev warehouses (public schemas nobody on the project
 * designed): the draft loads with the catalog loader, and with no hand edit answers "how many
 * <table>" and "how many <table> by <field>" with the numbers the database itself gives, and
 * marks derm_treatment's patient names, e-mails, phones and addresses as personal.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/logger.ts';
import { askDeps, createRuntime } from '../bot/runtime.ts';
import { singular } from '../catalog-admin/words.ts';
import { loadText2Sql, TEXT2SQL_DATABASES, text2sqlAvailable } from '../eval/text2sql/load.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { ask } from '../skills/ask.ts';
import { type EmbeddedCluster, ensureDatabase, startEmbedded } from '../warehouse/embedded.ts';
import { freePort } from '../warehouse/free-port.ts';
import { grantStatements } from '../warehouse/grants.ts';
import { runTally } from './helpers.ts';

const available = text2sqlAvailable();

describe.skipIf(!available)('tally catalog init on the text2sql-dev warehouses', () => {
  let home: string;
  let cluster: EmbeddedCluster;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'tally-init-'));
    // mkdtemp makes 0700; the postgres OS user (when running as root) must reach the data dir.
    await chmod(home, 0o755);
    cluster = await startEmbedded({ home, port: await freePort(), throwaway: true });
    await ensureDatabase(cluster.superuserUrl('postgres'), 'tally_init_app');
  });
  afterAll(async () => {
    await cluster?.stop();
    await rm(home, { recursive: true, force: true });
  });

  for (const db of TEXT2SQL_DATABASES) {
    it(`${db}: a lint-clean draft that answers counts and breakdowns as drafted`, async () => {
      const url = await loadText2Sql(cluster.superuserUrl('postgres'), db);
      const file = path.join(home, `${db}.yaml`);
      await runTally(['catalog', 'init', '--url', url, '--out', file]);
      const catalog = await loadCatalog(file);
      expect(catalog.tables.length).toBeGreaterThan(0);
      const failures = await askEveryTable(db, url, file, catalog);
      expect(failures).toEqual([]);
    });
  }

  it('restaurants: a field kept in three tables is one breakdown, named as people say it', async () => {
    const catalog = await loadCatalog(path.join(home, 'restaurants.yaml'));
    const city = catalog.dimensions.find((d) => d.name === 'city_name');
    expect(city?.sources.map((s) => s.table).sort()).toEqual([
      'public.geographic',
      'public.location',
      'public.restaurant',
    ]);
    expect(city?.synonyms).toEqual(expect.arrayContaining(['city', 'cities']));
    // A column that only shares its name with another table's ("name") stays apart, and a
    // restaurant's name is no restaurant: two may share one.
    const names = catalog.dimensions.filter((d) => d.sources.some((s) => s.column === 'name'));
    expect(names).toHaveLength(1);
    expect(names[0]?.synonyms).not.toContain('restaurants');
  });

  it('geography: a field named for its thing is one breakdown wherever kept, and the thing its own name', async () => {
    const catalog = await loadCatalog(path.join(home, 'geography.yaml'));
    const state = catalog.dimensions.find((d) => d.name === 'state_name');
    expect(state?.sources.map((s) => s.table)).toContain('public.state');
    expect(state?.sources.length).toBeGreaterThan(3);
    expect(state?.synonyms).toEqual(expect.arrayContaining(['state', 'states']));
    // Each table's population named apart, and said alone as the total.
    const populations = catalog.metrics.filter((m) => m.synonyms.includes('population'));
    expect(populations.map((m) => m.label).sort()).toEqual([
      'Total population of cities',
      'Total population of states',
    ]);
  });

  it('derm_treatment: patient names, e-mails, phones and addresses are personal', async () => {
    const catalog = await loadCatalog(path.join(home, 'derm_treatment.yaml'));
    const patients = catalog.tables.find((t) => t.name === 'public.patients');
    const personal = patients?.columns.filter((c) => c.personal).map((c) => c.name);
    expect(personal).toEqual(
      expect.arrayContaining([
        'first_name',
        'last_name',
        'email',
        'phone',
        'addr_street',
        'addr_city',
        'addr_state',
        'addr_zip',
        'date_of_birth',
      ]),
    );
    expect(patients?.columns.find((c) => c.name === 'gender')?.personal).toBe(false);
  });
});

/** Asks every table's count, and its count by each field with known values; returns what disagreed. */
async function askEveryTable(db: string, url: string, file: string, catalog: Catalog): Promise<string[]> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const role = `init_${db}_reader`;
  const password = randomBytes(12).toString('hex');
  for (const sql of grantStatements(catalog, { role, database: db, password })) await admin.query(sql);
  const reader = new URL(url);
  reader.username = role;
  reader.password = password;
  const appUrl = new URL(url);
  appUrl.pathname = '/tally_init_app';
  const config = loadConfig({
    ANALYTICS_DB_URL: reader.toString(),
    DATABASE_URL: appUrl.toString(),
    TALLY_CATALOG: file,
    TALLY_HOME: path.dirname(file),
    TALLY_NOW: '2026-06-15',
    LOG_LEVEL: 'silent',
  });
  const runtime = await createRuntime(config, createLogger(config));
  const failures: string[] = [];
  try {
    const deps = askDeps(runtime);
    const question = async (text: string) => ask(deps, { text, channel: 'test', userId: 'init-test' });
    for (const table of catalog.tables) {
      const from = table.name;
      const words = (from.split('.')[1] as string).replaceAll('_', ' ');
      const total = Number((await admin.query(`SELECT count(*) AS n FROM ${from}`)).rows[0].n);
      const answer = await question(`how many ${words}`);
      const got = answer.rows[0]?.find((v) => typeof v === 'number');
      if (answer.status !== 'answer' || got !== total)
        failures.push(
          `how many ${words}: ${answer.status} ${answer.message ?? JSON.stringify(answer.rows)} (want ${total})`,
        );
      // A field named after its own table (keyword.keyword, month.month_name) names the rows
      // themselves: "how many keyword by keyword" is a listing, not a breakdown.
      const breakdowns = catalog.dimensions.filter(
        (d) =>
          d.values === 'learn' &&
          d.sources[0]?.table === from &&
          !d.sources[0]?.column?.startsWith(singular(from.split('.')[1] as string)),
      );
      for (const dimension of breakdowns) {
        const column = dimension.sources[0]?.column as string;
        const text = `how many ${words} by ${dimension.label.toLowerCase()}`;
        const expected = await admin.query(
          `SELECT ${pg.escapeIdentifier(column)}::text AS v, count(*)::int AS n FROM ${from} WHERE ${pg.escapeIdentifier(column)} IS NOT NULL GROUP BY 1`,
        );
        const breakdown = await question(text);
        const want = Object.fromEntries(expected.rows.map((r) => [r.v, r.n]));
        const have = Object.fromEntries(
          breakdown.rows
            .filter((r) => r[0] !== null)
            .map((r) => [String(r[0]), r.find((v, i) => i > 0 && typeof v === 'number')]),
        );
        if (breakdown.status !== 'answer' || JSON.stringify(sorted(have)) !== JSON.stringify(sorted(want)))
          failures.push(
            `${text}: ${breakdown.status} ${breakdown.message ?? JSON.stringify(breakdown.rows)}`,
          );
      }
    }
  } finally {
    await runtime.close();
    await admin.end();
  }
  return failures;
}

function sorted(record: Record<string, unknown>): [string, unknown][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
