/**
 * Who may see what (issue 15), on a real PostgreSQL: a demo warehouse of its own (row-level
 * security on the shared one would change every other test file's answers), the demo catalog with
 * an `access:` block, its grants and policies applied as `tally catalog grants` prints them, and
 * identities as the doors get them (Teams aadObjectId, Slack user id, the CLI's --user).
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runJob } from '../bot/outbound.ts';
import type { Runtime } from '../bot/runtime.ts';
import type { PostTarget } from '../scheduler/deliver.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { noAccessMessage } from '../skills/access-scope.ts';
import { chatTurn } from '../skills/chat.ts';
import { formatValue } from '../skills/format.ts';
import type { Reply } from '../skills/reply.ts';
import { seedDemo } from '../warehouse/demo/seed.ts';
import { ensureDatabase } from '../warehouse/embedded.ts';
import { checkSql } from '../warehouse/gate.ts';
import { grantStatements } from '../warehouse/grants.ts';
import { TEST_SEED_END } from './global-setup.ts';
import { isolatedAppUrl, runTally } from './helpers.ts';
import { startSlackDoor } from './slack-door.ts';
import { startTeamsDoor, type TeamsDoor } from './teams-door.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ROLE = 'tally_access_reader';
const ACCESS = `
access:
  default: nothing
  groups:
    - name: emea_sales
      members: [aad-emea, U1, emea.manager@example.com]
      rows: ["r.region_name = 'EMEA'"]
    - name: finance
      members: [aad-finance]
      tables: [finance.gl_entries, finance.gl_accounts, finance.cost_centers]
`;

let database: string;
let adminUrl: string;
let readerUrl: string;
let catalogDir: string;
let env: Record<string, string>;
let admin: pg.Client;
let teams: TeamsDoor;

beforeAll(async () => {
  database = `access_${randomBytes(4).toString('hex')}`;
  const url = new URL(inject('adminUrl'));
  url.pathname = '/postgres';
  await ensureDatabase(url.toString(), database);
  url.pathname = `/${database}`;
  adminUrl = url.toString();
  catalogDir = await mkdtemp(path.join(tmpdir(), 'tally-access-'));
  const demo = await readFile(path.join(ROOT, 'catalog', 'demo', 'catalog.yaml'), 'utf8');
  await writeFile(path.join(catalogDir, 'catalog.yaml'), `${demo}\n${ACCESS}`);
  await copyFile(path.join(ROOT, 'catalog', 'demo', 'digests.yaml'), path.join(catalogDir, 'digests.yaml'));
  admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await seedDemo(admin, { seed: 42, scale: 0.1, end: TEST_SEED_END });
  const catalog = await loadCatalog(catalogDir);
  for (const sql of grantStatements(catalog, { role: ROLE, database, password: 'access-reader' }))
    await admin.query(sql);
  const reader = new URL(adminUrl);
  reader.username = ROLE;
  reader.password = 'access-reader';
  readerUrl = reader.toString();
  env = {
    ANALYTICS_DB_URL: readerUrl,
    TALLY_CATALOG: catalogDir,
    DATABASE_URL: await isolatedAppUrl('access'),
  };
  teams = await startTeamsDoor(env);
});

afterAll(async () => {
  await teams?.close();
  await admin?.end();
});

const emeaRevenue = async (from = '1900-01-01', to = '2100-01-01') =>
  Number(
    (
      await admin.query(
        `SELECT sum(o.net_amount) AS v FROM sales.orders o JOIN sales.customers c USING (customer_id)
         JOIN sales.regions r USING (region_id) WHERE r.region_name = 'EMEA' AND o.status = 'completed'
         AND o.order_date >= $1 AND o.order_date < $2`,
        [from, to],
      )
    ).rows[0].v,
  );

describe('per-user access, enforced by PostgreSQL', () => {
  it('an EMEA user asking revenue by region gets EMEA only, says so, and the audit row records the access', async () => {
    const { stdout } = await runTally(
      ['ask', 'revenue by region', '--json', '--user', 'emea.manager@example.com'],
      env,
    );
    const answer = JSON.parse(stdout);
    expect(answer.status).toBe('answer');
    expect(answer.rows.map((r: unknown[]) => r[0])).toEqual(['EMEA']);
    expect(answer.rows[0][1]).toBeCloseTo(await emeaRevenue(), 2);
    expect(answer.summary).toContain('Showing EMEA only (your access).');
    expect(answer.sql).toContain("'EMEA'");

    const audit = await teams.runtime.appDb.pool.query(
      `SELECT access, sql FROM audit_log WHERE user_id = 'emea.manager@example.com' AND question = 'revenue by region'`,
    );
    expect(audit.rows[0]?.access).toBe('emea_sales');
    expect(audit.rows[0]?.sql).toContain('EMEA');
  });

  it("tally sql by the EMEA user sees only EMEA rows, even with a hand-written query that doesn't filter", async () => {
    const sql =
      'SELECT r.region_name, count(*) AS n FROM sales.orders o JOIN sales.customers c ON c.customer_id = o.customer_id JOIN sales.regions r ON r.region_id = c.region_id GROUP BY 1';
    const mine = JSON.parse(
      (await runTally(['sql', sql, '--json', '--user', 'emea.manager@example.com'], env)).stdout,
    );
    expect(mine.rows.map((r: unknown[]) => r[0])).toEqual(['EMEA']);
    const orders = JSON.parse(
      (
        await runTally(
          ['sql', 'SELECT count(*) FROM sales.orders', '--json', '--user', 'emea.manager@example.com'],
          env,
        )
      ).stdout,
    );
    const all = Number((await admin.query('SELECT count(*) AS n FROM sales.orders')).rows[0].n);
    expect(orders.rows[0][0]).toBe(mine.rows[0][1]);
    expect(orders.rows[0][0]).toBeLessThan(all);
    // Someone in no group (the default is nothing) may read no table: refused (exit code 3).
    const stranger = (await runTally(
      ['sql', 'SELECT count(*) FROM sales.orders', '--json', '--user', 'stranger'],
      env,
    ).catch((error: { code: number; stdout: string }) => error)) as { code?: number; stdout: string };
    expect(stranger.code).toBe(3);
    expect(JSON.parse(stranger.stdout).status).toBe('refuse');
  });

  it('the setting cannot be changed from SQL: the gate refuses, and a raw reader connection sees nothing without it', async () => {
    const catalog = teams.runtime.catalog;
    for (const sql of [
      "SELECT set_config('tally.user_groups', 'finance', true)",
      "SELECT current_setting('tally.user_groups')",
      "SET tally.user_groups = 'finance'",
      "SET LOCAL tally.user_groups = 'finance'",
    ])
      expect(checkSql(sql, catalog, { maxRows: 100 }).ok).toBe(false);

    const raw = new pg.Client({ connectionString: readerUrl });
    await raw.connect();
    try {
      expect(Number((await raw.query('SELECT count(*) AS n FROM sales.orders')).rows[0].n)).toBe(0);
      expect(Number((await raw.query('SELECT count(*) AS n FROM sales.regions')).rows[0].n)).toBe(0);
      await expect(
        raw.query("SELECT set_config('tally.user_groups', 'emea_sales', true)"),
      ).rejects.toMatchObject({
        code: '42501',
      });
      // The policy itself, as the executor drives it: EMEA's regions only, and no finance rows.
      await raw.query('BEGIN READ ONLY');
      await raw.query("SET LOCAL tally.user_groups = 'emea_sales'");
      const regions = await raw.query('SELECT region_name FROM sales.regions');
      expect(regions.rows.map((r) => r.region_name)).toEqual(['EMEA']);
      expect(Number((await raw.query('SELECT count(*) AS n FROM finance.gl_entries')).rows[0].n)).toBe(0);
      await raw.query('COMMIT');
    } finally {
      await raw.end();
    }
  });

  it('a Teams user without finance access is refused opex plainly; a finance user gets it', async () => {
    const { connector, base } = teams;
    const send = (text: string, aad: string, conversation: string) =>
      fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: `m-${conversation}`,
          channelId: 'msteams',
          serviceUrl: connector.url,
          text,
          from: { id: `29:${aad}`, name: 'Someone', aadObjectId: aad },
          recipient: { id: '28:tally', name: 'Tally' },
          conversation: { id: conversation, conversationType: 'personal' },
          channelData: { tenant: { id: 'tenant' } },
        }),
      });
    await send('opex last month', 'aad-emea', 'a:access-emea');
    const refused = await connector.waitFor(
      (s) =>
        s.conversationId === 'a:access-emea' &&
        s.activity.text !== 'Working on it…' &&
        s.activity.type === 'message',
    );
    const shown = JSON.stringify(refused.activity);
    expect(shown).toContain(noAccessMessage());
    expect(shown).not.toMatch(/gl_entries|Opex|operating/i);

    await send('opex last month', 'aad-finance', 'a:access-finance');
    const answered = await connector.waitFor(
      (s) => s.conversationId === 'a:access-finance' && !!s.activity.attachments?.length,
    );
    expect(JSON.stringify(answered.activity)).not.toContain(noAccessMessage());
  });

  it('a Slack user without finance access is refused opex', async () => {
    const slack = await startSlackDoor(env);
    try {
      const reply = await slack.mention('opex last month', 'CACCESS1');
      expect(JSON.stringify(reply.args)).toContain(noAccessMessage());
    } finally {
      await slack.close();
    }
  });

  it("a digest to a channel is computed with the subscription's access, not everyone's", async () => {
    const runtime: Runtime = teams.runtime;
    const { chatDeps } = await import('../bot/runtime.ts');
    const place: PostTarget = { channel: 'teams', conversationId: '19:emea-channel@thread.tacv2' };
    await chatTurn(chatDeps(runtime), {
      text: 'subscribe this channel to the monthly sales digest',
      userId: 'aad-emea',
      channel: 'teams',
      conversationId: 'teams:19:emea-channel@thread.tacv2',
      place,
    });
    const [subscription] = await runtime.appDb.subscriptions({
      targetKey: 'teams:19:emea-channel@thread.tacv2',
    });
    expect(subscription?.access).toEqual(['emea_sales']);
    const posted: Reply[] = [];
    const result = await runJob(
      runtime,
      async (_target, reply) => {
        posted.push(reply);
      },
      { kind: 'subscription', id: subscription?.id as string },
    );
    expect(result.status).toBe('ran');
    console.log(JSON.stringify(posted[0], null, 1).slice(0, 3000));
    const revenue = posted[0]?.kpis.find((k) => /revenue/i.test(k.label));
    // May 2026, the month closed before TALLY_NOW (2026-06-15).
    const expected = await emeaRevenue('2026-05-01', '2026-06-01');
    const everyone = Number(
      (
        await admin.query(
          "SELECT sum(net_amount) AS v FROM sales.orders WHERE status = 'completed' AND order_date >= '2026-05-01' AND order_date < '2026-06-01'",
        )
      ).rows[0].v,
    );
    expect(everyone).toBeGreaterThan(expected);
    expect(revenue?.value).toBe(formatValue(expected, 'currency'));
    expect(posted[0]?.context).toContain('Showing EMEA only (your access).');
  });
});
