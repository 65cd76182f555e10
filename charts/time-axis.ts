/**
 * One label format per grain, whatever the range (vega's own multi-format mixed "Wed 30", "Thu 08"
 * and "November" on one axis):
 *   day, week → "8 Nov" (a week by its first day); on a multi-year axis the year under the day where it changes
 *   month     → "Jan 2025"
 *   quarter   → "Q1 2025"
 *   year      → "2025"
 * Day and week ticks are chosen here, not by vega, so every tick is a date the label names exactly.
 */
import {
  addMonths,
  daysBetween,
  type IsoDate,
  monthName,
  type Period,
  weekday,
} from '../semantic-catalog/dates.ts';
import { bucketName } from '../semantic-catalog/period-words.ts';

/** As many "28 Dec" labels as fit across the plot (about 0.6 em a character), with a gap between; 3 to 8. */
export function maxDateTicks(plotWidth: number, fontSize: number): number {
  return Math.max(3, Math.min(8, Math.floor(plotWidth / (0.6 * fontSize * 6 + 24))));
}

const parts = (date: IsoDate) => date.split('-').map(Number) as [number, number, number];
const short = (month: number) => monthName(month).slice(0, 3);

/** A bucket's label, from its first day: as in tables, but a day or week is just "8 Nov" here. */
export function bucketLabel(date: IsoDate, grain: Period): string {
  if (grain === 'year' || grain === 'quarter' || grain === 'month') return bucketName(date, grain, 'table');
  const [, m, d] = parts(date);
  return `${d} ${short(m)}`;
}

export interface DateTicks {
  dates: IsoDate[];
  /** One line, or two when the year goes under the day ("1 Jan" over "2026"). */
  labels: (string | [string, string])[];
}

/** Ticks for a day or week axis: few enough to read, each on a day a person would pick. */
export function dateTicks(dates: IsoDate[], grain: 'day' | 'week', max: number): DateTicks {
  const sorted = [...new Set(dates)].sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return { dates: [], labels: [] };
  const days = daysBetween(first, last) + 1;
  let ticks: IsoDate[];
  if (grain === 'week') ticks = everyNth(sorted, [1, 2, 4, 8, 13, 26, 52], max);
  else if (days <= max) ticks = sorted;
  else if (days <= 2 * max) ticks = everyNth(sorted, [2], max);
  else if (days <= 14 * max) ticks = mondays(sorted, days <= 7 * max ? 1 : 2);
  else ticks = monthStarts(first, last, max);
  const multiYear = parts(first)[0] !== parts(last)[0];
  const labels = ticks.map((date, i) => {
    const label = bucketLabel(date, 'day');
    const yearChanged = i === 0 || parts(date)[0] !== parts(ticks[i - 1] as IsoDate)[0];
    return multiYear && yearChanged ? ([label, String(parts(date)[0])] as [string, string]) : label;
  });
  return { dates: ticks, labels };
}

function everyNth(sorted: IsoDate[], steps: number[], max: number): IsoDate[] {
  const step = steps.find((n) => Math.ceil(sorted.length / n) <= max) ?? steps.at(-1) ?? 1;
  return sorted.filter((_, i) => i % step === 0);
}

/** Weeks start on Monday, as the warehouse's weeks do. */
function mondays(sorted: IsoDate[], every: number): IsoDate[] {
  return sorted.filter((d) => weekday(d) === 0).filter((_, i) => i % every === 0);
}

function monthStarts(first: IsoDate, last: IsoDate, max: number): IsoDate[] {
  for (const step of [1, 2, 3, 6, 12, 24, 60]) {
    const ticks: IsoDate[] = [];
    const [y, m] = parts(first);
    let date = `${y}-${String(m).padStart(2, '0')}-01`;
    if (date < first) date = addMonths(date, 1);
    // Align to calendar quarters and years, so ticks read Jan, Apr, Jul, Oct rather than Feb, May…
    while ((parts(date)[1] - 1) % Math.min(step, 12) !== 0) date = addMonths(date, 1);
    for (; date <= last; date = addMonths(date, step)) ticks.push(date);
    if (ticks.length <= max) return ticks;
  }
  return [first];
}

/** Too many month or quarter labels for the width: keep every nth, starting with the first. */
export function thinLabels(labels: string[], max: number): string[] {
  const step = Math.ceil(labels.length / max);
  return labels.filter((_, i) => i % step === 0);
}
