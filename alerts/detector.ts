/**
 * Daily anomaly detection for business metrics. Each day is judged only with data before it:
 *
 *   expected(t) = level(t) × weekday factor(t) × yearly factor(t)
 *     level          robust: median of the last 21 deseasonalized days (a shift of up to ten days
 *                    can't move it), plus a robust trend capped at 3%
 *     weekday factor median ratio of that weekday to its week's level, over the last 8 weeks
 *     yearly factor  with a year of history: how the same weeks a year ago stood against their level
 *   score(t) = log(value / expected) / robust spread (1.4826 × MAD of recent log residuals)
 *
 * In log space a drop to 30% weighs as much as a jump to 330%, and an outage (zero) is a big drop.
 *
 * Days already flagged are replaced by their expected value in the history, so one outlier or a
 * short level shift doesn't blind the model; after two weeks a lasting shift becomes the new normal.
 * Three days the same way, each past 80% of the threshold, are a shift starting and are flagged.
 * Pure: numbers in, judgements out.
 */

export interface Point {
  date: string;
  value: number;
}

export interface Judgement {
  date: string;
  value: number;
  expected: number;
  low: number;
  high: number;
  score: number;
  direction: 'up' | 'down';
}

export interface DetectorOptions {
  /** 1 (few alerts) … 10 (many); 5 is the default. */
  sensitivity?: number;
  /** Days of history needed before the first judgement. */
  warmup?: number;
}

const WEEK = 7;
const LEVEL_DAYS = 21;
const SPREAD_DAYS = 56;
const ACCEPT_SHIFT_AFTER = 14;
/** Share of the threshold three same-way days must each pass to count as a shift starting. */
const SUSTAINED = 0.8;
/** The most the trend may move the expected level (half a level window ahead). */
const MAX_TREND = 0.03;
/** A weekday below this share of its week is treated as closed. */
const CLOSED_DAY = 0.05;

