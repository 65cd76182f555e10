/**
 * Periods and time buckets in words, one wording for every door: "January 2025" in a sentence and
 * "Jan 2025" in a table, "Q1 2025", "week of 9 Nov 2026", and a range by its inclusive dates
 * ("9–15 Nov 2026") although ranges are half-open inside. A range that runs past the data says
 * where the data stops ("2026 to date, data through 27 Nov 2026"), so a period that counts today
 * is never read as a full one.
 */
import {
  addDays,
  addPeriods,
  formatDay,
  type IsoDate,
  monthName,
  OPEN_START,
  type Period,
  startOf,
} from './dates.ts';

/** A half-open range of days: `to` is the day after the last. */
export interface DateSpan {
  from: IsoDate;
  to: IsoDate;
}

/** The first and last day a metric's time column has data for. */
export interface DataExtent {
  first: IsoDate;
  last: IsoDate;
  /** Facts dated only to the month (or coarser): `first` and `last` are the first and last periods' bounds. */
  precision?: Period;
}

/** A bound of the data in words: "27 Nov 2026", or "November 2026" for facts dated only to the month. */
function extentDay(extent: DataExtent, date: IsoDate): string {
  const precision = extent.precision;
  return precision && precision !== 'day' ? bucketName(startOf(precision, date), precision) : formatDay(date);
}

const PERIODS: readonly Period[] = ['day', 'week', 'month', 'quarter', 'year'];

export function isPeriod(name: string): name is Period {
  return (PERIODS as readonly string[]).includes(name);
}

const parts = (date: IsoDate) => date.split('-').map(Number) as [number, number, number];
const short = (month: number) => monthName(month).slice(0, 3);

/** A time bucket by its first day; tables take the short month ("Jan 2025"). */
export function bucketName(date: IsoDate, grain: Period, style: 'sentence' | 'table' = 'sentence'): string {
  const [y, m] = parts(date);
  switch (grain) {
    case 'year':
      return String(y);
    case 'quarter':
      return `Q${Math.floor((m - 1) / 3) + 1} ${y}`;
    case 'month':
      return `${style === 'table' ? short(m) : monthName(m)} ${y}`;
    case 'week':
      return `week of ${formatDay(date)}`;
    case 'day':
      return formatDay(date);
  }
}

/** "9 Nov 2026", "9–15 Nov 2026", "1 Jan – 31 Mar 2026", "15 Dec 2025 – 14 Jan 2026". */
export function datesWords(span: DateSpan): string {
  const last = addDays(span.to, -1);
  if (span.from === OPEN_START) return `up to ${formatDay(last)}`;
  if (last <= span.from) return formatDay(span.from);
  const [fy, fm, fd] = parts(span.from);
  const [ly, lm, ld] = parts(last);
  if (fy !== ly) return `${formatDay(span.from)} – ${formatDay(last)}`;
  if (fm !== lm) return `${fd} ${short(fm)} – ${ld} ${short(lm)} ${ly}`;
  return `${fd}–${ld} ${short(lm)} ${ly}`;
}

/** The calendar period a range starts, and whether the range is all of it (Q1 2025) or its start (2026 so far). */
export function calendarPeriod(span: DateSpan): { grain: Period; whole: boolean } | undefined {
  for (const grain of PERIODS) {
    if (startOf(grain, span.from) !== span.from) continue;
    const end = addPeriods(grain, span.from, 1);
    if (span.to <= end) return { grain, whole: span.to === end };
  }
  return undefined;
}

/** A whole month, quarter or year by its name; anything else (weeks too) by its dates. */
export function periodName(span: DateSpan): string {
  const period = calendarPeriod(span);
  return period?.whole && ['month', 'quarter', 'year', 'day'].includes(period.grain)
    ? bucketName(span.from, period.grain)
    : datesWords(span);
}

/**
 * A column or legend name for the range: the calendar period it starts ("2026" for this year so far,
 * "Jan 2025", "Q1 2025"), else its dates. Two ranges set side by side are named apart by their dates.
 */
export function columnPeriodName(span: DateSpan, other?: DateSpan): string {
  const name = (s: DateSpan) => {
    const period = calendarPeriod(s);
    return period && period.grain !== 'day' && period.grain !== 'week'
      ? bucketName(s.from, period.grain, 'table')
      : datesWords(s);
  };
  return other && name(other) === name(span) ? datesWords(span) : name(span);
}

/** Whether the data ends inside the range: its last days have nothing yet (today, this month so far). */
export function endsBeforeData(span: DateSpan, extent: DataExtent | undefined): boolean {
  return !!extent && extent.last >= span.from && extent.last < addDays(span.to, -1);
}

/** Whether the range holds no day of the data at all (before the data starts, or after it ends). */
export function outsideData(span: DateSpan, extent: DataExtent | undefined): boolean {
  return !!extent && (span.to <= extent.first || span.from > extent.last);
}

/** What the data holds of a range, when not all of it: "data through 27 Nov 2026", "data from 1 Jan 2024". */
export function dataNote(span: DateSpan, extent: DataExtent | undefined): string {
  if (!extent || outsideData(span, extent)) return '';
  const from = extent.first > span.from ? `from ${extentDay(extent, extent.first)}` : '';
  const through = endsBeforeData(span, extent) ? `through ${extentDay(extent, extent.last)}` : '';
  return from || through ? `data ${[from, through].filter(Boolean).join(' ')}` : '';
}

/**
 * The range's days with what the data holds of them: "1 Jan – 31 Dec 2025",
 * "2026 to date, data through 27 Nov 2026", "1 Jan 2023 – 31 Dec 2025, data from 1 Jan 2024".
 * `name` says a whole month, quarter or year by its name instead of its dates.
 */
export function rangeWords(span: DateSpan, extent?: DataExtent, name = false): string {
  const note = dataNote(span, extent);
  // "to date": everything up to today, said by what the data holds.
  if (span.from === OPEN_START && endsBeforeData(span, extent)) return note;
  let days = name ? periodName(span) : datesWords(span);
  if (endsBeforeData(span, extent)) {
    const period = calendarPeriod(span);
    days = `${period ? bucketName(span.from, period.grain) : formatDay(span.from)} to date`;
  }
  return note ? `${days}, ${note}` : days;
}

/** All of the data's days: "1 Jan 2024 – 27 Nov 2026" ("January 2021 – April 2026" by the month). */
export function dataWords(extent: DataExtent): string {
  if (extent.precision && extent.precision !== 'day')
    return `${extentDay(extent, extent.first)} – ${extentDay(extent, extent.last)}`;
  return datesWords({ from: extent.first, to: addDays(extent.last, 1) });
}
