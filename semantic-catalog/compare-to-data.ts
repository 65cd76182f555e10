/**
 * "This year vs last year" on a day the data stops short of: the compared range loses as many days
 * at its end as the current range runs past the data, so 2026 through 14 June is set against 2025
 * through 14 June, not through the calendar day (a day's worth understated, or, when a load is
 * months behind, months). A comparison bucket by bucket (a time grain) is left alone: its buckets
 * are named, and the last one is marked "to date".
 */
import { addDays, daysBetween } from './dates.ts';
import { type DataExtent, endsBeforeData } from './period-words.ts';
import type { SemanticQuery } from './query.ts';

export function alignComparedToData(query: SemanticQuery, extent: DataExtent | undefined): SemanticQuery {
  const { compare, time } = query;
  if (!compare || !time || query.grain || !extent || !endsBeforeData(time, extent)) return query;
  const missing = daysBetween(addDays(extent.last, 1), time.to);
  const to = addDays(compare.range.to, -missing);
  if (to <= compare.range.from) return query;
  return { ...query, compare: { ...compare, range: { ...compare.range, to } } };
}
