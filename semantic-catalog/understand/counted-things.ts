/**
 * Things counted where they are named, not where a count is: "which city has the most businesses"
 * (ranked by how many businesses), "how many cities have restaurants" (the cities that have any).
 * The count is the thing's table's one plain count of its rows.
 */
import { isCount, metricByName } from '../catalog.ts';
import type { Condition } from '../query.ts';
import type { Catalog } from '../schema.ts';
import type { FieldMatch as Match } from './fields.ts';
import { plainCount } from './subjects.ts';

/** "the most businesses": a thing named after most/fewest/least becomes its count, in place. */
export function countRankedThings(tokens: string[], matches: Match[], catalog: Catalog): void {
  for (const match of matches) {
    const entities = match.entries.flatMap((e) => (e.kind === 'entity' ? [e] : []));
    if (
      entities.length === 0 ||
      match.entries.some((e) => e.kind === 'metric' || e.kind === 'value') ||
      !/^(most|fewest|least)$/.test(tokens[match.start - 1] ?? '')
    )
      continue;
    const count = plainCount(catalog, entities);
    if (count) match.entries = [{ kind: 'metric', name: count.name }];
  }
}

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
