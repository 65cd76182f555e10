/**
 * Teaching Tally in chat (issue 12) through the real Teams and Slack doors: two runtimes (one per
 * door) on one app database, so what one learns the other must pick up through LISTEN/NOTIFY.
 * Admins are named in TALLY_ADMINS; everyone else is refused and audited. Then the CLI: the
 * overlays listed, exported into YAML that `tally catalog lint` accepts, and one reverted.
 */
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { messages } from '../skills/teach.ts';
import { isolatedAppUrl, runTally, testRuntime } from './helpers.ts';
import { blockActionBody, type SlackDoor, startSlackDoor } from './slack-door.ts';
import { startTeamsDoor, type TeamsDoor } from './teams-door.ts';
import { until } from './wait.ts';

const root = path.resolve(import.meta.dirname, '..');
let teams: TeamsDoor;
let slack: SlackDoor;
let appUrl: string;
let catalogDir: string;
let db: pg.Client;
let sequence = 0;

beforeAll(async () => {
  appUrl = await isolatedAppUrl('teach_test');
  catalogDir = await mkdtemp(path.join(tmpdir(), 'tally-teach-'));
  await copyFile(path.join(root, 'catalog', 'demo', 'catalog.yaml'), path.join(catalogDir, 'catalog.yaml'));
  const settings = { DATABASE_URL: appUrl, TALLY_CATALOG: catalogDir, TALLY_ADMINS: 'aad-admin,UADMIN' };
  teams = await startTeamsDoor(settings);
  slack = await startSlackDoor(settings);
  db = new pg.Client({ connectionString: appUrl });
  await db.connect();
}, 120_000);
afterAll(async () => {
  await db?.end();
  await teams?.close();
  await slack?.close();
});

/** A Teams message from a person; resolves with the text of the card Tally sends back. */
async function teamsSays(text: string, from: { id: string; name: string }): Promise<string> {
  const conversation = { id: `a:teach-${++sequence}`, conversationType: 'personal' };
  await fetch(`${teams.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m${sequence}`,
      channelId: 'msteams',
      serviceUrl: teams.connector.url,
      text,
      from: { id: `29:${from.id}`, name: from.name, aadObjectId: from.id },
      recipient: { id: '28:tally', name: 'Tally' },
      conversation,
      channelData: { tenant: { id: 'tenant' } },
    }),
  });
  const sent = await teams.connector.waitFor(
    (s) => s.conversationId === conversation.id && !!s.activity.attachments?.length,
  );
  return JSON.stringify(sent.activity.attachments?.[0]?.content);
}

const admin = { id: 'aad-admin', name: 'Avery Admin' };

