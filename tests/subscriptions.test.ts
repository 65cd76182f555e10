/**
 * Subscriptions and alert buttons in chat, through Slack's real door (signed requests, a local
 * Slack Web API): a channel subscribes to a digest on its own schedule and to the finance alerts,
 * lists and unsubscribes; the finance alert lands there; its buttons acknowledge, lower the
 * sensitivity and snooze, and a garbled button is answered politely.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveSensitivity } from '../alerts/actions.ts';
import { runAlert } from '../alerts/run.ts';
import { alertDeps, createPoster } from '../bot/outbound.ts';
import { parseSchedule } from '../scheduler/cron.ts';
import { isSubscriptionCommand } from '../skills/subscriptions.ts';
import { isolatedAppUrl } from './helpers.ts';
import type { SlackCall } from './slack-api.ts';
import { blockActionBody, type SlackDoor, startSlackDoor } from './slack-door.ts';

let door: SlackDoor;

beforeAll(async () => {
  door = await startSlackDoor({ DATABASE_URL: await isolatedAppUrl('subscriptions_test') });
});
afterAll(async () => {
  await door?.close();
});

const textOf = (call: SlackCall) => `${call.args.text} ${JSON.stringify(call.args.blocks ?? '')}`;

describe('reading subscription commands', () => {
  it('tells commands from questions', () => {
    expect(isSubscriptionCommand('subscribe this channel to the weekly finance digest')).toBe(true);
    expect(isSubscriptionCommand('Unsubscribe')).toBe(true);
    expect(isSubscriptionCommand('list subscriptions')).toBe(true);
    expect(isSubscriptionCommand('what is this channel subscribed to?')).toBe(true);
    expect(isSubscriptionCommand('list revenue by region')).toBe(false);
    expect(isSubscriptionCommand('show me subscriptions revenue')).toBe(false);
    expect(isSubscriptionCommand('stop')).toBe(false);
  });

  it('reads schedules people say', () => {
    expect(parseSchedule('every Monday 8:00 Europe/London')).toEqual({
      cron: '0 8 * * 1',
      timezone: 'Europe/London',
    });
    expect(parseSchedule('every weekday at 7am')).toEqual({ cron: '0 7 * * 1-5', timezone: undefined });
    expect(parseSchedule('daily at 18:30 UTC')).toEqual({ cron: '30 18 * * *', timezone: 'UTC' });
    expect(parseSchedule('on the 1st of every month at 9')).toEqual({
      cron: '0 9 1 * *',
      timezone: undefined,
    });
    expect(parseSchedule('mondays and thursdays at 9:15pm')).toEqual({
      cron: '15 21 * * 1,4',
      timezone: undefined,
    });
    expect(() => parseSchedule('every Monday 25:00')).toThrow(/not a time of day/);
    expect(() => parseSchedule('every Monday 8:00 Mars/Olympus_Mons')).toThrow(/time zone/);
  });
});

describe('subscribing a channel in chat', () => {
  it('subscribes to a digest on its own schedule and to the finance alerts, lists, and unsubscribes', async () => {
    const digest = await door.mention(
      'subscribe this channel to the weekly finance digest every Monday 8:00 Europe/London',
      'CSUBS',
    );
    expect(textOf(digest)).toMatch(
      /Subscribed\. This conversation will get the weekly finance digest at 08:00, only on Monday \(Europe\/London\); the next one is Mon/,
    );
    const alerts = await door.mention('subscribe this channel to finance alerts', 'CSUBS');
    expect(textOf(alerts)).toContain(
      'will get finance alerts when something unusual happens (daily-revenue, daily-opex), with a chart and the likely cause, and the weekly finance digest (at 08:00, only on Monday (Europe/London))',
    );

    const stored = await door.runtime.appDb.subscriptions({ targetKey: 'slack:CSUBS' });
    expect(stored.map((s) => [s.topic, s.kind, s.schedule, s.timezone])).toEqual([
      ['weekly-finance', 'digest', '0 8 * * 1', 'Europe/London'],
      ['finance', 'audience', null, null],
    ]);

    const list = await door.mention('list subscriptions', 'CSUBS');
    expect(textOf(list)).toMatch(/the weekly finance digest, at 08:00, only on Monday \(Europe\/London\)/);
    expect(textOf(list)).toContain('finance alerts');

    const unknown = await door.mention('subscribe this channel to the weekly marketing digest', 'CSUBS');
    expect(textOf(unknown)).toMatch(
      /I don’t know that one\. Digests: the weekly finance digest, the monthly sales digest/,
    );
    const badZone = await door.mention(
      'subscribe this channel to the monthly sales digest every Monday 8:00 Mars/Olympus',
      'CSUBS',
    );
    expect(textOf(badZone)).toContain('I don’t know the time zone Mars/Olympus');

    const one = await door.mention('unsubscribe from the weekly finance digest', 'CSUBS');
    expect(textOf(one)).toContain('will no longer get the weekly finance digest');
    expect(
      (await door.runtime.appDb.subscriptions({ targetKey: 'slack:CSUBS' })).map((s) => s.topic),
    ).toEqual(['finance']);

    // The audit log keeps who changed what.
    const audit = await door.runtime.appDb.pool.query(
      "SELECT question FROM audit_log WHERE rule = 'subscriptions' AND conversation_id LIKE 'slack:CSUBS:%' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.question)).toContain('unsubscribe from the weekly finance digest');
  });

  it('posts the finance alert to the subscribed channel, and its buttons act on the alert', async () => {
    await door.mention('subscribe this channel to finance alerts', 'CFIN');
    const opex = door.runtime.definitions.alerts.find((a) => a.name === 'daily-opex');
    if (!opex) throw new Error('the demo defines daily-opex');
    // The definition names an audience ("finance"), not a channel: subscribers are where it goes.
    expect(opex.audience).toEqual({ channel: 'teams', target: 'finance' });
    const run = await runAlert(alertDeps(door.runtime, createPoster(door.runtime)), opex, '2026-05-13');
    expect(run.status).toBe('posted');
    expect(run.delivery?.posted).toContain('slack:CFIN');
    const post = await door.api.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === 'CFIN' &&
        String(c.args.text).startsWith('Opex'),
    );
    const buttons = (
      post.args.blocks as { type: string; elements?: { action_id: string; value?: string }[] }[]
    )
      .flatMap((b) => b.elements ?? [])
      .filter((e) => e.action_id?.startsWith('alert_'));
    expect(buttons.map((b) => b.action_id)).toEqual(['alert_acknowledge', 'alert_snooze', 'alert_dismiss']);
    const value = buttons[0]?.value as string;

    const click = async (actionId: string, v: string) => {
      const before = door.api.calls.length;
      const response = await door.send(
        blockActionBody(actionId, v, 'CFIN', 'UKIM'),
        'application/x-www-form-urlencoded',
      );
      expect(response.status).toBe(200);
      return door.api.waitFor((c) => door.api.calls.indexOf(c) >= before && c.method === 'chat.postMessage');
    };
    expect(String((await click('alert_acknowledge', value)).args.text)).toBe(
      '<@UKIM> acknowledged the daily-opex alert for 12 May 2026.',
    );
    expect(await effectiveSensitivity(door.runtime.appDb, opex)).toBe(5);
    expect(String((await click('alert_dismiss', value)).args.text)).toBe(
      '<@UKIM> marked 12 May 2026 as not an anomaly; daily-opex is now less sensitive (5 → 4.5).',
    );
    expect(await effectiveSensitivity(door.runtime.appDb, opex)).toBe(4.5);
    const feedback = await door.runtime.appDb.pool.query(
      "SELECT action, user_id FROM alert_feedback WHERE alert = 'daily-opex' ORDER BY id",
    );
    expect(feedback.rows).toEqual([
      { action: 'acknowledge', user_id: 'UKIM' },
      { action: 'dismiss', user_id: 'UKIM' },
    ]);

    expect(String((await click('alert_snooze', value)).args.text)).toMatch(
      /snoozed daily-opex until 22 Jun 2026/,
    );
    expect(
      (await runAlert(alertDeps(door.runtime, createPoster(door.runtime)), opex, '2026-05-13')).status,
    ).toBe('snoozed');

    expect(String((await click('alert_dismiss', 'not json')).args.text)).toContain(
      'could not read that alert button',
    );
  });
});
