/** Calendar dates as `YYYY-MM-DD` strings, computed in UTC so no time zone shifts a day. */

export type IsoDate = string;

export function parseIso(date: IsoDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function toIso(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

export function isIsoDate(text: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(text) &&
    !Number.isNaN(parseIso(text).getTime()) &&
    toIso(parseIso(text)) === text
  );
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = parseIso(date);
  d.setUTCDate(d.getUTCDate() + days);
  return toIso(d);
}

/** Adds months, clamping the day to the target month's length (Mar 31 − 1 month = Feb 28). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const d = parseIso(date);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return toIso(d);
}

export function addYears(date: IsoDate, years: number): IsoDate {
  return addMonths(date, 12 * years);
}

/** Whole days from a to b. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((parseIso(b).getTime() - parseIso(a).getTime()) / 86_400_000);
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(date: IsoDate): number {
  return (parseIso(date).getUTCDay() + 6) % 7;
}

export type Period = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** First day of the period holding `date` (weeks start on Monday). */
export function startOf(period: Period, date: IsoDate): IsoDate {
  const [y, m] = date.split('-').map(Number) as [number, number];
  switch (period) {
    case 'day':
      return date;
    case 'week':
      return addDays(date, -weekday(date));
    case 'month':
      return `${y}-${String(m).padStart(2, '0')}-01`;
    case 'quarter':
      return `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    case 'year':
      return `${y}-01-01`;
  }
}

export function addPeriods(period: Period, date: IsoDate, n: number): IsoDate {
  switch (period) {
    case 'day':
      return addDays(date, n);
    case 'week':
      return addDays(date, 7 * n);
    case 'month':
      return addMonths(date, n);
    case 'quarter':
      return addMonths(date, 3 * n);
    case 'year':
      return addYears(date, n);
  }
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function monthName(month: number): string {
  return MONTHS[month - 1] ?? '';
}

/**
 * The start of a range open to the past ("before 2025", "up to March 2025"): earlier than any
 * data, so the range holds everything up to its end.
 */
export const OPEN_START: IsoDate = '0001-01-01';

/** "12 May 2026". */
export function formatDay(date: IsoDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${d} ${monthName(m).slice(0, 3)} ${y}`;
}
