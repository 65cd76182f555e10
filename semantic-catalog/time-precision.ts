/**
 * Facts dated more coarsely than a day (a year and a month name, so `time_precision: month`): every
 * such row stands at the start of its month, so a grain or a period that cuts through a month
 * would count whole months as if they were days. Those are refused in words, never answered.
 *
 *   grain:  made of whole periods of the precision (by month, quarter, year over monthly facts)
 *   period: starts at a period's start, and ends at one — or after today, where the period in
 *           progress holds only what has happened so far ("this month", "YTD", "since March")
 */
import { addDays, type IsoDate, startOf } from './dates.ts';
import { datesWords } from './period-words.ts';
import type { TimeRange } from './query.ts';
import type { Grain } from './schema.ts';

const FINER: Record<Grain, Grain[]> = {
  day: [],
  week: ['day'],
  month: ['day', 'week'],
  quarter: ['day', 'week', 'month'],
  year: ['day', 'week', 'month', 'quarter'],
};

/** Whether each bucket of the grain is made of whole periods of the precision. */
export function grainWithin(grain: Grain, precision: Grain): boolean {
  return grain === precision || precision === 'day' || FINER[grain].includes(precision);
}

/** Whether the range covers whole periods of the precision (its last one may be the one in progress). */
export function rangeWithin(
  range: { from: IsoDate; to: IsoDate },
  precision: Grain,
  today: IsoDate,
): boolean {
  if (precision === 'day') return true;
  const aligned = (date: IsoDate) => startOf(precision, date) === date;
  return aligned(range.from) && (aligned(range.to) || range.to > today);
}

const PLURAL: Record<Grain, string> = {
  day: 'days',
  week: 'weeks',
  month: 'months',
  quarter: 'quarters',
  year: 'years',
};

const EXAMPLES: Record<Grain, string> = {
  day: '',
  week: '“last week”, “the last 4 weeks”',
  month: '“last month”, “the last 3 months”, “in 2025”',
  quarter: '“last quarter”, “in Q1 2025”, “in 2025”',
  year: '“last year”, “in 2025”',
};

/**
 * Why the question asks finer time than `label`'s facts are dated to, or undefined when it doesn't.
 * `ranges` are every period the query reads (the current one, and a comparison's).
 */
export function timePrecisionProblem(
  label: string,
  precision: Grain,
  grain: Grain | undefined,
  ranges: (TimeRange | undefined)[],
  today: IsoDate,
): string | undefined {
  if (precision === 'day') return undefined;
  const dated = `${label} is dated only to the ${precision}`;
  if (grain && !grainWithin(grain, precision)) {
    const coarser = (['day', 'week', 'month', 'quarter', 'year'] as const).filter((g) =>
      grainWithin(g, precision),
    );
    return `${dated}, so I can’t show it by ${grain}; ask by ${coarser.join(', ').replace(/, ([^,]*)$/, ' or $1')}.`;
  }
  for (const range of ranges) {
    if (!range || rangeWithin(range, precision, today)) continue;
    const days = datesWords({ from: range.from, to: range.to > today ? addDays(today, 1) : range.to });
    const said = range.label.replace(/\s*\([^)]*\)$/, '');
    return `${dated}, so I can’t answer for ${said} (${days}): that cuts through a ${precision}. Ask for whole ${PLURAL[precision]}, e.g. ${EXAMPLES[precision]}.`;
  }
  return undefined;
}
