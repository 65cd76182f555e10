/**
 * Reading a question: the phases that turn words into catalog terms, before any planning.
 *
 *   normalize → guard (destructive words) → time words → ranking, sorting, units, conditions
 *   → phrase matching → personal data? → metric-or-value ambiguity → group-bys → filters
 *
 * A reading may be partial ("only EMEA"): a follow-up merges it into the previous query.
 */
import type { IsoDate } from '../dates.ts';
import type { Condition, SemanticQuery, Unit } from '../query.ts';
import type { Catalog, Grain } from '../schema.ts';
import type { Lexicon, LexiconEntry } from './lexicon.ts';
import * as say from './messages.ts';
import type { Understanding } from './parse.ts';
import { readTimeWords } from './time-words.ts';
import { normalizeText, similarWord, stem } from './words.ts';

export interface Reading {
  text: string;
  metrics: string[];
  dimensions: string[];
  /** Each value phrase with what it may be: one option, or several dimensions to choose from. */
  values: { said: string; options: { dimension: string; value: string }[] }[];
  time?: SemanticQuery['time'];
  grain?: Grain;
  compare?: 'previous_year' | 'previous_period';
  direction?: 'asc' | 'desc';
  limit?: number;
  singularRanking: boolean;
  alphabetical: boolean;
  conditions: Condition[];
  unit?: Unit;
  /** Dimensions the question lifts the filter of ("all regions"). */
  unfiltered: string[];
}

interface Match {
  start: number;
  end: number;
  text: string;
  entries: LexiconEntry[];
}

const DESTRUCTIVE =
  /\b(delete|drop table|drop schema|drop database|truncate|insert|update|alter|grant|revoke|create table|wipe|erase|remove all|destroy|overwrite)\b/;
const GROUP_WORDS = new Set(['by', 'per', 'each', 'across', 'every']);
const LIST_WORDS = new Set(['and', 'or', 'then', 'also']);
const FILLER = new Set(['the', 'a', 'an', 'our', 'product', 'of', 'all', 'its', 'their']);
const RANKING_WORDS = /^(top|best|highest|largest|biggest|bottom|worst|lowest|smallest|which|what|first)$/;
/** How many rows "top products" shows when the question names no number. */
const DEFAULT_TOP = 10;
const DESCRIBING = /^(performing|selling|earning|growing|spending|paying|buying|ordering|rated)$/;
const DESC_WORDS = /\b(top|best|highest|most|largest|biggest|greatest|leading|maximum|max|descending|desc)\b/;
const ASC_WORDS = /\b(bottom|worst|lowest|least|fewest|smallest|minimum|min|ascending|asc)\b/;
const UNITS: [RegExp, Unit][] = [
  [/\bin (?:\$ ?)?(?:thousands|k)\b/, 'thousand'],
  [/\bin (?:\$ ?)?(?:millions|mn|mm|m)\b/, 'million'],
  [/\bin (?:\$ ?)?(?:billions|bn|b)\b/, 'billion'],
];
const MULTIPLIER: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mn: 1e6,
  mm: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
};
const CONDITION =
  /\b(over|above|more than|greater than|exceeding|at least|under|below|less than|at most|>=|<=|>|<) \$? ?(\d[\d,]*(?:\.\d+)?) ?(k|thousand|m|mn|mm|million|b|bn|billion)?\b/g;