export function threshold(sensitivity = 5): number {
  const s = Math.min(10, Math.max(1, sensitivity));
  return 7 - 0.46 * s; // 1 → 6.5σ, 5 → 4.7σ, 10 → 2.4σ
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const finite = (values: number[]) => values.filter((v) => Number.isFinite(v));

/** Judges every day after the warm-up; returns only the flagged ones. */
export function detect(series: Point[], options: DetectorOptions = {}): Judgement[] {
  return judgeAll(series, options)
    .filter((j) => j.flagged)
    .map(({ flagged: _, ...j }) => j);
}

export function judgeAll(
  series: Point[],
  options: DetectorOptions = {},
): (Judgement & { flagged: boolean })[] {
  const limit = threshold(options.sensitivity);
  const warmup = options.warmup ?? 8 * WEEK;
  // Days are modelled from the third week on, so the spread is known before the first judgement.
  const firstModelled = 3 * WEEK;
  const values = series.map((p) => p.value);
  const clean: number[] = []; // history with flagged days replaced by what was expected
  const residuals: number[] = [];
  let runOfFlags = 0;
  const out: (Judgement & { flagged: boolean })[] = [];
  for (let t = 0; t < series.length; t++) {
    const value = values[t] as number;
    if (t < firstModelled) {
      clean.push(value);
      continue;
    }
    const expected = expectedAt(clean, t);
    const relative = logRatio(value, expected);
    const recent = finite(residuals.slice(-SPREAD_DAYS));
    const mad = median(recent.map((r) => Math.abs(r - median(recent))));
    // A floor keeps a perfectly flat history from making every wiggle an anomaly.
    const spread = Math.max(1.4826 * (Number.isFinite(mad) ? mad : 0.05), 0.02);
    const score = relative / spread;
    // Hysteresis: inside an anomaly, half the threshold keeps it open, so the edges of a level
    // shift don't leak into the history and distort what comes after.
    const previous = out[out.length - 1];
    const continuing =
      runOfFlags > 0 && previous !== undefined && Math.sign(previous.score) === Math.sign(score);
    // A moderate move that lasts (three days the same way, each past most of the threshold) is a
    // level shift starting, not noise: flag it, and take its first days out of the history too.
    const lastTwo = out.slice(-2);
    const sustained =
      !continuing &&
      lastTwo.length === 2 &&
      [...lastTwo.map((j) => j.score), score].every(
        (s) => Math.sign(s) === Math.sign(score) && Math.abs(s) > SUSTAINED * limit,
      );
    const flagged =
      t >= warmup &&
      (Math.abs(score) > (continuing ? limit / 2 : limit) || sustained) &&
      Math.abs(value - expected) > 1e-9;
    if (flagged && sustained) {
      for (let k = 1; k <= 2; k++) {
        const earlier = out[out.length - k] as Judgement & { flagged: boolean };
        clean[t - k] = earlier.expected;
        residuals[residuals.length - k] = Number.NaN;
      }
    }
    const band = limit * spread;
    if (t < warmup) {
      clean.push(value);
      residuals.push(relative);
      continue;
    }
    out.push({
      date: series[t]?.date as string,
      value,
      expected,
      low: expected * Math.exp(-band),
      high: expected * Math.exp(band),
      score,
      direction: value >= expected ? 'up' : 'down',
      flagged,
    });
    runOfFlags = flagged ? runOfFlags + 1 : 0;
    const accept = !flagged || runOfFlags > ACCEPT_SHIFT_AFTER;
    clean.push(accept ? value : expected);
    residuals.push(accept ? relative : Number.NaN);
  }
  return out;
}

/** log(value / expected), with zero treated as a hundredth of what was expected. */
function logRatio(value: number, expected: number): number {
  if (!(expected > 0)) return value > 0 ? Math.log(100) : 0;
  return Math.log(Math.max(value, expected / 100) / expected);
}

/** What day t should be, from the cleaned history before it. */
function expectedAt(history: number[], t: number): number {
  const weekday = weekdayFactors(history, t);
  const open = (i: number) => (weekday[i % WEEK] as number) >= CLOSED_DAY;
  // A weekday that is (nearly) always empty — a closed weekend — expects what it usually has.
  if (!open(t)) return median(finite([7, 14, 21, 28].map((k) => history[t - k] as number))) || 0;
  const deseasonalized = history.map((v, i) => (open(i) ? v / (weekday[i % WEEK] as number) : Number.NaN));
  let level = median(finite(deseasonalized.slice(Math.max(0, t - LEVEL_DAYS), t)));
  // Robust trend: the median week-over-week change of the last four weeks, carried half a window forward.
  const steps: number[] = [];
  for (let i = Math.max(WEEK, t - 4 * WEEK); i < t; i++)
    steps.push(((deseasonalized[i] as number) - (deseasonalized[i - WEEK] as number)) / WEEK);
  const slope = median(finite(steps));
  // Capped: a business grows a few percent a month, and an uncapped trend fed by a level shift
  // (or by the expected values standing in for flagged days) runs away with itself.
  if (Number.isFinite(slope) && level > 0)
    level += Math.max(-MAX_TREND * level, Math.min(MAX_TREND * level, slope * (LEVEL_DAYS / 2 + 0.5)));
  let expected = Math.max(0, Number.isFinite(level) ? level : 0) * (weekday[t % WEEK] as number);
  const yearly = yearlyFactor(deseasonalized, t);
  if (Number.isFinite(yearly)) expected *= yearly;
  return expected;
}

/** Median ratio of each weekday to its centred weekly mean, over the last 8 weeks. */
function weekdayFactors(history: number[], t: number): number[] {
  const ratios: number[][] = Array.from({ length: WEEK }, () => []);
  for (let i = Math.max(3, t - 8 * WEEK); i < t - 3; i++) {
    const around = history.slice(i - 3, i + 4);
    const mean = around.reduce((a, b) => a + b, 0) / around.length;
    if (mean > 0) ratios[i % WEEK]?.push((history[i] as number) / mean);
  }
  return ratios.map((r) => (r.length >= 2 ? median(r) : 1));
}

/** How the coming days a year ago stood against the level before them: the yearly shape, if known. */
function yearlyFactor(deseasonalized: number[], t: number): number {
  const yearAgo = t - 364;
  if (yearAgo - LEVEL_DAYS < 0) return Number.NaN;
  const then = median(finite(deseasonalized.slice(yearAgo - 3, yearAgo + 4)));
  const before = median(finite(deseasonalized.slice(yearAgo - LEVEL_DAYS, yearAgo)));
  if (!(then > 0) || !(before > 0)) return Number.NaN;
  const factor = then / before;
  // Damped: a year is one observation; never let it swing the expectation wildly.
  return 1 + Math.max(-0.3, Math.min(0.3, (factor - 1) * 0.8));
}
