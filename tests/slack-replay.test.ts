/**
 * Issue 17, doors: a Slack request stamped ten minutes in the future was accepted (bolt only checks
 * the past; Slack's rule is ±5 minutes), and a replayed slash command was answered three times
 * (events were deduplicated by id; commands and interactions weren't). Real HMAC-signed requests to
 * the real server; Slack's Web API is the local stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackCall } from './slack-api.ts';
import { blockActionBody, type SlackDoor, signed, startSlackDoor } from './slack-door.ts';

let door: SlackDoor;

beforeAll(async () => {
  door = await startSlackDoor();
});
afterAll(async () => {
  await door?.close();
});

let n = 0;
function slashCommand(channel: string, text: string): string {
  return new URLSearchParams({
    token: 't',
    team_id: 'T1',
    channel_id: channel,
    channel_name: 'finance',
    user_id: 'U2',
    user_name: 'sam',
    command: '/tally',
    text,
    response_url: 'http://127.0.0.1:9/nowhere',
    trigger_id: `${++n}.${Date.now()}`,
  }).toString();
}

const FORM = 'application/x-www-form-urlencoded';
const postsIn = (channel: string) =>
  door.api.calls.filter((c: SlackCall) => c.method === 'chat.postMessage' && c.args.channel === channel);
const updateIn = (channel: string) => (c: SlackCall) =>
  c.method === 'chat.update' && c.args.channel === channel;

/** Posts exactly the same bytes and headers each time, as a replay does. */
async function replay(body: string, headers: Record<string, string>) {
  return fetch(`${door.base}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body,
  });
}

describe('Slack request timestamps', () => {
  it.each([
    ['10 minutes in the future', 600],
    ['10 minutes in the past', -600],
    ['6 minutes in the future', 360],
  ])('refuses a correctly signed request stamped %s with 401 and answers nothing', async (_label, skew) => {
    const channel = `CTS${skew}`;
    const body = slashCommand(channel, 'revenue by region');
    const response = await door.send(body, FORM, {}, { timestamp: Math.floor(Date.now() / 1000) + skew });
    expect(response.status).toBe(401);
    expect(postsIn(channel)).toHaveLength(0);
  });

  it('answers one stamped 2 minutes ahead (clocks drift; the window is ±5 minutes)', async () => {
    const body = slashCommand('CTSOK', 'revenue by region');
    const response = await door.send(body, FORM, {}, { timestamp: Math.floor(Date.now() / 1000) + 120 });
    expect(response.status).toBe(200);
    await door.api.waitFor(updateIn('CTSOK'));
  });
});

describe('Slack replays', () => {
  it('answers a slash command replayed three times (same signature, timestamp and body) once', async () => {
    const body = slashCommand('CREPLAY', 'orders by channel last week');
    const headers = signed(body);
    for (let i = 0; i < 3; i++) expect((await replay(body, headers)).status).toBe(200);
    // Each replay was acknowledged and dropped before its response; only the first is still working.
    await door.api.waitFor(updateIn('CREPLAY'));
    expect(postsIn('CREPLAY')).toHaveLength(1);
    const claims = await door.runtime.appDb.pool.query(
      "SELECT count(*)::int AS n FROM slack_events WHERE event_id LIKE 'body:%'",
    );
    expect(claims.rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('answers a command Slack re-sends with retry headers (new timestamp, same body) once', async () => {
    const body = slashCommand('CRETRY', 'orders by channel last week');
    expect((await door.send(body, FORM)).status).toBe(200);
    const retried = await door.send(
      body,
      FORM,
      { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      {
        timestamp: Math.floor(Date.now() / 1000) + 1,
      },
    );
    expect(retried.status).toBe(200);
    await door.api.waitFor(updateIn('CRETRY'));
    expect(postsIn('CRETRY')).toHaveLength(1);
  });

  it('answers a replayed button click once', async () => {
    const body = blockActionBody('ask_0', 'revenue by segment this year', 'CCLICK');
    const headers = signed(body);
    for (let i = 0; i < 3; i++) expect((await replay(body, headers)).status).toBe(200);
    await door.api.waitFor(updateIn('CCLICK'));
    expect(postsIn('CCLICK')).toHaveLength(1);
  });

  it('still answers two separate commands with the same words (the control)', async () => {
    await door.send(slashCommand('CTWICE', 'headcount by department'), FORM);
    await door.send(slashCommand('CTWICE', 'headcount by department'), FORM);
    await door.api.waitFor(() => door.api.calls.filter(updateIn('CTWICE')).length === 2);
    expect(postsIn('CTWICE')).toHaveLength(2);
  });
});
