/**
 * Question → semantic query, offline and deterministic. A pipeline of pure phases:
 *
 *   guard (destructive words) → time words → ranking words → match catalog phrases
 *   → personal data? → resolve ambiguity → plan (metrics, group-bys, filters) → check reachability
 *
 * Whatever can't be grounded is refused or turned into a clarifying question, never guessed.
 */
import { dimensionByName, metricByName, metricTable, metricTimeColumn, reachableSource } from '../catalog.ts';
import type { IsoDate } from '../dates.ts';
import type { SemanticQuery } from '../query.ts';
import type { Catalog, MetricDef } from '../schema.ts';
import type { Lexicon, LexiconEntry } from './lexicon.ts';
import * as say from './messages.ts';
import { readTimeWords } from './time-words.ts';
import { normalizeText, similarWord, stem } from './words.ts';

export type RefusalCode = 'destructive' | 'personal_data' | 'not_understood' | 'unsupported';

export type Understanding =
  | { kind: 'query'; query: SemanticQuery }
  | { kind: 'clarify'; message: string; choices: { label: string; question: string }[] }
  | { kind: 'refuse'; code: RefusalCode; message: string; suggestions: string[] };

interface Match {
  start: number;
  end: number;
  text: string;
  entries: LexiconEntry[];
}

const DESTRUCTIVE =
  /\b(delete|drop|truncate|insert|update|alter|grant|revoke|create table|wipe|erase|remove all|destroy|overwrite)\b/;
const GROUP_WORDS = new Set(['by', 'per', 'each', 'across', 'every']);
const LIST_WORDS = new Set(['and', 'or', 'then']);
const FILLER = new Set(['the', 'a', 'an', 'our', 'product', 'of', 'all']);
const RANKING_WORDS = /^(top|best|highest|largest|biggest|bottom|worst|lowest|smallest|which|what|first)$/;
const DESC_WORDS = /\b(top|best|highest|most|largest|biggest|greatest|leading|maximum|max)\b/;
const ASC_WORDS = /\b(bottom|worst|lowest|least|fewest|smallest|minimum|min)\b/;

