/**
 * Issue 17, durability: `kill -9` of `tally start` with 20 Teams questions in flight left one
 * answer delivered, nineteen people with "typing…", seven answers audited as answered but never
 * delivered, and nothing retried after a restart. Here the built CLI is killed with questions in
 * every stage — answered and delivered, answered with the send cut off at the Bot Connector, still
 * being worked on — and restarted: every person gets exactly one reply (the answer, or "sorry, I
 * was restarted"), and the audit log's last word on each turn is what was delivered.
 */
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESTARTED_MESSAGE } from '../bot/teams/teams-outbox.ts';
import { freePort } from '../warehouse/free-port.ts';
import { isolatedAppUrl, spawnTally } from './helpers.ts';
import { until } from './wait.ts';

interface Received {
  conversation: string;
  method: 'POST' | 'PUT';
  kind: 'card' | 'sorry' | 'placeholder' | 'other';
  at: number;
}

/**
 * A Bot Connector stand-in that can stop answering: while it holds, a message waits unanswered,
 * and one whose sender dies meanwhile is dropped, never posted — as when a crash cuts a send off.
 */
class HoldingConnector {
  readonly received: Received[] = [];
  dropped = 0;
  holding = false;
  /** Starts holding by itself once this many messages went through. */
  holdAfter = Number.POSITIVE_INFINITY;
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    const app = express();
    app.use(express.json({ limit: '5mb' }));
    const handle = (method: 'POST' | 'PUT') => async (req: express.Request, res: express.Response) => {
      const body = req.body as { type?: string; text?: string; attachments?: unknown[] };
      if (body.type !== 'typing' && this.received.length >= this.holdAfter) this.holding = true;
      if (body.type !== 'typing' && this.holding) {
        const dropped = await new Promise<boolean>((resolve) => {
          res.on('close', () => resolve(!res.writableFinished));
          const poll = setInterval(() => {
            if (this.holding) return;
            clearInterval(poll);
            resolve(false);
          }, 20);
          res.on('close', () => clearInterval(poll));
        });
        if (dropped) return void this.dropped++;
      }
      const kind = body.attachments?.length
        ? 'card'
        : body.text === RESTARTED_MESSAGE
          ? 'sorry'
          : body.text === 'Working on it…'
            ? 'placeholder'
            : 'other';
      if (body.type !== 'typing')
        this.received.push({ conversation: String(req.params.conversation), method, kind, at: Date.now() });
      res.json({ id: method === 'PUT' ? req.params.activityId : `activity-${this.received.length}` });
    };
    app.post('/v3/conversations/:conversation/activities{/:activityId}', handle('POST'));
    app.put('/v3/conversations/:conversation/activities/:activityId', handle('PUT'));
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/`;
  }

  /** What a person sees as a reply: the answer card or the sorry, posted or put into the placeholder. */
  replies(conversation: string): Received[] {
    return this.received.filter(
      (r) => r.conversation === conversation && (r.kind === 'card' || r.kind === 'sorry'),
    );
  }

  async stop(): Promise<void> {
    this.holding = false;
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const QUESTIONS = [
  'revenue by region last quarter',
  'monthly revenue in 2025',
  'orders by channel last week',
  'revenue by segment this year',
  'revenue by region',
];
const connector = new HoldingConnector();
const children: ChildProcess[] = [];
let appUrl: string;
let app: pg.Client;

async function startTally(): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawnTally(['start'], { PORT: String(port), DATABASE_URL: appUrl, LOG_LEVEL: 'warn' });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  await until(
    () =>
      fetch(`${base}/readyz`)
        .then((r) => r.ok)
        .catch(() => false),
    60_000,
    () => `tally start never became ready (exit ${child.exitCode})`,
    200,
  );
  return { child, base };
}

function ask(base: string, index: number): void {
  void fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `crash-${index}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      text: QUESTIONS[index % QUESTIONS.length],
      from: { id: `29:user-${index}`, name: `User ${index}`, aadObjectId: `aad-${index}` },
      recipient: { id: '28:tally', name: 'Tally' },
      conversation: { id: `a:crash-${index}`, conversationType: 'personal' },
      channelData: { tenant: { id: 'tenant' } },
    }),
  }).catch(() => undefined); // the killed server never answers some of these
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.once('exit', resolve),
  );

