import { describe, expect, it } from 'vitest';
import { OPEN_START } from '../semantic-catalog/dates.ts';
import { readTimeWords } from '../semantic-catalog/understand/time-words.ts';

const NOW = '2026-06-15'; // a Monday
const range = (text: string) => {
  const t = readTimeWords(text, NOW).time;
  return t ? [t.from, t.to] : undefined;
};

describe('time words (half-open ranges relative to the clock)', () => {
  it.each([
    ['today', ['2026-06-15', '2026-06-16']],
    ['yesterday', ['2026-06-14', '2026-06-15']],
    ['2 months ago', ['2026-04-01', '2026-05-01']],
    ['3 days ago', ['2026-06-12', '2026-06-13']],
    ['the 3 months before june 2025', ['2025-03-01', '2025-06-01']],
    ['in december of last year', ['2025-12-01', '2026-01-01']],
    ['march this year', ['2026-03-01', '2026-04-01']],
    ['this week', ['2026-06-15', '2026-06-16']],
    ['this month', ['2026-06-01', '2026-06-16']],
    ['mtd', ['2026-06-01', '2026-06-16']],
    ['qtd', ['2026-04-01', '2026-06-16']],
    ['ytd', ['2026-01-01', '2026-06-16']],
    ['year to date', ['2026-01-01', '2026-06-16']],
    ['last week', ['2026-06-08', '2026-06-15']],
    ['last month', ['2026-05-01', '2026-06-01']],
    ['last quarter', ['2026-01-01', '2026-04-01']],
    ['last year', ['2025-01-01', '2026-01-01']],
    ['last 30 days', ['2026-05-16', '2026-06-15']],
    ['last 4 weeks', ['2026-05-18', '2026-06-15']],
    ['for the last 6 months', ['2025-12-01', '2026-06-01']],
    ['past two quarters', ['2025-10-01', '2026-04-01']],
    ['in 2025', ['2025-01-01', '2026-01-01']],
    ['in q1 2026', ['2026-01-01', '2026-04-01']],
    ['in march 2025', ['2025-03-01', '2025-04-01']],
    ['in h1 2025', ['2025-01-01', '2025-07-01']],
    ['the second half of last year', ['2025-07-01', '2026-01-01']],
    ['h2', ['2025-07-01', '2026-01-01']],
    ['the first quarter of 2023', ['2023-01-01', '2023-04-01']],
    ['1st quarter 2023', ['2023-01-01', '2023-04-01']],
    ['q1 of 2023', ['2023-01-01', '2023-04-01']],
    ['the week of 3 june 2026', ['2026-06-01', '2026-06-08']],
    ['from 1 jan 2025 to 31 mar 2025 inclusive', ['2025-01-01', '2025-04-01']],
    ['from 1 jan 2025 to 31 mar 2025 exclusive', ['2025-01-01', '2025-03-31']],
    ['the previous iso week', ['2026-06-08', '2026-06-15']],
    ['in the year 2020', ['2020-01-01', '2021-01-01']],
    ['the last 6 months not including the current month', ['2025-12-01', '2026-06-01']],
    ['the last 3 months including the current month', ['2026-04-01', '2026-06-16']],
    ['past 7 days including today', ['2026-06-09', '2026-06-16']],
    ['the past 6 calendar months', ['2025-12-01', '2026-06-01']],
    ['in march', ['2026-03-01', '2026-04-01']],
    ['in september', ['2025-09-01', '2025-10-01']],
    ['since 2026-03-01', ['2026-03-01', '2026-06-16']],
    ['from 2026-01-01 to 2026-01-31', ['2026-01-01', '2026-02-01']],
    ['between 3 march 2025 and 9 march 2025', ['2025-03-03', '2025-03-10']],
    ['on 2026-06-10', ['2026-06-10', '2026-06-11']],
    ['on march 3 2026', ['2026-03-03', '2026-03-04']],
  ])('%s', (text, expected) => {
    expect(range(text)).toEqual(expected);
  });

  it('no time words: all the data', () => {
    expect(range('revenue by region')).toBeUndefined();
  });

  it('reads grains and leaves the rest of the text', () => {
    expect(readTimeWords('monthly revenue in 2025', NOW)).toMatchObject({ grain: 'month', rest: 'revenue' });
    expect(readTimeWords('revenue per day last week', NOW).grain).toBe('day');
    expect(readTimeWords('weekly orders', NOW).grain).toBe('week');
    expect(readTimeWords('revenue by quarter', NOW).grain).toBe('quarter');
    expect(readTimeWords('revenue over the years', NOW)).toMatchObject({ grain: 'year', rest: 'revenue' });
    expect(readTimeWords('orders across the quarters', NOW).grain).toBe('quarter');
    expect(readTimeWords('monthly revenue over the years', NOW)).toMatchObject({
      grain: 'month',
      rest: 'revenue',
    });
  });

  it('reads "how did it change over the years" as the yearly series, not this year against the last', () => {
    const read = readTimeWords('how did revenue change over the years', NOW);
    expect(read).toMatchObject({ grain: 'year', rest: 'how did revenue' });
    expect(read.time).toBeUndefined();
    expect(read.compare).toBeUndefined();
  });

  it('compares with the same range a year earlier, or the period before', () => {
    expect(readTimeWords('ytd revenue vs last year', NOW)).toMatchObject({
      time: { from: '2026-01-01', to: '2026-06-16' },
      compare: { kind: 'previous_year', range: { from: '2025-01-01', to: '2025-06-16' } },
    });
    expect(readTimeWords('revenue last month vs previous period', NOW).compare?.range).toMatchObject({
      from: '2026-04-01',
      to: '2026-05-01',
    });
    expect(readTimeWords('revenue last 30 days vs prior period', NOW).compare?.range).toMatchObject({
      from: '2026-04-16',
      to: '2026-05-16',
    });
  });

  it.each([
    // Open to the past: everything up to the end (earlier than any data), never the named period alone.
    ['revenue up to march 2025', [OPEN_START, '2025-04-01']],
    ['revenue before 2025', [OPEN_START, '2025-01-01']],
    ['revenue prior to 2025', [OPEN_START, '2025-01-01']],
    ['revenue until the end of 2025', [OPEN_START, '2026-01-01']],
    ['orders on or before 2025-03-01', [OPEN_START, '2025-03-02']],
    ['revenue as of today', [OPEN_START, '2026-06-16']],
    ['revenue to date', [OPEN_START, '2026-06-16']],
    // Open to today.
    ['revenue after march 2025', ['2025-04-01', '2026-06-16']],
    ['orders on or after 2025-03-01', ['2025-03-01', '2026-06-16']],
    ['revenue since the start of 2025', ['2025-01-01', '2026-06-16']],
    ['revenue from 2024 onwards', ['2024-01-01', '2026-06-16']],
    ['revenue from 2025 to date', ['2025-01-01', '2026-06-16']],
    ['revenue from 6 months ago until today', ['2025-12-15', '2026-06-16']],
    ['orders within the last 6 months from today', ['2025-12-15', '2026-06-16']],
    ['orders in the last 30 days (inclusive of today)', ['2026-05-17', '2026-06-16']],
    // Explicit ranges, however the days are written.
    ['between jan 1, 2025 and mar 31, 2025 (inclusive of start and end dates)', ['2025-01-01', '2025-04-01']],
    ['between january 1st and march 31st 2025', ['2025-01-01', '2025-04-01']],
    ['from 2025 jan 1 to 2025 mar 31', ['2025-01-01', '2025-04-01']],
    ['between 1/1/2025 and 3/31/2025', ['2025-01-01', '2025-04-01']],
    ['on 13/4/2025', ['2025-04-13', '2025-04-14']],
    ['in the first 3 months of 2025', ['2025-01-01', '2025-04-01']],
    ['in the last 3 months of 2024', ['2024-10-01', '2025-01-01']],
    ['revenue from march to may', ['2026-03-01', '2026-06-01']],
    ['revenue between march and may 2025', ['2025-03-01', '2025-06-01']],
    ['revenue from november to february', ['2025-11-01', '2026-03-01']],
    ['total revenue for the first half of the year', ['2026-01-01', '2026-07-01']],
  ])('%s', (text, expected) => expect(range(text)).toEqual(expected));

  it('does not guess which way round a slashed date is written', () => {
    expect(range('revenue on 3/4/2025')).toBeUndefined();
    expect(range('revenue between 1/2/2025 and 2/3/2025')).toBeUndefined();
  });

  it('a bare "from 2025" names the year, not everything since', () => {
    expect(range('revenue from 2025')).toEqual(['2025-01-01', '2026-01-01']);
  });

  it('does not read the verb "may" as a month', () => {
    expect(range('what may revenue be')).toBeUndefined();
    expect(range('revenue in may')).toEqual(['2026-05-01', '2026-06-01']);
  });
});