export function understand(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Understanding {
  const text = normalizeText(question);
  if (!text) return say.emptyQuestion(catalog);
  if (DESTRUCTIVE.test(text)) return say.destructive(catalog);

  const timeReading = readTimeWords(text, today);
  let rest = timeReading.rest;

  // Ranking: "top 5 …", "bottom 3 …", "which 3 …", "which customer … most".
  let limit: number | undefined;
  let direction: 'asc' | 'desc' | undefined;
  const ranked = /\b(top|best|highest|largest|biggest|bottom|worst|lowest|smallest|which|first) (\d+)\b/.exec(
    rest,
  );
  if (ranked) {
    limit = Number(ranked[2]);
    direction = ASC_WORDS.test(ranked[1] as string) ? 'asc' : 'desc';
    rest = rest.replace(ranked[0], ranked[1] === 'which' ? 'which' : (ranked[1] as string));
  }
  if (ASC_WORDS.test(rest)) direction = 'asc';
  else if (DESC_WORDS.test(rest)) direction ??= 'desc';

  const tokens = rest.split(' ').filter(Boolean);
  const matches = matchPhrases(tokens, lexicon);

  const personal = matches.find((m) => m.entries.some((e) => e.kind === 'personal'));
  if (personal) return say.personalData(personal.text, catalog);

  // A phrase that names a metric and also a value ("sales": revenue, or the Sales department)
  // is the metric unless another phrase already names one.
  const metricPhrases = matches.filter((m) => m.entries.some((e) => e.kind === 'metric'));
  for (const match of matches) {
    const kinds = new Set(match.entries.map((e) => e.kind));
    if (kinds.has('metric') && kinds.size > 1) {
      const otherMetric = metricPhrases.some((m) => m !== match);
      match.entries = match.entries.filter((e) => (otherMetric ? e.kind !== 'metric' : e.kind === 'metric'));
    }
  }

  const metricNames: string[] = [];
  for (const match of matches) {
    const metrics = match.entries.filter(
      (e): e is Extract<LexiconEntry, { kind: 'metric' }> => e.kind === 'metric',
    );
    if (metrics.length > 1)
      return say.whichMetric(
        question,
        match.text,
        metrics.map((m) => m.name),
        catalog,
      );
    const name = metrics[0]?.name;
    if (name && !metricNames.includes(name)) metricNames.push(name);
  }
  if (metricNames.length === 0) return say.notUnderstood(catalog);

  const factTables = new Set(
    metricNames.map((name) => metricTable(catalog, metricByName(catalog, name) as never)?.name),
  );
  const reachable = (dimension: string) =>
    [...factTables].every(
      (t) => t && reachableSource(catalog, dimensionByName(catalog, dimension) as never, t),
    );

  // Group-bys: a dimension introduced by "by/per/each/across", listed after one with "and",
  // or named by a ranking ("top 5 products", "which customer").
  const dimensions: string[] = [];
  let grouping = false;
  let singularRanking = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const match = matches.find((m) => m.start === i);
    if (!match) {
      if (GROUP_WORDS.has(token)) grouping = true;
      else if (!LIST_WORDS.has(token) && !FILLER.has(token)) grouping = false;
      continue;
    }
    const dimension = match.entries.find((e) => e.kind === 'dimension');
    const ranking = RANKING_WORDS.test(tokens[i - 1] ?? '');
    if (dimension && (grouping || ranking) && !dimensions.includes(dimension.name)) {
      dimensions.push(dimension.name);
      if (ranking && /^(which|what)$/.test(tokens[i - 1] ?? '') && stem(match.text) === match.text)
        singularRanking = true;
    }
    grouping = grouping && !!dimension;
    i = match.end - 1;
  }

  // Filters: values, grouped by dimension. A value of several dimensions is a question to ask.
  const filters: SemanticQuery['filters'] = [];
  for (const match of matches) {
    const values = match.entries.filter(
      (e): e is Extract<LexiconEntry, { kind: 'value' }> => e.kind === 'value',
    );
    if (values.length === 0) continue;
    const usable = values.filter((v) => reachable(v.dimension));
    const dims = [...new Set(usable.map((v) => v.dimension))];
    if (dims.length > 1) return say.whichDimension(question, match.text, dims, catalog);
    const chosen = usable[0] ?? values[0];
    if (!chosen) continue;
    if (!reachable(chosen.dimension)) return say.unreachable(metricNames, chosen.dimension, catalog);
    const filter = filters.find((f) => f.dimension === chosen.dimension);
    if (filter) filter.values.includes(chosen.value) || filter.values.push(chosen.value);
    else filters.push({ dimension: chosen.dimension, values: [chosen.value] });
  }

  for (const dimension of dimensions)
    if (!reachable(dimension)) return say.unreachable(metricNames, dimension, catalog);

  const query: SemanticQuery = { metrics: metricNames, dimensions, filters };
  if (timeReading.time) query.time = timeReading.time;
  if (timeReading.grain) query.grain = timeReading.grain;
  if (timeReading.compare) query.compare = timeReading.compare;
  const timeless = metricNames.filter(
    (n) => !metricTimeColumn(catalog, metricByName(catalog, n) as MetricDef),
  );
  if ((query.grain || query.time) && timeless.length > 0) return say.noTimeColumn(timeless, catalog);
  if (limit !== undefined || (direction && dimensions.length > 0)) {
    query.order = { by: 'metric', metric: metricNames[0], direction: direction ?? 'desc' };
    // "which customer had the most revenue" asks for one; "which customers …" for a ranking.
    const one = singularRanking && limit === undefined && direction !== undefined;
    if (limit !== undefined || one) query.limit = limit ?? 1;
  }
  return { kind: 'query', query };
}

/** Longest phrases first, left to right; small misspellings of longer words are forgiven. */
export function matchPhrases(tokens: string[], lexicon: Lexicon): Match[] {
  const stems = tokens.map(stem);
  const matches: Match[] = [];
  for (let i = 0; i < stems.length; ) {
    let found: Match | undefined;
    for (let length = Math.min(lexicon.longest, stems.length - i); length >= 1 && !found; length--) {
      const phrase = stems.slice(i, i + length);
      const exact = lexicon.phrases.get(phrase.join(' '));
      if (exact) {
        found = {
          start: i,
          end: i + length,
          text: tokens.slice(i, i + length).join(' '),
          entries: [...exact],
        };
        break;
      }
      const fuzzy = fuzzyLookup(phrase, lexicon);
      if (fuzzy.length > 0)
        found = { start: i, end: i + length, text: tokens.slice(i, i + length).join(' '), entries: fuzzy };
    }
    if (found) {
      matches.push(found);
      i = found.end;
    } else i++;
  }
  return matches;
}

function fuzzyLookup(phrase: string[], lexicon: Lexicon): LexiconEntry[] {
  if (phrase.every((w) => w.length < 4)) return [];
  const found: LexiconEntry[] = [];
  for (const [key, entries] of lexicon.phrases) {
    const known = key.split(' ');
    if (known.length !== phrase.length) continue;
    if (known.every((w, i) => similarWord(phrase[i] as string, w))) found.push(...entries);
  }
  return found;
}
