/**
 * Issue 18, charts: what a newcomer tripped over, checked on the rendered SVG and PNG.
 * - A daily axis mixed "Wed 30", "Thu 08" and "November" (vega's own multi-format): one format per grain.
 * - GM% bar labels had no "%": every label and axis tick carries the metric's unit.
 * - The year-over-year legend said "Revenue (previous)": each line is named by its period.
 * - This month so far was drawn like a full month: its segment is dashed and the legend says "to date".
 * - In a Teams card the chart was shrunk until 12 px text showed at 8 px: the card image is drawn at
 *   the card's width (540 px at 2×).
 */
import { describe, expect, it } from 'vitest';
import { CARD_SIZE, type ChartInput, type ChartPeriod, chooseChart, FULL_SIZE } from '../charts/choose.ts';
import { isPartialBucket } from '../charts/periods.ts';
import { renderPng, renderSvg } from '../charts/render.ts';
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import { addDays, type IsoDate } from '../semantic-catalog/dates.ts';
import { revenue } from './chart-columns.ts';
import { axisLabels, fontSizes, legendLabels, pngSize, valueLabels } from './chart-svg.ts';
import { vegaLiteValidator } from './schemas.ts';

const DAY_MONTH = /^([1-9]|[12]\d|3[01]) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)( \d{4})?$/;
const time = (grain: string): OutputColumn => ({ name: grain, role: 'time', label: grain });

