/**
 * The finance alert in Teams: a channel subscribes to "finance alerts" in chat (the demo alerts
 * name that audience, not a conversation), the anomaly is posted there proactively as a
 * schema-valid card with Acknowledge / Snooze / Not an anomaly, and a click is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAlert } from '../alerts/run.ts';
import { alertDeps, createPoster } from '../bot/outbound.ts';
import type { Runtime } from '../bot/runtime.ts';
import type { BotConnectorStub, SentActivity } from './bot-connector.ts';
import { isolatedAppUrl } from './helpers.ts';
import { adaptiveCardValidator } from './schemas.ts';
import { startTeamsDoor, type TeamsDoor } from './teams-door.ts';

const CHANNEL = '19:finance@thread.tacv2';
let door: TeamsDoor;
let connector: BotConnectorStub;
let runtime: Runtime;
let base: string;
let sequence = 0;

beforeAll(async () => {
  door = await startTeamsDoor({ DATABASE_URL: await isolatedAppUrl('teams_alerts_test') });
  ({ connector, runtime, base } = door);
});
afterAll(async () => {
  await door?.close();
});

async function say(activity: Record<string, unknown>) {
  const response = await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m${++sequence}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: '29:user', name: 'Dana', aadObjectId: 'aad-dana' },
      recipient: { id: '28:tally', name: 'Tally' },
      conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true },
      channelData: { tenant: { id: 'tenant' }, channel: { id: CHANNEL } },
      ...activity,
    }),
  });
  expect(response.status).toBeLessThan(300);
}

const textIn = (pattern: RegExp) => (s: SentActivity) =>
  s.conversationId === CHANNEL && pattern.test(String(s.activity.text ?? s.activity.summary ?? ''));

describe('the finance alert in a Teams channel', () => {
  it('is posted where “finance alerts” were subscribed, with buttons that act on it', async () => {
    await say({ text: 'subscribe this channel to finance alerts' });
    await connector.waitFor(textIn(/will get finance alerts/));
    const [subscription] = await runtime.appDb.subscriptions({ topics: ['finance'] });
    expect(subscription?.target).toEqual({ channel: 'teams', conversationId: CHANNEL });

    const opex = runtime.definitions.alerts.find((a) => a.name === 'daily-opex');
    if (!opex) throw new Error('the demo defines daily-opex');
    const run = await runAlert(alertDeps(runtime, createPoster(runtime)), opex, '2026-05-13');
    expect(run.delivery?.posted).toEqual([`teams:${CHANNEL}`]);
    const posted = await connector.waitFor(textIn(/^Opex on 12 May 2026 was/));
    const card = posted.activity.attachments?.[0]?.content as {
      actions: { title: string; data?: unknown }[];
    };
    const validate = adaptiveCardValidator();
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(card.actions.map((a) => a.title)).toEqual(['Acknowledge', 'Snooze 7 days', 'Not an anomaly']);

    // Teams posts an Action.Submit as a message whose value is the button's data.
    await say({ text: undefined, value: card.actions[0]?.data });
    await connector.waitFor(textIn(/^Dana acknowledged the daily-opex alert for 12 May 2026\.$/));
    const recorded = await runtime.appDb.pool.query(
      'SELECT alert, day::text, action, user_id FROM alert_feedback',
    );
    expect(recorded.rows).toEqual([
      { alert: 'daily-opex', day: '2026-05-12', action: 'acknowledge', user_id: 'aad-dana' },
    ]);

    // Run again: never the same anomaly twice.
    expect((await runAlert(alertDeps(runtime, createPoster(runtime)), opex, '2026-05-13')).status).toBe(
      'already-sent',
    );
  });
});