export function readQuestion(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Reading | Understanding {
  const text = normalizeText(question);
  if (!text) return say.emptyQuestion(catalog);
  if (DESTRUCTIVE.test(text)) return say.destructive(catalog);

  const time = readTimeWords(text, today);
  let rest = ` ${time.rest} `;
  const reading: Reading = {
    text,
    metrics: [],
    dimensions: [],
    values: [],
    singularRanking: false,
    alphabetical: false,
    conditions: [],
    unfiltered: [],
  };
  if (time.time) reading.time = time.time;
  if (time.grain) reading.grain = time.grain;
  if (time.compareKind) reading.compare = time.compareKind;

  for (const [re, unit] of UNITS) {
    if (re.test(rest)) {
      reading.unit = unit;
      rest = rest.replace(re, ' ');
    }
  }

  // Numeric conditions leave a marker, so their subject is the phrase just before it.
  const found: { op: Condition['op']; value: number }[] = [];
  rest = rest.replace(CONDITION, (_whole, word: string, number: string, scale: string | undefined) => {
    const value = Number(number.replaceAll(',', '')) * (scale ? (MULTIPLIER[scale] ?? 1) : 1);
    const op: Condition['op'] = /over|above|more|greater|exceeding|^>$/.test(word)
      ? '>'
      : /at least|>=/.test(word)
        ? '>='
        : /at most|<=/.test(word)
          ? '<='
          : '<';
    found.push({ op, value });
    return ` §${found.length - 1} `;
  });

  // Ranking: "top 5 …", "bottom 3 …", "which 3 …", "which customer … most".
  const ranked = /\b(top|best|highest|largest|biggest|bottom|worst|lowest|smallest|which|first) (\d+)\b/.exec(
    rest,
  );
  if (ranked) {
    reading.limit = Number(ranked[2]);
    reading.direction = ASC_WORDS.test(ranked[1] as string) ? 'asc' : 'desc';
    rest = rest.replace(ranked[0], ranked[1] as string);
  }
  if (/\b(alphabetical|alphabetically|a to z|a-z|by name)\b/.test(rest)) reading.alphabetical = true;
  if (ASC_WORDS.test(rest)) reading.direction = 'asc';
  else if (DESC_WORDS.test(rest)) reading.direction ??= 'desc';

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
    if (name && !reading.metrics.includes(name)) reading.metrics.push(name);
  }

  for (const [index, condition] of found.entries()) {
    const at = tokens.indexOf(`§${index}`);
    const subject = [...matches]
      .reverse()
      .find((m) => m.end <= at && m.entries.some((e) => e.kind === 'metric'));
    const metric = subject?.entries.find((e) => e.kind === 'metric');
    if (!subject || metric?.kind !== 'metric') continue;
    const before = tokens[subject.start - 1] ?? '';
    const level = /^(with|having|where|whose)$/.test(before) ? 'group' : 'row';
    reading.conditions.push({ metric: metric.name, level, op: condition.op, value: condition.value });
  }

  readGroupBys(tokens, matches, reading);

  // A condition on groups needs groups; without them it picks rows ("tickets with first response
  // over 200 minutes"), and the metric that only names the rows is not itself asked for
  // ("revenue from orders over $1,000").
  for (const condition of reading.conditions) {
    if (condition.level === 'group' && reading.dimensions.length === 0 && !reading.grain)
      condition.level = 'row';
    if (condition.level === 'row' && reading.metrics.length > 1) {
      reading.metrics = reading.metrics.filter((m) => m !== condition.metric);
    }
  }
  for (const match of matches) {
    const values = match.entries.filter(
      (e): e is Extract<LexiconEntry, { kind: 'value' }> => e.kind === 'value',
    );
    if (values.length === 0) continue;
    // "web channel": a dimension named next to an ambiguous value says which one it is.
    const neighbours = matches
      .filter((m) => m.end === match.start || m.start === match.end)
      .flatMap((m) => m.entries.flatMap((e) => (e.kind === 'dimension' ? [e.name] : [])));
    const named = values.filter((v) => neighbours.includes(v.dimension));
    const options = (named.length > 0 ? named : values).map((v) => ({
      dimension: v.dimension,
      value: v.value,
    }));
    reading.values.push({ said: match.text, options });
  }
  // "hardware vs software": values of one dimension set against each other are compared side by side.
  if (/\b(vs|versus|compared to|compared with|against)\b/.test(rest)) {
    const single = reading.values.flatMap((v) => (v.options.length === 1 ? [v.options[0]?.dimension] : []));
    for (const dimension of new Set(single)) {
      if (
        dimension &&
        single.filter((d) => d === dimension).length > 1 &&
        !reading.dimensions.includes(dimension)
      ) {
        reading.dimensions.push(dimension);
      }
    }
  }
  for (const match of matches) {
    const dimension = match.entries.find((e) => e.kind === 'dimension');
    const before = tokens[match.start - 1] ?? '';
    if (dimension?.kind === 'dimension' && /^(all|any|every)$/.test(before))
      reading.unfiltered.push(dimension.name);
  }
  return reading;
}

/**
 * Group-bys: a dimension introduced by "by/per/each/across", listed after one with "and", or
 * named by a ranking ("top 5 products", "which customer"). A dimension noun qualified by a value
 * ("enterprise customers") is not a group-by.
 */
function readGroupBys(tokens: string[], matches: Match[], reading: Reading): void {
  let grouping = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const match = matches.find((m) => m.start === i);
    if (!match) {
      if (GROUP_WORDS.has(token)) grouping = true;
      else if (!LIST_WORDS.has(token) && !FILLER.has(token)) grouping = false;
      continue;
    }
    const dimension = match.entries.find((e) => e.kind === 'dimension');
    // "best performing region", "top selling products": one describing word may stand between.
    const previous = (DESCRIBING.test(tokens[i - 1] ?? '') ? tokens[i - 2] : tokens[i - 1]) ?? '';
    const ranking = RANKING_WORDS.test(previous);
    // "customers with revenue over $1M": the dimension is what the condition picks among.
    const picked =
      /^(with|having|whose|that|who)$/.test(tokens[match.end] ?? '') &&
      reading.conditions.some((c) => c.level === 'group');
    if (
      dimension?.kind === 'dimension' &&
      (grouping || ranking || picked) &&
      !reading.dimensions.includes(dimension.name)
    ) {
      reading.dimensions.push(dimension.name);
      // "which customer", "best performing region": one is asked for; "top products": a short list.
      if (ranking && stem(match.text) === match.text) reading.singularRanking = true;
      else if (ranking && /^(top|bottom|best|worst)$/.test(previous)) reading.limit ??= DEFAULT_TOP;
    }
    grouping = grouping && !!dimension;
    i = match.end - 1;
  }
}

/** Longest phrases first, left to right; small misspellings of longer words are forgiven. */
export function matchPhrases(tokens: string[], lexicon: Lexicon): Match[] {
  const stems = tokens.map(stem);
  const matches: Match[] = [];
  for (let i = 0; i < stems.length; ) {
    let found: Match | undefined;
    for (let length = Math.min(lexicon.longest, stems.length - i); length >= 1 && !found; length--) {
      const phrase = stems.slice(i, i + length);
      const text = tokens.slice(i, i + length).join(' ');
      const exact = lexicon.phrases.get(phrase.join(' '));
      if (exact) found = { start: i, end: i + length, text, entries: [...exact] };
      else {
        const fuzzy = fuzzyLookup(phrase, lexicon);
        if (fuzzy.length > 0) found = { start: i, end: i + length, text, entries: fuzzy };
      }
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