beforeAll(async () => {
  await connector.start();
  appUrl = await isolatedAppUrl('crash');
  app = new pg.Client({ connectionString: appUrl });
  await app.connect();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await app?.end();
  await connector.stop();
});

describe('kill -9 with 20 Teams questions in flight', () => {
  it('sends every person exactly one reply after the restart, and the audit agrees', async () => {
    const first = await startTally();
    // Two answers go through; from then on the connector takes nothing, and sends in flight at the kill are cut off.
    connector.holdAfter = 2;
    for (let i = 0; i < 12; i++) ask(first.base, i);
    await until(
      () => connector.holding,
      60_000,
      () => 'no answers before the crash',
    );
    // A moment for the sends the connector did answer to be marked sent.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (let i = 12; i < 20; i++) ask(first.base, i);
    const recorded = async () =>
      Number(
        (await app.query("SELECT count(*) FROM outbox WHERE conversation_id LIKE 'teams:a:crash-%'")).rows[0]
          .count,
      );
    await until(
      async () => (await recorded()) === 20,
      30_000,
      () => 'the questions were never recorded',
    );
    const before = connector.received.filter((r) => r.kind === 'card').length;
    first.child.kill('SIGKILL');
    await exited(first.child);
    connector.holdAfter = Number.POSITIVE_INFINITY;
    connector.holding = false;

    const second = await startTally();
    const conversations = Array.from({ length: 20 }, (_, i) => `a:crash-${i}`);
    await until(
      () => conversations.every((c) => connector.replies(c).length >= 1),
      60_000,
      () => `without a reply: ${conversations.filter((c) => connector.replies(c).length === 0).join(', ')}`,
    );
    // Longer than a recovery sweep: anything sent twice would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);

    for (const c of conversations) expect(connector.replies(c), c).toHaveLength(1);
    const sorries = conversations.filter((c) => connector.replies(c)[0]?.kind === 'sorry');
    // Questions recorded a moment before the kill can't all have been answered: some get the sorry.
    expect(sorries.length).toBeGreaterThan(0);
    // Some answers were delivered before the crash, and some only after the restart.
    expect(before).toBeGreaterThanOrEqual(2);
    const answeredAfter =
      conversations.filter((c) => connector.replies(c)[0]?.kind === 'card').length - before;
    expect(answeredAfter).toBeGreaterThan(0);

    const outbox = await app.query(
      "SELECT id, conversation_id, state, outcome FROM outbox WHERE conversation_id LIKE 'teams:a:crash-%'",
    );
    expect(outbox.rows.every((r) => r.state === 'sent')).toBe(true);
    const audit = await app.query(
      `SELECT DISTINCT ON (conversation_id) conversation_id, turn_id, status, rule FROM audit_log
       WHERE conversation_id LIKE 'teams:a:crash-%' ORDER BY conversation_id, id DESC`,
    );
    expect(audit.rows).toHaveLength(20);
    for (const row of audit.rows) {
      const conversation = String(row.conversation_id).replace(/^teams:/, '');
      const delivered = connector.replies(conversation)[0]?.kind;
      const turn = outbox.rows.find((r) => r.conversation_id === row.conversation_id);
      expect(row.turn_id, conversation).toBe(turn?.id);
      if (delivered === 'sorry') expect([row.status, row.rule], conversation).toEqual(['error', 'restarted']);
      else expect(row.status, conversation).toBe('answer');
      expect(turn?.outcome).toBe(delivered === 'sorry' ? 'restarted' : 'answer');
    }
  }, 180_000);
});
