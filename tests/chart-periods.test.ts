/**
 * A compared time chart names its two lines by period. The chart had its own naming (the calendar
 * span a range lies in), so "this week vs last week" in November drew two lines both called
 * "Revenue Nov 2026" — a legend that can't be read. Lines are now named as the table's columns
 * are (period-words.ts columnPeriodName): two ranges with the same name are told apart by their
 * dates, and the chart and the table agree.
 */
import { describe, expect, it } from 'vitest';
import { type ChartInput, type ChartPeriod, chooseChart } from '../charts/choose.ts';
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import { addDays, type IsoDate } from '../semantic-catalog/dates.ts';
import { columnLabel } from '../skills/format.ts';
import { revenue } from './chart-columns.ts';
import { vegaLiteValidator } from './schemas.ts';

const previous: OutputColumn = { ...revenue, name: 'revenue_previous', role: 'previous' };
const change: OutputColumn = { ...revenue, name: 'revenue_change', role: 'change', format: 'percent' };

function compared(grain: 'day' | 'month', starts: IsoDate[], period: ChartPeriod): ChartInput {
  return {
    title: 'Revenue',
    fields: [{ name: grain, role: 'time', label: grain }, revenue, previous, change],
    rows: starts.map((d, i) => [d, 1000 + 50 * i, 900 + 40 * i, 5]),
    period,
  };
}

/** The names of the chart's lines, in the spec's own data. */
function lineNames(input: ChartInput): string[] {
  const choice = chooseChart(input);
  if (!choice) throw new Error('no chart chosen');
  const validate = vegaLiteValidator();
  expect(validate(choice.spec), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  const values = (choice.spec as { data: { values: { s: string }[] } }).data.values;
  return [...new Set(values.map((v) => v.s))];
}

const week = (from: IsoDate) => Array.from({ length: 7 }, (_, i) => addDays(from, i));

describe('the lines of a compared chart', () => {
  it('names two weeks of the same month apart, by their dates', () => {
    const period = {
      range: { from: '2026-11-09', to: '2026-11-16' },
      compared: { from: '2026-11-02', to: '2026-11-09' },
      today: '2026-11-16',
    };
    const names = lineNames(compared('day', week('2026-11-09'), period));
    expect(names).toEqual(['Revenue 9–15 Nov 2026', 'Revenue 2–8 Nov 2026']);
  });

  it.each([
    [
      'this week vs last week',
      { from: '2026-11-09', to: '2026-11-16' },
      { from: '2026-11-02', to: '2026-11-09' },
    ],
    [
      'a week against the same week a year earlier',
      { from: '2026-11-09', to: '2026-11-16' },
      { from: '2025-11-10', to: '2025-11-17' },
    ],
    [
      'this month so far against last month',
      { from: '2026-11-01', to: '2026-11-16' },
      { from: '2026-10-01', to: '2026-10-16' },
    ],
    [
      'this year so far against last year',
      { from: '2026-01-01', to: '2026-11-16' },
      { from: '2025-01-01', to: '2025-11-16' },
    ],
    [
      'a quarter against the one before',
      { from: '2026-07-01', to: '2026-10-01' },
      { from: '2026-04-01', to: '2026-07-01' },
    ],
  ])('%s: two different names, the same as the table’s columns', (_what, range, before) => {
    const period = { range, compared: before, today: '2026-11-16' };
    const input = compared('day', week(range.from), period);
    const names = lineNames(input);
    expect(names).toHaveLength(2);
    expect(names[0]).not.toBe(names[1]);
    expect(names).toEqual([
      columnLabel(revenue, input.fields, period),
      columnLabel(previous, input.fields, period),
    ]);
  });

  it('keeps the years of a year-over-year chart by month', () => {
    const period = {
      range: { from: '2026-01-01', to: '2026-06-01' },
      compared: { from: '2025-01-01', to: '2025-06-01' },
      today: '2026-06-15',
    };
    const months = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'];
    expect(lineNames(compared('month', months, period))).toEqual(['Revenue 2026', 'Revenue 2025']);
  });
});
