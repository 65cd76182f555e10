/**
 * Digests and chat subscriptions through Slack's real door: a digest's KPIs agree with the same
 * question asked in words, its card is schema-valid, it is posted once per place and period;
 * channels subscribe, list and unsubscribe in chat, and an audience subscription ("finance
 * alerts") is where the finance alerts land.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { createPoster, digestDeps } from '../bot/outbound.ts';
import { askDeps } from '../bot/runtime.ts';
import { buildDigest, digestPeriod, runDigest } from '../digests/digest.ts';
import { ask } from '../skills/ask.ts';
import { isolatedAppUrl } from './helpers.ts';
import { adaptiveCardValidator } from './schemas.ts';
import { type SlackDoor, startSlackDoor } from './slack-door.ts';

let door: SlackDoor;

beforeAll(async () => {
  door = await startSlackDoor({ DATABASE_URL: await isolatedAppUrl('digest_test') });
});
afterAll(async () => {
  await door?.close();
});

const weeklyFinance = () => {
  const digest = door.runtime.definitions.digests.find((d) => d.name === 'weekly-finance');
  if (!digest) throw new Error('the demo defines weekly-finance');
  return digest;
};

describe('digest periods', () => {
  it('cover the last closed period and the one before it', () => {
    expect(digestPeriod('week', '2026-06-17')).toMatchObject({
      from: '2026-06-08',
      to: '2026-06-15',
      label: 'the week of 8 Jun 2026',
      previous: { from: '2026-06-01', to: '2026-06-08' },
      key: 'week:2026-06-08',
    });
    expect(digestPeriod('month', '2026-06-15')).toMatchObject({
      from: '2026-05-01',
      to: '2026-06-01',
      label: 'May 2026',
    });
    expect(digestPeriod('quarter', '2026-06-15')).toMatchObject({ from: '2026-01-01', label: 'Q1 2026' });
    expect(digestPeriod('day', '2026-06-15')).toMatchObject({ from: '2026-06-14', to: '2026-06-15' });
  });
});

describe('the weekly finance digest', () => {
  it('shows each KPI with its change, agrees with the question asked in words, and draws a chart', async () => {
    const reply = await buildDigest(digestDeps(door.runtime), weeklyFinance(), '2026-06-15');
    expect(reply.summary).toMatch(
      /^Weekly finance digest for the week of 8 Jun 2026: Revenue \$[\d.]+[KM]? \((up|down) [\d.]+%\)/,
    );
    expect(reply.kpis.map((k) => k.label)).toEqual(['Revenue', 'Gross margin %', 'Opex', 'New customers']);
    for (const kpi of reply.kpis) expect(kpi.delta).toMatch(/^((up|down) \d+\.\d%|flat) \(was .+\)$/);
    // Opex falling is good news; the KPI says so.
    const opex = reply.kpis.find((k) => k.label === 'Opex');
    expect(opex?.good).toBe(opex?.direction === 'down');

    const asked = await ask(askDeps(door.runtime), {
      text: 'revenue last week vs previous week',
      channel: 'test',
    });
    expect(asked.status).toBe('answer');
    expect(asked.summary).toContain(reply.kpis[0]?.value as string);

    expect(reply.context.join('\n')).toMatch(
      /top 3 regions by revenue last week — .*(North America|EMEA|APAC|LATAM)/,
    );
    expect(reply.chart?.url).toMatch(/\/charts\/[\w-]+\.png$/);
    const png = await fetch(reply.chart?.url as string);
    expect(png.headers.get('content-type')).toBe('image/png');

    const card = renderAdaptiveCard(reply);
    const validate = adaptiveCardValidator();
    expect(validate(card), JSON.stringify(validate.errors)).toBe(true);
    expect(JSON.stringify(card).length).toBeLessThan(28_000);
  });

  it('is posted once per place and period, however often it runs', async () => {
    const deps = { ...digestDeps(door.runtime), appDb: door.runtime.appDb, post: createPoster(door.runtime) };
    const targets = [{ channel: 'slack' as const, channelId: 'CDIGEST' }];
    const first = await runDigest(deps, weeklyFinance(), '2026-06-15', targets);
    const again = await runDigest(deps, weeklyFinance(), '2026-06-16', targets);
    expect(first.delivery?.posted).toEqual(['slack:CDIGEST']);
    expect(again.delivery).toMatchObject({ posted: [], alreadySent: ['slack:CDIGEST'] });
    const posts = door.api.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'CDIGEST',
    );
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]?.args.blocks)).toContain('"type":"image"');
    // The next week is a new period.
    const next = await runDigest(deps, weeklyFinance(), '2026-06-22', targets);
    expect(next.delivery?.posted).toEqual(['slack:CDIGEST']);
  });
});
