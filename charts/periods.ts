/**
 * What a time chart knows about its periods: which bucket is not over yet, and what to call the
 * range asked and the range compared ("Revenue 2026" against "Revenue 2025").
 */
import { addPeriods, type IsoDate, monthName, type Period, startOf } from '../semantic-catalog/dates.ts';

export interface DateSpan {
  /** Inclusive. */
  from: IsoDate;
  /** Exclusive. */
  to: IsoDate;
}

/** The answer's time range and comparison, and the day it was asked. */
export interface ChartPeriod {
  range?: DateSpan;
  compared?: DateSpan;
  today: IsoDate;
}

export const GRAINS: readonly Period[] = ['day', 'week', 'month', 'quarter', 'year'];

export function isGrain(name: string): name is Period {
  return (GRAINS as readonly string[]).includes(name);
}

/**
 * A bucket is partial when it ends after the data it can hold: after the range asked (this month
 * so far) or after today (the period holding today has not ended, and today has no data yet).
 */
export function isPartialBucket(start: IsoDate, grain: Period, period: ChartPeriod | undefined): boolean {
  if (!period) return false;
  const end = addPeriods(grain, startOf(grain, start), 1);
  const cutoff = period.range && period.range.to < period.today ? period.range.to : period.today;
  return end > cutoff;
}

/** The range compared is cut where the range asked is cut ("the same days a year earlier"). */
export function isPartialComparedBucket(start: IsoDate, grain: Period, period: ChartPeriod | undefined) {
  if (!period?.range) return false;
  return addPeriods(grain, startOf(grain, start), 1) > period.range.to;
}

const short = (month: number) => monthName(month).slice(0, 3);
const parts = (date: IsoDate) => date.split('-').map(Number) as [number, number, number];

/** "2025", "Q1 2025", "May 2025", "Jan–Jun 2025" or "Dec 2024–May 2025": the calendar span a range lies in. */
export function spanName(span: DateSpan): string {
  const [fy, fm] = parts(span.from);
  const [ly, lm] = parts(addPeriods('day', span.to, -1));
  if (fy === ly && fm === lm) return `${short(fm)} ${fy}`;
  if (fy === ly && Math.ceil(fm / 3) === Math.ceil(lm / 3) && lm - fm === 2)
    return `Q${Math.ceil(fm / 3)} ${fy}`;
  if (fy === ly && fm === 1) return String(fy);
  if (fy === ly) return `${short(fm)}–${short(lm)} ${fy}`;
  return `${short(fm)} ${fy}–${short(lm)} ${ly}`;
}
