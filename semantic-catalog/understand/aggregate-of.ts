/**
 * "the total cost of round-trip fares": a metric said with an aggregate word ("total cost"), then
 * "of" another metric, is that aggregate of the other's measure (the sum of round-trip costs),
 * when the catalog has it (implicit-aggregates.ts adds the usual ones) and the other is a plain
 * measure of each row (an average or a sum, not already a maximum). Without one, both stay
 * unplaced: two numbers side by side would answer another question.
 */
import { aggregates } from '../implicit-aggregates.ts';
import type { Catalog } from '../schema.ts';
import type { FieldMatch } from './fields.ts';

const FUNCTIONS: [RegExp, string][] = [
  [/^(total|sum)$/, 'SUM'],
  [/^(average|avg|mean)$/, 'AVG'],
  [/^(maximum|max|highest|largest)$/, 'MAX'],
  [/^(minimum|min|lowest|smallest)$/, 'MIN'],
];

const metricOf = (match: FieldMatch | undefined) => {
  const entry = match?.entries.find((e) => e.kind === 'metric');
  return entry?.kind === 'metric' ? entry.name : undefined;
};

/** Rewrites such pairs in place; returns the metrics asked and the matches left unplaced. */
export function readAggregateOf(
  tokens: string[],
  matches: FieldMatch[],
  metrics: string[],
  catalog: Catalog,
): { metrics: string[]; unplaced: FieldMatch[]; used: number[] } {
  let asked = [...metrics];
  const unplaced: FieldMatch[] = [];
  const used: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== 'of') continue;
    const left = matches.find((m) => m.end === i);
    let next = i + 1;
    while (/^(the|all|a|an|every|each)$/.test(tokens[next] ?? '')) next++;
    const right = matches.find((m) => m.start === next);
    // "total cost" as one phrase, or "total" typed before the metric "cost".
    const before = left ? left.start - 1 : -1;
    const own = FUNCTIONS.find(([re]) => re.test(left?.text.split(' ')[0] ?? ''))?.[1];
    const typed = matches.some((m) => m.start <= before && before < m.end)
      ? undefined
      : FUNCTIONS.find(([re]) => re.test(tokens[before] ?? ''))?.[1];
    const fn = own ?? typed;
    const outer = metricOf(left);
    const inner = catalog.metrics.find((m) => m.name === metricOf(right));
    if (!left || !right || !fn || !outer || !inner || outer === inner.name) continue;
    const same = (filters: string[]) => [...filters].sort().join() === [...inner.filters].sort().join();
    // "the average of the cheapest fares" is an average of minimums: not a measure of each row.
    const measure = aggregates(inner, ['AVG', 'SUM']);
    const target =
      measure &&
      catalog.metrics.find(
        (m) => m.table === inner.table && same(m.filters) && aggregates(m, [fn], inner.row_value),
      );
    asked = asked.filter((m) => m !== outer && m !== inner.name);
    if (!own) used.push(before);
    if (target) {
      left.entries = [{ kind: 'metric', name: target.name }];
      right.entries = [{ kind: 'metric', name: target.name }];
      if (!asked.includes(target.name)) asked.push(target.name);
    } else unplaced.push(left, right);
  }
  return { metrics: asked, unplaced, used };
}
