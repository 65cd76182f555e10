/**
 * What a time chart knows about its periods: which bucket is not over yet. The range asked and the
 * range compared are named as table columns name them (period-words.ts columnPeriodName).
 */
import { addPeriods, type IsoDate, type Period, startOf } from '../semantic-catalog/dates.ts';

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
