/**
 * Slack through its real protocol: signed Events API, slash command and interactivity requests
 * (real HMAC signatures) to the running server; the Web API calls land on a local Slack API server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../adaptive-cards/block-kit.ts';
import { createProactive } from '../bot/proactive.ts';
import type { Runtime } from '../bot/runtime.ts';
import { createSlackBot } from '../bot/slack/slack-bot.ts';
import { sampleReply } from './helpers.ts';
import type { SlackApiStub, SlackCall } from './slack-api.ts';
import { blockActionBody, mentionEvent, type SlackDoor, startSlackDoor } from './slack-door.ts';

let door: SlackDoor;
let api: SlackApiStub;
let runtime: Runtime;
let base: string;

beforeAll(async () => {
  door = await startSlackDoor();
  ({ api, runtime, base } = door);
});
afterAll(async () => {
  await door?.close();
});

async function send(body: string, contentType: string, extra: Record<string, string> = {}, sign = {}) {
  const started = Date.now();
  const response = await door.send(body, contentType, extra, sign);
  return { response, ms: Date.now() - started };
}

const event = mentionEvent;

const updateIn = (channel: string) => (c: SlackCall) =>
  c.method === 'chat.update' && c.args.channel === channel;
type Block = {
  type: string;
  text?: { text: string };
  image_url?: string;
  elements?: { action_id: string; value?: string }[];
};

describe('Slack events', () => {
  it('acknowledges an app_mention at once, says it is working, then updates with Block Kit and a chart', async () => {
    const body = event('revenue by region last quarter');
    const { response, ms } = await send(JSON.stringify(body), 'application/json');
    expect(response.status).toBe(200);
    expect(ms).toBeLessThan(3000);
    const working = await api.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === body.event.channel,
    );
    expect(working.args).toMatchObject({ text: 'Working on it…', thread_ts: body.event.ts });
    const update = await api.waitFor(updateIn(body.event.channel));
    const blocks = update.args.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const all = JSON.stringify(blocks);
    for (const region of ['North America', 'EMEA', 'APAC', 'LATAM']) expect(all).toContain(region);
    const image = blocks.find((b) => b.type === 'image');
    expect(image?.image_url?.startsWith(`${base}/charts/`)).toBe(true);
    const png = await fetch(image?.image_url as string);
    expect(png.headers.get('content-type')).toBe('image/png');
  });

  it('answers a retried event once', async () => {
    const body = JSON.stringify(event('orders by channel last week'));
    const channel = JSON.parse(body).event.channel;
    await send(body, 'application/json');
    await send(body, 'application/json', {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    await send(body, 'application/json', {
      'x-slack-retry-num': '2',
      'x-slack-retry-reason': 'http_timeout',
    });
    await api.waitFor(updateIn(channel));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      api.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel),
    ).toHaveLength(1);
  });

  it('answers a direct message in the DM', async () => {
    const body = event('', {
      event: {
        type: 'message',
        channel_type: 'im',
        user: 'U1',
        text: 'headcount by department',
        ts: '1700009999.0001',
        channel: 'D1',
        event_ts: '1700009999.0001',
      },
    });
    await send(JSON.stringify(body), 'application/json');
    const update = await api.waitFor(updateIn('D1'));
    expect(JSON.stringify(update.args.blocks)).toContain('Headcount by department');
  });

  it('rejects forged and stale requests with 401 and answers nothing', async () => {
    const body = JSON.stringify(event('revenue by region'));
    const before = api.calls.length;
    expect((await send(body, 'application/json', {}, { secret: 'wrong' })).response.status).toBe(401);
    expect(
      (await send(body, 'application/json', {}, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).response
        .status,
    ).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.calls.length).toBe(before);
  });

  it('answers bad input with a friendly reply: empty text and a 10,000-character message', async () => {
    const empty = event('');
    await send(JSON.stringify(empty), 'application/json');
    expect(JSON.stringify((await api.waitFor(updateIn(empty.event.channel))).args)).toMatch(
      /Ask me a question/,
    );
    const long = event('revenue '.repeat(1250));
    await send(JSON.stringify(long), 'application/json');
    expect(JSON.stringify((await api.waitFor(updateIn(long.event.channel))).args)).toMatch(/too long/);
  });
});

describe('Slack proactive posts', () => {
  it('posts a reply into a channel through the shared proactive.post', async () => {
    const proactive = createProactive({ slack: createSlackBot(runtime) });
    const reply = sampleReply('Weekly digest: revenue up 4%.');
    await proactive.post({ channel: 'slack', channelId: 'CFINANCE' }, reply);
    const post = await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CFINANCE');
    expect(post.args.text).toBe('Weekly digest: revenue up 4%.');
    await expect(proactive.post({ channel: 'teams', conversationId: 'x' }, reply)).rejects.toThrow(
      /Teams is not configured/,
    );
  });
});

describe('Slack slash command', () => {
  it('acks /tally at once and answers in the channel', async () => {
    const form = new URLSearchParams({
      token: 't',
      team_id: 'T1',
      channel_id: 'CSLASH',
      channel_name: 'finance',
      user_id: 'U2',
      user_name: 'sam',
      command: '/tally',
      text: 'top 5 products by revenue this year',
      response_url: `${base}/nowhere`,
      trigger_id: '1.2.3',
    });
    const { response, ms } = await send(form.toString(), 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
    expect(ms).toBeLessThan(3000);
    const update = await api.waitFor(updateIn('CSLASH'));
    expect(JSON.stringify(update.args.blocks)).toContain('Revenue by product this year');
  });
});

describe('Slack interactivity', () => {
  const blockAction = (actionId: string, value: string, channel: string) =>
    blockActionBody(actionId, value, channel);

  it('routes a follow-up button to the same skills as a typed question', async () => {
    await send(
      blockAction('ask_0', 'revenue by segment this year', 'CACT'),
      'application/x-www-form-urlencoded',
    );
    const update = await api.waitFor(updateIn('CACT'));
    expect(JSON.stringify(update.args.blocks)).toContain('Revenue by segment this year');
  });

  it('stores feedback, shows the SQL, and answers an unknown button politely', async () => {
    await send(
      blockAction('feedback_down', 'revenue by segment this year', 'CACT'),
      'application/x-www-form-urlencoded',
    );
    await api.waitFor((c) => c.method === 'chat.postEphemeral' && /noted/.test(String(c.args.text)));
    const rows = await runtime.appDb.pool.query("SELECT rating, sql FROM feedback WHERE channel = 'slack'");
    expect(rows.rows[0]).toMatchObject({ rating: 'down', sql: expect.stringMatching(/SELECT/) });
    await send(blockAction('show_sql', 'x', 'CACT'), 'application/x-www-form-urlencoded');
    await api.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.args.channel === 'CACT' && String(c.args.text).startsWith('```'),
    );
    await send(blockAction('mystery_button', 'x', 'CACT'), 'application/x-www-form-urlencoded');
    await api.waitFor(
      (c) => c.method === 'chat.postEphemeral' && /don’t know that button/.test(String(c.args.text)),
    );
  });

  it('refuses a malformed payload with a 4xx', async () => {
    const { response } = await send('payload=%7Bnot-json', 'application/x-www-form-urlencoded');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});
