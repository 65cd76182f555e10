import { describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { alertReply, anomalyChartSpec, anomalySentence, drivers } from '../alerts/alert-reply.ts';
import type { Judgement } from '../alerts/detector.ts';
import { renderPng } from '../charts/render.ts';
import { adaptiveCardValidator, vegaLiteValidator } from './schemas.ts';

const spike: Judgement = {
  date: '2026-05-12',
  value: 412_000,
  expected: 130_000,
  low: 100_000,
  high: 170_000,
  score: 9.1,
  direction: 'up',
};

describe('alert replies', () => {
  it('say what happened in one sentence', () => {
    expect(anomalySentence('Opex', spike, 'currency')).toBe(
      'Opex on 12 May 2026 was $412K, 3.2× the expected $130K.',
    );
    const dip: Judgement = { ...spike, value: 90_000, direction: 'down' };
    expect(anomalySentence('Revenue', dip, 'currency')).toBe(
      'Revenue on 12 May 2026 was $90K, 31% below the expected $130K.',
    );
  });

  it('name the slices that explain most of the deviation', () => {
    const found = drivers(spike, [
      { slice: 'department = Operations', value: 300_000, expected: 30_000 },
      { slice: 'department = Sales', value: 40_000, expected: 38_000 },
      { slice: 'department = Marketing', value: 20_000, expected: 22_000 },
    ]);
    expect(found).toEqual([
      { slice: 'department = Operations', deviation: 270_000, share: expect.closeTo(0.957, 2) },
    ]);
  });

  it('draw the recent days with the expected band and the day highlighted, in a valid card', async () => {
    const recent: Judgement[] = Array.from({ length: 30 }, (_, i) => ({
      date: `2026-04-${String(i + 1).padStart(2, '0')}`,
      value: 130_000 + (i % 7) * 3000,
      expected: 130_000,
      low: 100_000,
      high: 170_000,
      score: 0,
      direction: 'up',
    }));
    recent.push(spike);
    const spec = anomalyChartSpec('Opex', recent, spike.date);
    expect(vegaLiteValidator()(spec)).toBe(true);
    const png = await renderPng(spec);
    expect(png.width).toBeGreaterThanOrEqual(600);
    const reply = alertReply({
      alert: 'daily-opex',
      label: 'Opex',
      format: 'currency',
      judgement: spike,
      drivers: [{ slice: 'department = Operations', deviation: 270_000, share: 0.96 }],
      chart: { url: 'https://x/charts/a.png', alt: 'Opex', title: 'Opex' },
    });
    const card = renderAdaptiveCard(reply);
    expect(adaptiveCardValidator()(card)).toBe(true);
    expect(JSON.stringify(card)).toContain(
      'Likely drivers — department = Operations: +$270K (96% of the difference)',
    );
  });
});
