/**
 * Follow-ups: a short turn that changes the previous question rather than asking a new one.
 * "now by month", "only EMEA", "what about APAC?", "and last year?", "drop the filter",
 * "top 5", "vs last year", "what about orders?". The turn is read like any question, then
 * merged into the previous semantic query and planned again.
 */
import { metricByName } from '../catalog.ts';
import type { IsoDate } from '../dates.ts';
import type { SemanticQuery } from '../query.ts';
import type { Catalog } from '../schema.ts';
import type { Lexicon } from './lexicon.ts';
import type { Understanding } from './parse.ts';
import { planQuery } from './plan.ts';
import { asksRatio } from './ratio-of.ts';
import { type Reading, readQuestion } from './reading.ts';
import { previousRange } from './time-words.ts';

const FOLLOW_UP_START =
  /^(and|now|only|just|what about|how about|and what about|same|same but|but|instead|also|ok|okay|then|drop|remove|clear|without|exclude|excluding|include|plus|make it|change|switch|sort|break it down|split)\b/;
/** Words that steer a follow-up rather than name data: placed by the follow-up itself. */
const STEERING =
  /^(now|only|just|about|same|but|instead|also|ok|okay|then|drop|remove|clear|without|exclude|excluding|include|including|plus|make|change|switch|sort|break|split|too|well|add|reset|no|ignore|filter|filters|condition|conditions|unfiltered|one|before)$/;
const ADDITIVE = /\b(also|too|as well|plus|add|including|include)\b/;
const DROP_FILTERS =
  /\b(drop|remove|clear|without|reset|no|ignore)( the| all| any)? (filters?|conditions?)\b|\bunfiltered\b|\ball of it\b/;

export function isFollowUp(text: string, reading: Reading): boolean {
  return FOLLOW_UP_START.test(reading.text) || (reading.metrics.length === 0 && hasChange(reading, text));
}

function hasChange(reading: Reading, text: string): boolean {
  return (
    reading.dimensions.length > 0 ||
    reading.values.length > 0 ||
    !!reading.time ||
    !!reading.grain ||
    !!reading.compare ||
    reading.limit !== undefined ||
    reading.unfiltered.length > 0 ||
    /\bbefore\b/.test(reading.text) ||
    DROP_FILTERS.test(text)
  );
}

/** Understands a turn in the light of the previous query; undefined when it is a new question. */
export function understandFollowUp(
  question: string,
  previous: SemanticQuery,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Understanding | undefined {
  // "the ratio of A to B" is a question of its own.
  if (asksRatio(question)) return undefined;
  const reading = readQuestion(question, catalog, lexicon, today);
  if ('kind' in reading)
    return reading.kind === 'refuse' && reading.code === 'not_understood' ? undefined : reading;
  if (!isFollowUp(question, reading)) return undefined;
  if (previous.ratio)
    return ratioFollowUp(question, reading, previous, previous.ratio.over, catalog, lexicon, today);
  const additive = ADDITIVE.test(reading.text);
  const before = /\b(?:the )?(?:day|week|month|quarter|year|period) before\b|\bthe one before\b/.test(
    reading.text,
  );
  const merged: Reading = {
    ...reading,
    leftovers: reading.leftovers.filter(
      (l) => !STEERING.test(l.word) && !(before && /^(day|week|month|quarter|year|period)$/.test(l.word)),
    ),
    metrics:
      reading.metrics.length === 0
        ? previous.metrics
        : additive
          ? union(previous.metrics, reading.metrics)
          : reading.metrics,
    dimensions: previous.dimensions,
    // "the top customer in each region", then "last year": still within each region.
    groupedBy: [...new Set([...(previous.rankWithin ?? []), ...reading.groupedBy])],
    // "the average orders per customer", then "by region": still per customer, averaged.
    averageOver: reading.metrics.length === 0 ? previous.averageOver : reading.averageOver,
    // "cumulative revenue by month", then "for EMEA": still cumulative.
    running: reading.running ?? (reading.metrics.length === 0 ? previous.running : undefined),
    values: [],
    conditions: reading.conditions.length > 0 ? reading.conditions : (previous.conditions ?? []),
  };

  // A new breakdown replaces the old one, unless it is added ("also by channel").
  if (reading.dimensions.length > 0 || reading.grain) {
    merged.dimensions = additive ? union(previous.dimensions, reading.dimensions) : reading.dimensions;
    merged.grain = reading.grain ?? (additive ? previous.grain : undefined);
  } else merged.grain = previous.grain;

  // "and the month before?": the same span, one period earlier.
  merged.time =
    reading.time ??
    (before && previous.time ? previousRange(previous.time, 'previous_period') : previous.time);
  merged.compare = reading.compare ?? previous.compare?.kind;
  merged.limit = reading.limit ?? previous.limit;
  merged.direction = reading.direction ?? previous.order?.direction;
  merged.unit = reading.unit ?? previous.unit;

  // Filters: a new value of a dimension replaces that dimension's filter ("what about APAC?"),
  // or joins it ("and APAC too"); "drop the filter" and "all regions" lift them.
  const filters = DROP_FILTERS.test(reading.text)
    ? []
    : previous.filters.filter((f) => !reading.unfiltered.includes(f.dimension));
  const mentioned = new Set(
    reading.values.flatMap((v) => (v.options.length === 1 ? [v.options[0]?.dimension] : [])),
  );
  merged.values = [
    ...filters
      .filter((f) => additive || !mentioned.has(f.dimension))
      .flatMap((f) =>
        f.values.map((value) => ({
          said: value,
          options: [{ dimension: f.dimension, value }],
          ...(f.exclude ? { exclude: true } : {}),
          ...(f.match ? { match: f.match } : {}),
        })),
      ),
    ...reading.values,
  ];
  // A metric that can't be grouped the old way is a new question rather than a broken follow-up.
  if (merged.metrics.some((m) => !metricByName(catalog, m))) return undefined;
  return planQuery(question, merged, catalog, today);
}

/**
 * "now by city", "only in 2021" after a ratio: the change applies to both sides, and a share of
 * the whole stays a share of the whole. Another metric is a new question.
 */
function ratioFollowUp(
  question: string,
  reading: Reading,
  previous: SemanticQuery,
  over: SemanticQuery,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Understanding | undefined {
  if (reading.metrics.length > 0) return undefined;
  const { ratio: _, ...top } = previous;
  const numerator = understandFollowUp(question, top, catalog, lexicon, today);
  const denominator = understandFollowUp(question, over, catalog, lexicon, today);
  if (numerator?.kind !== 'query') return numerator;
  if (denominator?.kind !== 'query') return denominator;
  const whole = over.dimensions.length === 0 && !over.grain && (top.dimensions.length > 0 || !!top.grain);
  const bottom = whole ? { ...denominator.query, dimensions: [], grain: undefined } : denominator.query;
  return { ...numerator, query: { ...numerator.query, ratio: { over: bottom } } };
}

function union<T>(a: T[], b: T[]): T[] {
  return [...new Set([...a, ...b])];
}