function days(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Every spec drawn here is also checked against vega-lite's own JSON schema. */
async function draw(input: ChartInput, size = CARD_SIZE) {
  const choice = chooseChart(input, size);
  if (!choice) throw new Error('no chart chosen');
  const validate = vegaLiteValidator();
  expect(validate(choice.spec), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  return { choice, svg: await renderSvg(choice.spec) };
}

function series(grain: string, dates: IsoDate[], period?: ChartPeriod): ChartInput {
  return {
    title: 'Revenue',
    fields: [time(grain), revenue],
    rows: dates.map((d, i) => [d, 1000 + 37 * i]),
    period,
  };
}

describe('time axes: one unambiguous format per grain', () => {
  it('a daily axis reads "3 Nov" on every tick, on Mondays for five weeks (every other one on a card)', async () => {
    const dates = days('2025-10-20', '2025-11-25');
    const full = axisLabels((await draw(series('day', dates), FULL_SIZE)).svg, 'X');
    expect(full).toEqual(['20 Oct', '27 Oct', '3 Nov', '10 Nov', '17 Nov', '24 Nov']);
    const card = axisLabels((await draw(series('day', dates), CARD_SIZE)).svg, 'X');
    expect(card).toEqual(['20 Oct', '3 Nov', '17 Nov']);
  });

  it('every daily tick is "day month", whatever the span, and a year is added only where it changes', async () => {
    for (const [from, to] of [
      ['2025-11-01', '2025-11-05'],
      ['2025-11-01', '2025-11-12'],
      ['2025-03-01', '2025-11-30'],
      ['2025-10-01', '2026-03-31'],
    ] as const) {
      const labels = axisLabels((await draw(series('day', days(from, to)))).svg, 'X');
      expect(labels.length, `${from}…${to}`).toBeGreaterThanOrEqual(2);
      expect(labels.length).toBeLessThanOrEqual(8);
      for (const label of labels) expect(label, `${from}…${to}`).toMatch(DAY_MONTH);
    }
    const across = axisLabels((await draw(series('day', days('2025-10-01', '2026-03-31')))).svg, 'X');
    expect(across.filter((l) => /\d{4}$/.test(l))).toEqual(['1 Nov 2025', '1 Jan 2026']);
  });

  it('weeks are labelled by their first day (a Monday)', async () => {
    const mondays = Array.from({ length: 6 }, (_, i) => addDays('2025-11-03', 7 * i));
    const labels = axisLabels((await draw(series('week', mondays), FULL_SIZE)).svg, 'X');
    expect(labels).toEqual(['3 Nov', '10 Nov', '17 Nov', '24 Nov', '1 Dec', '8 Dec']);
  });

  it('months read "Jan 2025", quarters "Q1 2025", years "2025"', async () => {
    const months = ['2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01'];
    expect(axisLabels((await draw(series('month', months))).svg, 'X')).toEqual([
      'Nov 2025',
      'Dec 2025',
      'Jan 2026',
      'Feb 2026',
    ]);
    const quarters = ['2025-07-01', '2025-10-01', '2026-01-01'];
    expect(axisLabels((await draw(series('quarter', quarters))).svg, 'X')).toEqual([
      'Q3 2025',
      'Q4 2025',
      'Q1 2026',
    ]);
    expect(axisLabels((await draw(series('year', ['2024-01-01', '2025-01-01']))).svg, 'X')).toEqual([
      '2024',
      '2025',
    ]);
  });
});

describe("every number carries the metric's unit", () => {
  const byCategory = (metric: OutputColumn, values: number[]): ChartInput => ({
    title: `${metric.label} by category`,
    fields: [{ name: 'category', role: 'dimension', label: 'Category' }, metric],
    rows: values.map((v, i) => [`Category ${i + 1}`, v]),
  });

  it('percent: bar labels and axis ticks end in %', async () => {
    const gm: OutputColumn = {
      name: 'gm',
      role: 'metric',
      label: 'Gross margin %',
      format: 'percent',
      metric: 'gm',
    };
    const { svg } = await draw(byCategory(gm, [42.13, 38.2, 12.5]));
    expect(valueLabels(svg)).toEqual(['42.1%', '38.2%', '12.5%']);
    const ticks = axisLabels(svg, 'X');
    expect(ticks.length).toBeGreaterThan(2);
    for (const tick of ticks) expect(tick).toMatch(/^\d+(\.\d)?%$/);
  });

  it('currency: a dollar sign and a readable scale on labels and ticks', async () => {
    const { svg } = await draw(byCategory(revenue, [2_450_000, 1_200_000_000, 950]));
    expect(valueLabels(svg)).toEqual(['$2.45M', '$1.2B', '$950']);
    for (const tick of axisLabels(svg, 'X')) expect(tick).toMatch(/^\$[\d.]+[kMB]?$/);
  });

  it('counts: whole numbers, no currency and no percent', async () => {
    const orders: OutputColumn = {
      name: 'orders',
      role: 'metric',
      label: 'Orders',
      format: 'integer',
      metric: 'orders',
    };
    const { svg } = await draw(byCategory(orders, [1234, 56]));
    expect(valueLabels(svg)).toEqual(['1.23k', '56']);
    expect(axisLabels(svg, 'Y')).toEqual(['Category 1', 'Category 2']);
  });
});

describe('periods: named, and a period not over is marked', () => {
  const previous: OutputColumn = {
    ...revenue,
    name: 'revenue_previous',
    role: 'previous',
    label: 'Revenue (previous)',
  };
  const months = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01'];
  const yoy = (period: ChartPeriod): ChartInput => ({
    title: 'Revenue by month',
    fields: [time('month'), revenue, previous],
    rows: months
      .filter((m) => m < (period.range?.to ?? period.today))
      .map((m, i) => [m, 100_000 + 5000 * i, 90_000 + 4000 * i]),
    period,
  });

  it('a year-over-year legend names both years, never "(previous)"', async () => {
    const { svg } = await draw(
      yoy({
        range: { from: '2026-01-01', to: '2026-06-01' },
        compared: { from: '2025-01-01', to: '2025-06-01' },
        today: '2026-06-15',
      }),
    );
    expect(legendLabels(svg)).toEqual(['Revenue 2026', 'Revenue 2025']);
    expect(svg).not.toContain('(previous)');
  });

  it('this month so far: its segment is dashed and the legend says "Jun 2026 to date"', async () => {
    const { choice, svg } = await draw(
      yoy({
        range: { from: '2026-01-01', to: '2026-06-16' },
        compared: { from: '2025-01-01', to: '2025-06-16' },
        today: '2026-06-15',
      }),
    );
    expect(legendLabels(svg)).toEqual(['Revenue 2026', 'Revenue 2025', 'Jun 2026 to date']);
    const values = (choice.spec as { data: { values: { t: string; s: string; part: string }[] } }).data
      .values;
    const dashed = values
      .filter((v) => v.part === 'Jun 2026 to date' && v.s === 'Revenue 2026')
      .map((v) => v.t);
    // The dashed segment runs from the last full month into the partial one; no earlier month is dashed.
    expect(dashed).toEqual(['2026-05-01', '2026-06-01']);
    const strokeDash = (
      choice.spec as { encoding: { strokeDash: { scale: { domain: string[]; range: number[][] } } } }
    ).encoding.strokeDash;
    expect(strokeDash.scale.domain).toEqual(['complete', 'Jun 2026 to date']);
    expect(strokeDash.scale.range[1]).not.toEqual([1, 0]);
    expect(svg).toMatch(/stroke-dasharray="5,4"/);
  });

  it('a closed range draws solid lines and no "to date"', async () => {
    const { choice, svg } = await draw(
      series('month', months.slice(0, 5), {
        range: { from: '2026-01-01', to: '2026-06-01' },
        today: '2026-06-15',
      }),
    );
    expect(svg).not.toContain('to date');
    expect(svg).not.toMatch(/stroke-dasharray="5,4"/);
    expect(choice.alt).not.toContain('not a full');
  });

  it('with no range asked, the month holding today is the partial one', async () => {
    const { svg } = await draw(series('month', months, { today: '2026-06-15' }));
    expect(legendLabels(svg)).toEqual(['Jun 2026 to date']);
  });

  it.each([
    ['2026-06-01', 'month', { from: '2026-06-01', to: '2026-06-16' }, true],
    ['2026-05-01', 'month', { from: '2026-05-01', to: '2026-06-01' }, false],
    ['2026-06-14', 'day', undefined, false],
    ['2026-06-15', 'day', undefined, true],
    ['2026-04-01', 'quarter', undefined, true],
    ['2026-01-01', 'quarter', undefined, false],
  ] as const)('bucket %s (%s) partial on 2026-06-15 with range %o: %s', (start, grain, range, partial) => {
    expect(isPartialBucket(start, grain, { range, today: '2026-06-15' })).toBe(partial);
  });
});

describe('sizes: the card image is drawn at the size the card shows it', () => {
  const input = series('day', days('2026-05-01', '2026-06-14'), { today: '2026-06-15' });

  it('card: 540 px wide at 2× (1,080 px), no text under 12 px; full: the larger image', async () => {
    const card = chooseChart(input, CARD_SIZE);
    const full = chooseChart(input, FULL_SIZE);
    if (!card || !full) throw new Error('no chart chosen');
    expect(pngSize((await renderPng(card.spec)).png).width).toBe(1080);
    expect(pngSize((await renderPng(full.spec)).png).width).toBeGreaterThan(1300);
    const sizes = fontSizes(await renderSvg(card.spec));
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
  });

  it('a bar chart with long names still fits the card exactly', async () => {
    const long: ChartInput = {
      title: 'Revenue by product',
      fields: [{ name: 'product', role: 'dimension', label: 'Product' }, revenue],
      rows: Array.from({ length: 12 }, (_, i) => [
        `A rather long product name number ${i + 1}`,
        1000 * (i + 1),
      ]),
    };
    const card = chooseChart(long, CARD_SIZE);
    if (!card) throw new Error('no chart chosen');
    expect(pngSize((await renderPng(card.spec)).png).width).toBe(1080);
  });
});
