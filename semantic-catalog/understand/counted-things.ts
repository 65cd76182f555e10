/**
 * Things counted where they are named, not where a count is: "which city has the most businesses"
 * (ranked by how many businesses), "how many cities have restaurants" (the cities that have any).
 * The count is the thing's table's one plain count of its rows.
 */
import { dimensionByName, isCount, metricByName, metricTable, reachableSource } from '../catalog.ts';
import type { Condition } from '../query.ts';
import type { Catalog, MetricDef } from '../schema.ts';
import { sameThingsCount } from './count-groups.ts';
import type { FieldMatch as Match } from './fields.ts';
import type { Reading } from './reading.ts';
import { plainCount } from './subjects.ts';

/**
 * "the most businesses", "the most Italian restaurants": a thing named after most/fewest/least
 * (past the values that qualify it) becomes its count, in place — counted where the other fields
 * of the question can be reached ("which instructor teaches the most courses": each instructor's
 * courses, where the count of all courses on record can't say).
 */
export function countRankedThings(tokens: string[], matches: Match[], catalog: Catalog): void {
  for (const match of matches) {
    let before = match.start - 1;
    for (let value = valueEndingAt(matches, before + 1); value; value = valueEndingAt(matches, before + 1))
      before = value.start - 1;
    if (match.entries.some((e) => e.kind === 'value') || !/^(most|fewest|least)$/.test(tokens[before] ?? ''))
      continue;
    const named = match.entries.find((e) => e.kind === 'metric');
    const said = named?.kind === 'metric' ? metricByName(catalog, named.name) : undefined;
    const entities = match.entries.flatMap((e) => (e.kind === 'entity' ? [e] : []));
    // A count said outright ("the most reviews"), else the things' own count ("the most businesses").
    const plain = said ? (isCount(said) ? said : undefined) : plainCount(catalog, entities);
    // Unreached, the plain count stays for the phases after (a field's own count, or a question).
    const count =
      plain && (sameThingsCount(plain, (m) => reachesFields(m, match, matches, catalog), catalog) ?? plain);
    if (count && count !== said) match.entries = [{ kind: 'metric', name: count.name }];
  }
}

/** Whether a metric's facts reach a field of every other match that names fields. */
function reachesFields(metric: MetricDef, thing: Match, matches: Match[], catalog: Catalog): boolean {
  const fact = metricTable(catalog, metric)?.name;
  return matches.every((m) => {
    const names = m === thing ? [] : m.entries.flatMap((e) => (e.kind === 'dimension' ? [e.name] : []));
    return (
      names.length === 0 ||
      names.some((name) => {
        const field = dimensionByName(catalog, name);
        return !!fact && !!field && !!reachableSource(catalog, field, fact);
      })
    );
  });
}

const valueEndingAt = (matches: Match[], end: number) =>
  matches.find((m) => m.end === end && m.entries.length > 0 && m.entries.every((e) => e.kind === 'value'));

/**
 * "how many cities have restaurants", "how many regions have any orders": the field counted after
 * "how many" (the match at `field`), having any of a count named after a having-verb. Returns the
 * condition (that count over 0) and the word positions it used, rewriting a bare thing into its
 * count; undefined when the question is not said so.
 */
export function havingAny(
  tokens: string[],
  matches: Match[],
  field: Match,
  metrics: string[],
  catalog: Catalog,
): { condition: Condition; used: number[] } | undefined {
  const counted = matches.find(
    (m) => m.start > field.end && m.entries.some((e) => e.kind === 'metric' || e.kind === 'entity'),
  );
  if (!counted || metrics.length > 1) return undefined;
  const entities = counted.entries.flatMap((e) => (e.kind === 'entity' ? [e] : []));
  const metric =
    metrics.length === 1 ? metricByName(catalog, metrics[0] as string) : plainCount(catalog, entities);
  const between = tokens.slice(field.end, counted.start);
  const article = between.slice(1).join(' ');
  if (
    !metric ||
    !isCount(metric) ||
    !/^(have|has|had|with)$/.test(between[0] ?? '') ||
    !/^(|any|a|an|some|at least one)$/.test(article)
  )
    return undefined;
  counted.entries = [{ kind: 'metric', name: metric.name }];
  const used = between.map((_, i) => field.end + i);
  return { condition: { metric: metric.name, level: 'group', op: '>', value: 0 }, used };
}

/**
 * "which countries have both lakes and rivers": the reading becomes that field's members having
 * any of each; returns the word positions used (none unless said just so, with no other condition).
 */
export function readHavingEach(
  tokens: string[],
  matches: Match[],
  reading: Reading,
  catalog: Catalog,
): number[] {
  const each = reading.conditions.length === 0 ? havingEach(tokens, matches, catalog) : undefined;
  if (!each) return [];
  reading.conditions.push(...each.conditions);
  for (const { metric } of each.conditions)
    if (!reading.metrics.includes(metric)) reading.metrics.push(metric);
  if (!reading.dimensions.includes(each.field)) reading.dimensions.push(each.field);
  return each.used;
}

/**
 * The members of a field that have any of each of two things, each thing its table's plain count
 * over 0 (both conditions must hold). Rewrites the things into their counts; undefined unless
 * said just so, at the end of the question.
 */
function havingEach(
  tokens: string[],
  matches: Match[],
  catalog: Catalog,
): { conditions: Condition[]; field: string; used: number[] } | undefined {
  const field = matches.find(
    (m) => m.entries.some((e) => e.kind === 'dimension') && /^(have|has|had)$/.test(tokens[m.end] ?? ''),
  );
  const dimension = field?.entries.find((e) => e.kind === 'dimension');
  if (!field || dimension?.kind !== 'dimension') return undefined;
  const at = tokens[field.end + 1] === 'both' ? field.end + 2 : field.end + 1;
  const first = matches.find((m) => m.start === at);
  const second =
    first && tokens[first.end] === 'and' ? matches.find((m) => m.start === first.end + 1) : undefined;
  if (!first || !second || second.end !== tokens.length) return undefined;
  const fieldDef = dimensionByName(catalog, dimension.name);
  const counts = [first, second].map((thing) => {
    if (thing.entries.some((e) => e.kind === 'value')) return undefined;
    // The things by their table, or by the one table of the field that names them ("lakes").
    const tables = thing.entries.flatMap((e) => {
      const sources = e.kind === 'dimension' ? (dimensionByName(catalog, e.name)?.sources ?? []) : [];
      return e.kind === 'entity' ? [e.table] : sources.length === 1 ? [sources[0]?.table as string] : [];
    });
    const count = plainCount(
      catalog,
      tables.map((table) => ({ kind: 'entity' as const, table })),
    );
    return count?.table && fieldDef && reachableSource(catalog, fieldDef, count.table) ? count : undefined;
  });
  if (counts.some((c) => !c)) return undefined;
  const conditions = counts.map((count, i): Condition => {
    const thing = [first, second][i] as Match;
    thing.entries = [{ kind: 'metric', name: count?.name as string }];
    return { metric: count?.name as string, level: 'group', op: '>', value: 0 };
  });
  const used = [field.end, first.end, ...(at === field.end + 2 ? [field.end + 1] : [])];
  return { conditions, field: dimension.name, used };
}
