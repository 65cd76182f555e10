/**
 * "cumulative revenue by month", "the running total of orders", "the 7-day moving average of
 * revenue", "a rolling 3-month average": a value taken with the time buckets before it. The words
 * are read before the time words, so "7-day" is not read as a period and "trailing" not as "the
 * last N".
 */
import type { Running } from '../query.ts';
import type { Grain } from '../schema.ts';

const NUMBERS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, twelve: 12 };
const WINDOW = '(\\d{1,3}|two|three|four|five|six|seven|twelve)[ -](day|week|month|quarter)s?';
const AVERAGE = '(?:average|avg|mean)';
const MOVING = '(?:moving|rolling|trailing)';

export interface RunningReading {
  running?: Running;
  /** The buckets a moving average counts ("7-day": days). */
  grain?: Grain;
  rest: string;
}

export function readRunning(text: string): RunningReading {
  const total = /\b(?:cumulative|cumulatively|accumulated|running (?:total|sum))(?: of)?\b/.exec(text);
  if (total) return { running: { kind: 'total' }, rest: blank(text, total) };
  const average =
    new RegExp(`\\b${WINDOW} ${MOVING} ${AVERAGE}(?: of)?\\b`).exec(text) ??
    new RegExp(`\\b${MOVING} ${WINDOW} ${AVERAGE}(?: of)?\\b`).exec(text);
  if (!average) return { rest: text };
  const periods = /^\d+$/.test(average[1] as string)
    ? Number(average[1])
    : (NUMBERS[average[1] as string] ?? 0);
  if (periods < 2) return { rest: text };
  return { running: { kind: 'average', periods }, grain: average[2] as Grain, rest: blank(text, average) };
}

function blank(text: string, found: RegExpExecArray): string {
  return `${text.slice(0, found.index)} ${text.slice(found.index + found[0].length)}`
    .replace(/\s+/g, ' ')
    .trim();
}