describe('teaching Tally in chat', () => {
  it('refuses a non-admin and audits the attempt', async () => {
    const reply = await slack.mention('teach: bookings means revenue', 'CTEACH1');
    expect(reply.args.text).toBe(messages.notAdmin());
    const audit = await db.query(
      "SELECT user_id, status, rule FROM audit_log WHERE question = 'teach: bookings means revenue'",
    );
    expect(audit.rows).toEqual([{ user_id: 'U1', status: 'refuse', rule: 'not_admin' }]);
    expect((await db.query('SELECT count(*)::int AS n FROM catalog_overlays')).rows[0].n).toBe(0);
  });

  it('tells an admin what people couldn’t ask this week, grouped by the unknown word', async () => {
    await slack.mention('flurbs by region last month', 'CGAPS');
    const card = await teamsSays('what couldn’t people ask this week?', admin);
    expect(card).toContain('unknown word “flurbs”');
    expect(card).toContain('e.g. “flurbs by region last month”');
    expect(
      await teamsSays('what couldn’t people ask this week?', { id: 'aad-dana', name: 'Dana' }),
    ).toContain(messages.notAdmin());
  });

  it('refuses an invalid teach with the lint’s reason and records nothing', async () => {
    const card = await teamsSays('teach: successful means status = success', admin);
    expect(card).toContain(
      'named_filters[0].value: “success” is not a known value of sales.orders.status (known: completed, refunded, cancelled)',
    );
    expect((await db.query('SELECT count(*)::int AS n FROM catalog_overlays')).rows[0].n).toBe(0);
  });

  it('learns a named filter that compiles to a gated WHERE clause, on the other door too', async () => {
    expect(await teamsSays('teach: successful means status = completed', admin)).toContain(
      'Learned: “successful”',
    );
    const row = await db.query('SELECT user_id, user_name, change, before, after FROM catalog_overlays');
    expect(row.rows[0]).toMatchObject({
      user_id: 'aad-admin',
      user_name: 'Avery Admin',
      change: {
        kind: 'filter',
        filter: { name: 'successful', field: 'sales.orders.status', value: 'completed' },
      },
      before: {},
    });
    // The Slack door runs on its own runtime: it hears of the change through NOTIFY.
    const answered = await until(
      async () => {
        const reply = await slack.mention('successful orders last month', `CTEACH2${++sequence}`);
        return JSON.stringify(reply.args).includes('status is completed') ? reply : undefined;
      },
      5_000,
      () => 'the Slack runtime did not pick up the named filter within 5 s',
      200,
    );
    expect(answered.args.text).toContain('Orders for completed last month');
    const sql = await db.query(
      "SELECT sql FROM audit_log WHERE question = 'successful orders last month' AND status = 'answer' LIMIT 1",
    );
    expect(sql.rows[0].sql).toMatch(/status\s*=\s*'completed'/);
  });

  it('verifies an answer from its card; asked again, it is answered that way and labelled', async () => {
    const question = 'revenue by region last quarter';
    const answer = await slack.mention(question, 'CVERIFY');
    // Only an admin's card offers Verify; U1 is not one.
    expect(JSON.stringify(answer.args.blocks)).not.toContain('verify:');
    await slack.send(
      blockActionBody('ask_4', `verify: ${question}`, 'CVERIFY', 'UADMIN'),
      'application/x-www-form-urlencoded',
    );
    const verified = await slack.api.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        String(c.args.text).startsWith('Learned: “revenue by region last quarter” is verified'),
    );
    expect(verified.args.channel).toBe('CVERIFY');
    const stored = await db.query("SELECT change FROM catalog_overlays WHERE change->>'kind' = 'verified'");
    expect(stored.rows[0].change).toMatchObject({
      question,
      verified_by: '<@UADMIN>',
      verified_on: '2026-06-15',
      query: { metrics: ['revenue'], dimensions: ['region'] },
    });
    const card = await until(
      async () => {
        const text = await teamsSays(question, { id: 'aad-dana', name: 'Dana' });
        return text.includes('Verified by') ? text : undefined;
      },
      5_000,
      () => 'the Teams runtime did not label the verified answer within 5 s',
      200,
    );
    expect(card).toContain('✓ Verified by <@UADMIN> on 15 Jun 2026');
    expect(card).toContain('Revenue');
  });

  it('an admin’s answer card offers Verify', async () => {
    expect(await teamsSays('opex by department last month', admin)).toContain(
      '"verb":"ask","question":"verify: opex by department last month"',
    );
  });

  it('forgets what it was taught', async () => {
    expect(await teamsSays('forget successful', admin)).toContain('Forgotten: “successful”');
    const states = await db.query(
      "SELECT state, ended_by FROM catalog_overlays WHERE change->>'kind' = 'filter'",
    );
    expect(states.rows).toEqual([{ state: 'reverted', ended_by: 'Avery Admin' }]);
    expect(await teamsSays('successful orders last month', admin)).not.toContain('status is completed');
  });

  it('lists, exports (lint round-trips) and reverts through the CLI', async () => {
    expect(await teamsSays('teach: bookings means revenue', admin)).toContain(
      '“bookings” means the metric Revenue',
    );
    const env = { DATABASE_URL: appUrl, TALLY_CATALOG: catalogDir };
    const listed = await runTally(['catalog', 'overlays'], env);
    expect(listed.stdout).toMatch(/#\d+ .* Avery Admin {2}synonym “bookings” → metric revenue/);
    expect(listed.stdout).toMatch(/verified question “revenue by region last quarter”/);

    const out = path.join(catalogDir, 'exported.yaml');
    await runTally(['catalog', 'export', '--out', out], env);
    const lint = await runTally(['catalog', 'lint', out], env);
    expect(lint.stdout).toContain(`${out}: OK`);
    const exported = await readFile(out, 'utf8');
    const merged = parse(exported);
    expect(merged.metrics.find((m: { name: string }) => m.name === 'revenue').synonyms).toContain('bookings');
    expect(merged.verified_questions[0]).toMatchObject({
      question: 'revenue by region last quarter',
      verified_by: '<@UADMIN>',
    });
    // Comments of the YAML in Git survive the merge.
    expect(exported).toContain(
      (await readFile(path.join(catalogDir, 'catalog.yaml'), 'utf8')).split('\n')[0],
    );

    const id = /#(\d+) .*bookings/.exec(listed.stdout)?.[1] as string;
    expect((await runTally(['catalog', 'overlays', 'revert', id], env)).stdout).toContain(`Reverted #${id}`);
    const card = await until(
      async () => {
        const text = await teamsSays('bookings last month', admin);
        return text.includes('Revenue') ? undefined : text;
      },
      5_000,
      () => 'the revert did not reach the Teams runtime within 5 s',
      200,
    );
    expect(card).toContain('I don’t know what “bookings” means');
  });

  it('retires, on start, an overlay the YAML in Git now holds', async () => {
    expect(await teamsSays('teach: takings means revenue', admin)).toContain('Learned: “takings”');
    const env = { DATABASE_URL: appUrl, TALLY_CATALOG: catalogDir };
    // The admin reviews the export and commits it as the catalog itself.
    await runTally(['catalog', 'export', '--out', path.join(catalogDir, 'catalog.yaml')], env);
    const restarted = await testRuntime(env);
    try {
      const rows = await db.query(
        "SELECT state, ended_by FROM catalog_overlays WHERE change->>'word' = 'takings'",
      );
      expect(rows.rows).toEqual([{ state: 'retired', ended_by: 'the catalog YAML' }]);
      expect(restarted.lexicon.phrases.get('taking')).toEqual([{ kind: 'metric', name: 'revenue' }]);
    } finally {
      await restarted.close();
    }
  });
});
