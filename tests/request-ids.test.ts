/**
 * Request ids (issue 14). With several questions in flight, nothing tied a log line or an audit row
 * to the HTTP request it came in, so "which request logged this?" had no answer. Every request now
 * gets an id (the caller's X-Request-Id when it is a plain token), returned in X-Request-Id; the
 * door hands it to the turn with a pino child logger, so every line the request logs (the door's,
 * the skill's) and its audit row carry it.
 *
 * Real doors on real servers, a pino logger writing into the test, and a language model that is
 * down: the skill logs a warning for each question (the second reader's), the line to follow.
 */
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../bot/runtime.ts';
import { createServer, listen } from '../bot/server.ts';
import { createSlackBot } from '../bot/slack/slack-bot.ts';
import { createTeamsBot } from '../bot/teams/teams-bot.ts';
import { freePort } from '../warehouse/free-port.ts';
import { BotConnectorStub } from './bot-connector.ts';
import { testConfig } from './helpers.ts';
import { type StandIn, startStandIn } from './openai-stand-in.ts';
import { SlackApiStub } from './slack-api.ts';
import { mentionEvent, SLACK_SECRET, signed } from './slack-door.ts';
import { until } from './wait.ts';

/** Words the demo catalog lacks ("takings"): the offline reading asks, and the (down) model is tried first. */
const QUESTIONS = ['takings by region last quarter', 'takings by channel last month'];
const MODEL_DOWN = 'the language model could not read the question';

interface Line {
  requestId?: string;
  msg: string;
  question?: string;
  path?: string;
  status?: number;
}

let model: StandIn;
const closers: (() => Promise<unknown>)[] = [];

/** A runtime whose log lines land in `lines`, at debug level (the per-request line included). */
async function runtimeWithLines(env: Record<string, string>): Promise<{ runtime: Runtime; lines: Line[] }> {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text.trim()) lines.push(JSON.parse(text));
      done();
    },
  });
  const config = testConfig({
    OPENAI_BASE_URL: `${model.url}/v1`,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_MAX_RETRIES: '0',
    ...env,
  });
  const runtime = await createRuntime(config, pino({ level: 'debug' }, sink));
  closers.push(() => runtime.close());
  return { runtime, lines };
}

async function serve(app: ReturnType<typeof createServer>): Promise<string> {
  const port = await freePort();
  const server: Server = await listen(app, port);
  closers.push(async () => server.close());
  return `http://127.0.0.1:${port}`;
}

/** Each request's lines are its own: the skill's warning about its own question, and the request line. */
function expectOwnLines(lines: Line[], requests: { id: string; question: string; path: string }[]) {
  for (const { id, question, path } of requests) {
    const own = lines.filter((l) => l.requestId === id);
    expect(own.map((l) => l.msg)).toContain(MODEL_DOWN);
    expect(own.find((l) => l.msg === MODEL_DOWN)?.question).toBe(question);
    expect(own.find((l) => l.msg === 'request')).toMatchObject({ path, status: 200 });
    // Every line about this question carries this request's id, never the other's.
    for (const line of lines.filter((l) => l.question === question)) expect(line.requestId).toBe(id);
  }
}

beforeAll(async () => {
  model = await startStandIn();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await model?.close();
});

describe('a request id from the HTTP request to the log and the audit row', () => {
  it('Teams: two questions at once, each with its own id in the header, its log lines and its audit row', async () => {
    const connector = await new BotConnectorStub().start();
    closers.push(() => connector.stop());
    const { runtime, lines } = await runtimeWithLines({});
    const base = await serve(createServer(runtime, { teams: createTeamsBot(runtime) }));
    const send = (text: string, conversation: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          type: 'message',
          id: `m-${conversation}`,
          channelId: 'msteams',
          serviceUrl: connector.url,
          text,
          from: { id: '29:aad-req', name: 'Someone', aadObjectId: `aad-${conversation}` },
          recipient: { id: '28:tally', name: 'Tally' },
          conversation: { id: conversation, conversationType: 'personal' },
          channelData: { tenant: { id: 'tenant' } },
        }),
      });
    // The first carries a load balancer's id, which is kept; the second gets one of Tally's.
    const [first, second] = await Promise.all([
      send(QUESTIONS[0] as string, 'a:req-1', { 'X-Request-Id': 'lb-trace-0001' }),
      send(QUESTIONS[1] as string, 'a:req-2'),
    ]);
    const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')] as string[];
    expect(ids[0]).toBe('lb-trace-0001');
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);

    const audit = await until(
      async () => {
        const { rows } = await runtime.appDb.pool.query(
          `SELECT conversation_id, request_id FROM audit_log WHERE conversation_id IN ('teams:a:req-1', 'teams:a:req-2')`,
        );
        return rows.length === 2 && rows;
      },
      15_000,
      () => 'no audit rows for both questions',
    );
    const byConversation = Object.fromEntries(audit.map((r) => [r.conversation_id, r.request_id]));
    expect(byConversation).toEqual({ 'teams:a:req-1': ids[0], 'teams:a:req-2': ids[1] });
    expectOwnLines(lines, [
      { id: ids[0] as string, question: QUESTIONS[0] as string, path: '/api/messages' },
      { id: ids[1] as string, question: QUESTIONS[1] as string, path: '/api/messages' },
    ]);
  });

  it('Slack: two mentions at once, each with its own id, though the answer comes after the HTTP response', async () => {
    const api = await new SlackApiStub().start();
    closers.push(() => api.stop());
    const { runtime, lines } = await runtimeWithLines({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: api.url,
    });
    const base = await serve(createServer(runtime, { slack: createSlackBot(runtime) }));
    const mention = (text: string, channel: string, headers: Record<string, string> = {}) => {
      const body = JSON.stringify(mentionEvent(text, {}, channel));
      return fetch(`${base}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed(body), ...headers },
        body,
      });
    };
    const [first, second] = await Promise.all([
      // Not a plain token: replaced, so a header can't write whatever it likes into every line.
      mention(QUESTIONS[0] as string, 'CREQ1', { 'X-Request-Id': `${'x'.repeat(80)} injected` }),
      mention(QUESTIONS[1] as string, 'CREQ2'),
    ]);
    const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')] as string[];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);

    const audit = await until(
      async () => {
        const { rows } = await runtime.appDb.pool.query(
          `SELECT conversation_id, request_id FROM audit_log WHERE conversation_id LIKE 'slack:CREQ%'`,
        );
        return rows.length === 2 && rows;
      },
      15_000,
      () => 'no audit rows for both mentions',
    );
    const byChannel = Object.fromEntries(
      audit.map((r) => [String(r.conversation_id).split(':')[1], r.request_id]),
    );
    expect(byChannel).toEqual({ CREQ1: ids[0], CREQ2: ids[1] });
    expectOwnLines(lines, [
      { id: ids[0] as string, question: QUESTIONS[0] as string, path: '/slack/events' },
      { id: ids[1] as string, question: QUESTIONS[1] as string, path: '/slack/events' },
    ]);
  });
});
