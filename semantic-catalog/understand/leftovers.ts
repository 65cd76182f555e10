/**
 * Every word accounted for: the typed words no phase placed, which keep a question from being
 * answered as if they were never typed.
 */
import { expressionColumns, metricByName, metricTable } from '../catalog.ts';
import type { Catalog } from '../schema.ts';
import type { FieldMatch as Match } from './fields.ts';
import { isLinkingVerb } from './linking-verbs.ts';
import { SORT_MARKER } from './sorting.ts';
import {
  AGGREGATE_WORDS,
  ALPHABETICAL_WORDS,
  ASC_WORDS,
  COMPARISON_WORDS,
  DESC_WORDS,
  DESCRIBING,
  describes,
  FILLER,
  GROUP_WORDS,
  isFunctionWord,
  isGrammarWord,
  LIST_WORDS,
  RANKING_WORDS,
} from './word-classes.ts';
import { stem, words } from './words.ts';

/**
 * The words of `tokens` that no phase placed: not part of a catalog phrase, an attached
 * condition, a ranking, sorting or comparison word that took effect, nor a function word.
 */
export function leftoverWords(
  tokens: string[],
  matches: Match[],
  attached: Set<number>,
  conditions: { said: string }[],
  effects: {
    compared: boolean;
    alphabetical: boolean;
    catalog: Catalog;
    metrics: string[];
  },
): string[] {
  const placed = new Set<number>();
  for (const match of matches) for (let i = match.start; i < match.end; i++) placed.add(i);
  const metricAt = (index: number) => {
    const match = matches.find((m) => m.start <= index && index < m.end);
    const entry = match?.entries.find((e) => e.kind === 'metric');
    return entry?.kind === 'metric' ? metricByName(effects.catalog, entry.name) : undefined;
  };
  // "the average restaurant rating": the things the metric is measured over may stand between.
  const thingsAt = (index: number) => {
    const match = matches.find((m) => m.start <= index && index < m.end);
    const tables = match?.entries.flatMap((e) => (e.kind === 'entity' ? [e.table] : [])) ?? [];
    return match?.entries.every((e) => e.kind === 'entity' || e.kind === 'dimension') ? tables : [];
  };
  const nextMetric = (index: number) => {
    const between: string[] = [];
    for (let j = index + 1; j < tokens.length; j++) {
      const metric = metricAt(j);
      if (metric) return between.every((t) => t === metric.table) ? metric : undefined;
      const things = placed.has(j) ? thingsAt(j) : [];
      if (things.length > 0) between.push(...things);
      else if (
        placed.has(j) ||
        !(isFunctionWord(tokens[j] as string) || AGGREGATE_WORDS.some(([w]) => w.test(tokens[j] as string)))
      )
        return undefined;
    }
    return undefined;
  };
  // "over 200 minutes": a unit after a condition is placed when the measured column names it.
  const conditionUnit = (index: number) => {
    if (!attached.has(index - 1)) return false;
    const subject = [...matches].reverse().find((m) => m.end <= index - 1 && metricAt(m.start));
    const metric = subject ? metricAt(subject.start) : undefined;
    const measured = words(`${metric?.row_value ?? ''} ${metric?.label ?? ''}`.replace(/[^a-z]+/gi, ' '));
    return measured.includes(stem(tokens[index] as string));
  };
  const metricWords = (name: string) => {
    const metric = metricByName(effects.catalog, name);
    return metric ? [metric.name.replaceAll('_', ' '), metric.label, ...metric.synonyms].join(' ') : '';
  };
  const leftovers: string[] = [];
  for (const [i, token] of tokens.entries()) {
    if (placed.has(i) || attached.has(i) || token === SORT_MARKER) continue;
    const marker = /^§(\d+)$/.exec(token);
    if (marker) {
      leftovers.push(conditions[Number(marker[1])]?.said ?? token);
      continue;
    }
    const aggregate = AGGREGATE_WORDS.find(([word]) => word.test(token));
    if (aggregate) {
      // "total revenue", "average response time", "number of orders": placed only when the metric
      // they describe is aggregated that way; "total fare" of an average is another question.
      const described = nextMetric(i);
      if (described && aggregate[1].test(described.expression)) continue;
      // "the enrollment number", "the review count": said after a metric that counts.
      const before = metricAt(i - 1);
      if (/^(number|count|total)$/.test(token) && before && /^\s*(count|sum)\s*\(/i.test(before.expression))
        continue;
      // "distinct patients" counted by COUNT(*) over the patients table: its rows are distinct already.
      const thing = stem(tokens[i + 1] ?? '');
      const ownTable = described && metricTable(effects.catalog, described);
      if (
        /^(distinct|unique|different)$/.test(token) &&
        /^\s*count\s*\(\s*\*\s*\)\s*$/i.test(described?.expression ?? '') &&
        ownTable &&
        [ownTable.name.split('.').pop() ?? '', ...ownTable.synonyms].some((w) => words(w).join(' ') === thing)
      )
        continue;
      // "the total number of citations" (a sum of counts), "the average number of references".
      const counting = /^(number|count)$/.test(token) && described?.format === 'integer';
      if (
        counting &&
        (/^\s*sum\s*\(/i.test(described.expression) || /^(average|avg|mean|total)$/.test(tokens[i - 1] ?? ''))
      )
        continue;
      leftovers.push(token);
      continue;
    }
    if (isFunctionWord(token)) continue;
    if (conditionUnit(i)) continue;
    if (UNIT_WORDS.test(token) && effects.metrics.some((m) => measuredIn(m, token, effects.catalog)))
      continue;
    if (GROUP_WORDS.has(token) || LIST_WORDS.has(token) || FILLER.has(token)) continue;
    if (RANKING_WORDS.test(token) || DESC_WORDS.test(token) || ASC_WORDS.test(token)) continue;
    // With no measure named, the ranking is by the catalog's default one.
    const ranked = effects.metrics.length > 0 ? effects.metrics : [effects.catalog.default_metric ?? ''];
    if (DESCRIBING.test(token) && ranked.some((name) => describes(token, metricWords(name)))) continue;
    if (effects.compared && COMPARISON_WORDS.test(token)) continue;
    if (effects.alphabetical && ALPHABETICAL_WORDS.test(token)) continue;
    if (linksTerms(i, tokens, new Set([...placed, ...attached]))) continue;
    // "the drug named Drugalin": naming words before a value.
    if (
      /^(named|called|titled)$/.test(token) &&
      matches.some((m) => m.start === i + 1 && m.entries.some((e) => e.kind === 'value'))
    )
      continue;
    leftovers.push(token);
  }
  return leftovers;
}

/** A linking verb after a named thing and before another one (or the end): "restaurants serve Italian food". */
export function linksTerms(index: number, tokens: string[], placed: Set<number>): boolean {
  if (!isLinkingVerb(tokens[index] as string)) return false;
  let before = index - 1;
  while (before >= 0 && !placed.has(before) && isGrammarWord(tokens[before] as string)) before--;
  if (before < 0 || !placed.has(before)) return false;
  let after = index + 1;
  while (after < tokens.length && !placed.has(after) && isGrammarWord(tokens[after] as string)) after++;
  return after >= tokens.length || placed.has(after) || isLinkingVerb(tokens[after] as string);
}

/** Units a figure may be asked "in": placed only when the metric is measured in that unit. */
export const UNIT_WORDS =
  /^(meters?|metres?|kilometers?|kilometres?|km|km2|miles?|feet|foot|square|sq|kg|kilograms?|grams?|g|lbs?|pounds?|cm|centimeters?|mm|minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|mph|kmh|dollars?|usd|eur|euros?|percent|percentage)$/;

/** Whether the metric's own words or its columns' descriptions name the unit ("in meters"). */
export function measuredIn(name: string, unit: string, catalog: Catalog): boolean {
  const metric = metricByName(catalog, name);
  if (!metric) return false;
  const columns = expressionColumns(`${metric.expression}`).flatMap(({ alias, column }) => {
    const table = catalog.tables.find((t) => t.alias === alias) ?? metricTable(catalog, metric);
    return table?.columns.find((c) => c.name === column)?.description ?? [];
  });
  const said = words([metric.label, metric.description, metric.row_value ?? '', ...columns].join(' '));
  return said.includes(stem(unit));
}

/**
 * "how many papers were published in that venue": a member named earlier in the question, which a
 * breakdown or a filter of this one question can't say.
 */
export function backReferences(tokens: string[], matches: Match[]): { word: string; candidates: string[] }[] {
  return matches
    .filter(
      (match) =>
        match.entries.some((e) => e.kind === 'dimension') &&
        /^(that|those)$/.test(tokens[match.start - 1] ?? '') &&
        /^(in|of|for|at|from|by|to|on)$/.test(tokens[match.start - 2] ?? ''),
    )
    .map((match) => ({ word: `${tokens[match.start - 1]} ${match.text}`, candidates: [] }));
}
