/** The two naive detectors every result is compared with, computed on the same data. */
import type { Point } from './detector.ts';

/** Rolling 28-day z-score above 3 (mean and standard deviation of the 28 days before). */
export function rollingZScore(series: Point[], window = 28, limit = 3): string[] {
  const flagged: string[] = [];
  for (let t = window; t < series.length; t++) {
    const past = series.slice(t - window, t).map((p) => p.value);
    const mean = past.reduce((a, b) => a + b, 0) / window;
    const sd = Math.sqrt(past.reduce((a, b) => a + (b - mean) ** 2, 0) / (window - 1));
    const value = series[t]?.value as number;
    if (sd > 0 ? Math.abs(value - mean) / sd > limit : value !== mean)
      flagged.push(series[t]?.date as string);
  }
  return flagged;
}

/** Week-over-week change above 30%. */
export function weekOverWeek(series: Point[], limit = 0.3): string[] {
  const flagged: string[] = [];
  for (let t = 7; t < series.length; t++) {
    const before = series[t - 7]?.value as number;
    const value = series[t]?.value as number;
    if (before === 0 ? value !== 0 : Math.abs(value / before - 1) > limit)
      flagged.push(series[t]?.date as string);
  }
  return flagged;
}
