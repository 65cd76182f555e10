/**
 * Slack's door for tests: the real server and bolt receiver, requests signed with a real HMAC,
 * and the Web API answered by a local Slack API server that records each call.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Runtime } from '../bot/runtime.ts';
import { createServer, listen } from '../bot/server.ts';
import { createSlackBot } from '../bot/slack/slack-bot.ts';
import { freePort } from '../warehouse/free-port.ts';
import { testRuntime } from './helpers.ts';
import { SlackApiStub, type SlackCall } from './slack-api.ts';

export const SLACK_SECRET = 'test-signing-secret';
const SAMPLES = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'shared',
  'data',
  'payloads',
  'slack',
  'java-slack-sdk-shape-samples',
);
const appMention = JSON.parse(readFileSync(path.join(SAMPLES, 'events', 'AppMentionPayload.json'), 'utf8'));
let n = 0;

export function signed(body: string, options: { secret?: string; timestamp?: number } = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', options.secret ?? SLACK_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}

/** An app_mention event callback, shaped like Slack's own sample. */
export function mentionEvent(text: string, overrides: Record<string, unknown> = {}, channel?: string) {
  const id = ++n;
  return {
    ...appMention,
    token: 'verification',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${id}-${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UTALLY', is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'app_mention',
      user: 'U1',
      text: `<@UTALLY> ${text}`,
      ts: `1700000${id}.0001`,
      channel: channel ?? `C${id}`,
      event_ts: `1700000${id}.0001`,
    },
    ...overrides,
  };
}

/** A block_actions interactivity body (form-encoded payload), as Slack posts a button click. */
export function blockActionBody(actionId: string, value: string, channel: string, user = 'U3'): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'x' },
    user: { id: user, name: 'kim', team_id: 'T1' },
    api_app_id: 'A1',
    token: 't',
    trigger_id: '1.2',
    channel: { id: channel, name: 'finance' },
    message: { type: 'message', ts: '1700000000.0001', text: 'answer' },
    container: { type: 'message', message_ts: '1700000000.0001', channel_id: channel },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'actions',
        text: { type: 'plain_text', text: 'x' },
        value,
        action_ts: '1',
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SlackDoor {
  api: SlackApiStub;
  runtime: Runtime;
  base: string;
  send(
    body: string,
    contentType: string,
    extra?: Record<string, string>,
    sign?: { secret?: string; timestamp?: number },
  ): Promise<Response>;
  /** Mentions Tally in a channel and returns the reply (the chat.update of "Working on it…"). */
  mention(text: string, channel: string): Promise<SlackCall>;
  close(): Promise<void>;
}

export async function startSlackDoor(overrides: Record<string, string> = {}): Promise<SlackDoor> {
  const api = await new SlackApiStub().start();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const runtime = await testRuntime({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_API_URL: api.url,
    PUBLIC_URL: base,
    ...overrides,
  });
  const server: Server = await listen(createServer(runtime, { slack: createSlackBot(runtime) }), port);
  const send: SlackDoor['send'] = (body, contentType, extra = {}, sign = {}) =>
    fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signed(body, sign), ...extra },
      body,
    });
  return {
    api,
    runtime,
    base,
    send,
    mention: async (text, channel) => {
      const body = mentionEvent(text, {}, channel);
      const before = api.calls.length;
      await send(JSON.stringify(body), 'application/json');
      return api.waitFor(
        (c) => api.calls.indexOf(c) >= before && c.method === 'chat.update' && c.args.channel === channel,
      );
    },
    close: async () => {
      server.close();
      await api.stop();
      await runtime.close();
    },
  };
}
