/**
 * Issue 17, audit and state. A NUL byte in a question was answered but its audit row failed
 * ("invalid byte sequence 0x00") and the conversation state was lost — an audit-evasion path; a
 * lone surrogate silently lost the state; an RTL override made a breakdown vanish from the reading.
 * Text is now normalised at every door, and an audit row that fails is retried, never skipped.
 * Also: the database's own error text reached the person; now it reaches only the log and the audit.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bot/runtime.ts';
import { createServer, listen } from '../bot/server.ts';
import { createTeamsBot } from '../bot/teams/teams-bot.ts';
import { freePort } from '../warehouse/free-port.ts';
import { BotConnectorStub, type SentActivity } from './bot-connector.ts';
import { type CapturedLog, captureLog } from './captured-log.ts';
import { isolatedAppUrl, runTally, testRuntime } from './helpers.ts';
import { type SlackDoor, startSlackDoor } from './slack-door.ts';

let connector: BotConnectorStub;
let runtime: Runtime;
let captured: CapturedLog;
let server: Server;
let base: string;
let appUrl: string;

// One failure-injecting trigger on this test's own app database: the first two audit rows of one
// conversation fail (a sequence counts, and survives the failed inserts' rollbacks), and every row
// of another always fails.
const INJECT_FAILURES = [
  'CREATE SEQUENCE audit_failures',
  `CREATE FUNCTION inject_audit_failure() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.conversation_id = 'teams:a:audit-flaky' AND nextval('audit_failures') <= 2 THEN
       RAISE EXCEPTION 'injected: audit table briefly unavailable';
     END IF;
     IF NEW.conversation_id = 'teams:a:audit-down' THEN
       RAISE EXCEPTION 'injected: audit table down';
     END IF;
     RETURN NEW;
   END $$`,
  'CREATE TRIGGER inject_audit_failure BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION inject_audit_failure()',
];

beforeAll(async () => {
  connector = await new BotConnectorStub().start();
  appUrl = await isolatedAppUrl('audit_state');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  runtime = await testRuntime({ PUBLIC_URL: base, DATABASE_URL: appUrl });
  captured = captureLog();
  runtime.log = captured.log;
  for (const statement of INJECT_FAILURES) await runtime.appDb.pool.query(statement);
  server = await listen(createServer(runtime, { teams: createTeamsBot(runtime) }), port);
});
afterAll(async () => {
  server?.close();
  await connector?.stop();
  await runtime?.close();
});

let sequence = 0;
async function ask(conversationId: string, text: string): Promise<string> {
  const before = connector.sent.length;
  const response = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m${++sequence}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      text,
      from: { id: '29:user', name: 'Dana', aadObjectId: 'aad-dana' },
      recipient: { id: '28:tally', name: 'Tally' },
      conversation: { id: conversationId, conversationType: 'personal' },
    }),
  });
  expect(response.status).toBeLessThan(300);
  const card = await connector.waitFor(
    (s: SentActivity) =>
      connector.sent.indexOf(s) >= before && s.conversationId === conversationId && !!s.activity.attachments,
  );
  return JSON.stringify(card.activity.attachments?.[0]?.content);
}

async function auditOf(conversationId: string) {
  return (
    await runtime.appDb.pool.query(
      'SELECT question, status, reason FROM audit_log WHERE conversation_id = $1 ORDER BY id',
      [conversationId],
    )
  ).rows;
}

describe('text normalised at the Teams door', () => {
  it('a NUL byte: answered, audited and remembered for the follow-up', async () => {
    expect(await ask('a:nul', 'revenue by region last quarter\0')).toContain('EMEA');
    expect(await auditOf('teams:a:nul')).toEqual([
      expect.objectContaining({ question: 'revenue by region last quarter', status: 'answer' }),
    ]);
    expect(await runtime.appDb.loadConversation('teams:a:nul')).toMatchObject({
      lastQuestion: 'revenue by region last quarter',
    });
    expect(await ask('a:nul', 'only EMEA\0')).toContain('for EMEA');
  });

  it('a lone surrogate: the conversation state is kept', async () => {
    await ask('a:surrogate', '\ud800revenue by region last quarter');
    expect(await runtime.appDb.loadConversation('teams:a:surrogate')).toMatchObject({
      lastQuestion: 'revenue by region last quarter',
    });
    expect((await auditOf('teams:a:surrogate'))[0]?.question).toBe('revenue by region last quarter');
  });

  it('an RTL override cannot hide the breakdown it wraps', async () => {
    const card = await ask('a:rtl', 'revenue by \u202Eregion\u202C last quarter');
    for (const region of ['North America', 'EMEA', 'APAC', 'LATAM']) expect(card).toContain(region);
    expect((await auditOf('teams:a:rtl'))[0]?.question).toBe('revenue by region last quarter');
  });
});

describe('audit rows', () => {
  it('are retried when the insert fails, and written exactly once', async () => {
    expect(await ask('a:audit-flaky', 'revenue by region last quarter')).toContain('EMEA');
    expect(await auditOf('teams:a:audit-flaky')).toHaveLength(1);
    expect(captured.find(/audit log write failed; retrying/).length).toBeGreaterThanOrEqual(2);
  });

  it('that never insert are logged whole, and the person still gets the answer', async () => {
    expect(await ask('a:audit-down', 'revenue by region last quarter')).toContain('EMEA');
    expect(await auditOf('teams:a:audit-down')).toHaveLength(0);
    const failed = captured.find(/^audit log write failed$/);
    expect(failed.at(-1)).toMatchObject({
      level: 50,
      audit: { conversationId: 'teams:a:audit-down', question: 'revenue by region last quarter' },
    });
  });
});

describe('text normalised at the Slack door', () => {
  let slack: SlackDoor;
  beforeAll(async () => {
    slack = await startSlackDoor({ DATABASE_URL: appUrl });
  });
  afterAll(async () => {
    await slack?.close();
  });

  it('a mention with a NUL byte and an RTL override is answered and audited as read', async () => {
    const reply = await slack.mention('revenue by \u202Eregion\u202C last quarter\0', 'CNUL');
    expect(JSON.stringify(reply.args.blocks)).toContain('EMEA');
    const all = (
      await runtime.appDb.pool.query(
        "SELECT question FROM audit_log WHERE conversation_id LIKE 'slack:CNUL:%'",
      )
    ).rows;
    expect(all.map((r) => r.question)).toEqual(['revenue by region last quarter']);
  });
});

describe('the CLI door', () => {
  it('`tally ask --jsonl` with a NUL byte: answered, audited, and the state kept', async () => {
    const user = `cli-nul-${Date.now()}`;
    const { stdout } = await runTally(
      ['ask', '--jsonl', '--conversation', `cli:${user}`, '--user', user],
      { DATABASE_URL: appUrl },
      'revenue by region last quarter\0\n',
    );
    expect(JSON.parse(stdout.trim()).status).toBe('answer');
    const rows = (await runtime.appDb.pool.query('SELECT question FROM audit_log WHERE user_id = $1', [user]))
      .rows;
    expect(rows).toEqual([{ question: 'revenue by region last quarter' }]);
    expect(await runtime.appDb.loadConversation(`cli:${user}`)).toMatchObject({
      lastQuestion: 'revenue by region last quarter',
    });
  });

  it('`tally sql` that makes PostgreSQL fail: a plain message; the database’s words only in the audit row', async () => {
    const user = `cli-tz-${Date.now()}`;
    const sql = "SELECT CAST('2024-01-01 00:00+20:00' AS timestamptz) AS t";
    const failed = await runTally(['sql', sql, '--json', '--user', user], { DATABASE_URL: appUrl }).then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(failed).toBeDefined();
    const answer = JSON.parse(failed?.stdout ?? '{}');
    expect(answer).toMatchObject({ status: 'error', rule: 'query_failed' });
    expect(answer.message).toMatch(/could not run the query/);
    // What the person sees (stdout) says nothing of it; the log (stderr) has the detail.
    expect(failed?.stdout).not.toMatch(/displacement|out of range|22009/);
    expect(failed?.stderr).toMatch(/time zone displacement out of range/);
    expect(answer.detail).toBeUndefined();
    const rows = (
      await runtime.appDb.pool.query('SELECT status, reason FROM audit_log WHERE user_id = $1', [user])
    ).rows;
    expect(rows).toEqual([
      { status: 'error', reason: expect.stringMatching(/time zone displacement out of range/) },
    ]);
  });
});
