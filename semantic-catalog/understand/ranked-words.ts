/**
 * Rankings said with their own words: "which region grew the most" and "the biggest drop" rank by
 * the change against the compared period (high or low first); "which month had the most revenue"
 * and "the top 3 weeks" rank time buckets, where "which month of the year" names a field instead.
 */
import type { Grain } from '../schema.ts';

/** A change ranked upward ("grew the most") or downward ("the biggest drop"). */
const CHANGE_UP =
  /\b(?:grew|grown|gained|increased|rose|improved)(?: the)? most\b|\b(?:fastest|most) (?:growing|improving|improved)\b|\b(?:biggest|largest|sharpest|highest|most) (?:growth|increase|gain|rise|jump|improvement)\b|\bby (?:[a-z]+ ){0,3}(?:growth|increase)\b/;
const CHANGE_DOWN =
  /\b(?:declined|dropped|fell|shrank|decreased)(?: the)? most\b|\b(?:fastest|most) (?:declining|shrinking|falling)\b|\b(?:biggest|largest|steepest|sharpest|most) (?:drop|decline|decrease|fall)\b|\b(?:grew|gained|increased)(?: the)? least\b|\b(?:lowest|slowest) growth\b|\bslowest growing\b/;

/** A ranking word and a time bucket, not a calendar part ("which month of the year" is a field). */
const RANKED_PERIOD =
  /\b(which|what|top|bottom|best|worst|busiest|biggest|highest|lowest)( \d+)? (day|week|month|quarter|year)(s?)\b(?! of\b)/;

export interface RankedWords {
  /** Ranked by the change: its highest first ("desc") or its lowest ("asc"). */
  byChange?: 'asc' | 'desc';
  /** The time buckets ranked. */
  grain?: Grain;
  /** One bucket asked for ("which month"), not a list ("top 3 weeks"). */
  one: boolean;
  rest: string;
}

/** `text` is the question as typed (normalised); `rest` what the phases before left of it. */
export function readRankedWords(text: string, rest: string, hasGrain: boolean): RankedWords {
  const byChange = CHANGE_DOWN.test(text) ? 'asc' : CHANGE_UP.test(text) ? 'desc' : undefined;
  // "the fastest growing categories": the ones ranked first by their change.
  let left = byChange ? rest.replace(/\b(?:fastest|slowest)\b/g, 'top') : rest;
  const period = hasGrain ? null : RANKED_PERIOD.exec(left);
  if (!period) return { ...(byChange ? { byChange } : {}), one: false, rest: left };
  const [said, word, count = '', unit, plural] = period;
  left = left.replace(said, `${word}${count}`);
  return { ...(byChange ? { byChange } : {}), grain: unit as Grain, one: !count && !plural, rest: left };
}
