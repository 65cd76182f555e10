/**
 * Issue 17: a Slack-only deployment (no Teams app id) left /api/messages open without
 * authentication — an unsigned request got 200 and a delivered answer. A door that isn't configured
 * is not mounted. Local mode (no Teams app id and no Slack) keeps its unauthenticated
 * /api/messages for the Agents Playground; /healthz says only whether Tally is up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, listen } from '../bot/server.ts';
import { createTeamsBot } from '../bot/teams/teams-bot.ts';
import { freePort } from '../warehouse/free-port.ts';
import { BotConnectorStub } from './bot-connector.ts';
import { spawnTally, testRuntime } from './helpers.ts';
import { SlackApiStub } from './slack-api.ts';
import { until } from './wait.ts';

let connector: BotConnectorStub;
let slackApi: SlackApiStub;

beforeAll(async () => {
  connector = await new BotConnectorStub().start();
  slackApi = await new SlackApiStub().start();
});
afterAll(async () => {
  await connector?.stop();
  await slackApi?.stop();
});

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret' };

function message(conversationId: string) {
  return JSON.stringify({
    type: 'message',
    id: `m-${conversationId}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    text: 'revenue by region',
    from: { id: '29:user' },
    recipient: { id: '28:tally' },
    conversation: { id: conversationId, conversationType: 'personal' },
  });
}

const postActivity = (base: string, conversationId: string) =>
  fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: message(conversationId),
  });

describe('doors that are not configured', () => {
  it('a Slack-only `tally start` does not serve /api/messages, and /healthz says only ok', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawnTally(['start'], { PORT: String(port), SLACK_API_URL: slackApi.url, ...SLACK });
    try {
      const health = await until(
        () =>
          fetch(`${base}/healthz`)
            .then((r) => (r.ok ? r : undefined))
            .catch(() => undefined),
        60_000,
        () => 'tally start never became healthy',
        200,
      );
      expect(await health.json()).toEqual({ status: 'ok' });
      expect((await postActivity(base, 'a:slack-only')).status).toBe(404);
      // The Slack door is there (unsigned → 401), so the 404 above is the Teams door missing.
      expect((await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(401);
      expect(connector.sent.filter((s) => s.conversationId === 'a:slack-only')).toHaveLength(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('createServer leaves a Teams bot it is handed unmounted when Slack is configured without an app id', async () => {
    const runtime = await testRuntime(SLACK);
    const port = await freePort();
    const server = await listen(createServer(runtime, { teams: createTeamsBot(runtime) }), port);
    try {
      expect((await postActivity(`http://127.0.0.1:${port}`, 'a:slack-only-2')).status).toBe(404);
    } finally {
      server.close();
      await runtime.close();
    }
  });

  it('local mode (no app id, no Slack) still answers on /api/messages (the control)', async () => {
    const runtime = await testRuntime();
    const port = await freePort();
    const server = await listen(createServer(runtime, { teams: createTeamsBot(runtime) }), port);
    try {
      expect((await postActivity(`http://127.0.0.1:${port}`, 'a:local')).status).toBe(200);
      await connector.waitFor((s) => s.conversationId === 'a:local' && !!s.activity.attachments);
    } finally {
      server.close();
      await runtime.close();
    }
  });
});

describe('/healthz', () => {
  it('answers 503 with no detail when the app database is gone', async () => {
    const runtime = await testRuntime();
    const port = await freePort();
    const server = await listen(createServer(runtime, {}), port);
    try {
      await runtime.appDb.close();
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable' });
    } finally {
      server.close();
      await runtime.executor.close();
    }
  });
});
