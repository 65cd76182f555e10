/**
 * Reading a question: the phases that turn words into catalog terms, before any planning.
 *
 *   normalize → guard (destructive words) → time words → ranking, sorting, units, conditions
 *   → phrase matching → personal data? → metric-or-value ambiguity → group-bys → filters
 *
 * A reading may be partial ("only EMEA"): a follow-up merges it into the previous query.
 */
import { dimensionByName, expressionColumns, metricByName, metricTable } from '../catalog.ts';
import type { IsoDate } from '../dates.ts';
import type { Condition, SemanticQuery, Unit } from '../query.ts';
import type { Catalog, Grain } from '../schema.ts';
import { countOfGroups } from './count-groups.ts';
import { type FieldMatch, readIdValues, readNamedFields, scopePersonal } from './fields.ts';
import { FUNCTION_WORDS } from './function-words.ts';
import type { Lexicon, LexiconEntry } from './lexicon.ts';
import { isLinkingVerb } from './linking-verbs.ts';
import * as say from './messages.ts';
import type { Understanding } from './parse.ts';
import { countFor, readFrequency, readRatios } from './per-and-frequency.ts';
import { readSorting, SORT_MARKER } from './sorting.ts';
import { plainCount, readOwnedMetrics, readSubjects } from './subjects.ts';
import { readTimeWords, TIME_WORDS } from './time-words.ts';
import { normalizeText, similarWord, stem, words } from './words.ts';

export interface Reading {
  text: string;
  metrics: string[];
  dimensions: string[];
  /** Each value phrase with what it may be: one option, or several dimensions to choose from. */
  values: { said: string; options: { dimension: string; value: string }[]; exclude?: boolean }[];
  time?: SemanticQuery['time'];
  grain?: Grain;
  compare?: 'previous_year' | 'previous_period';
  /** A second period named outright ("Q1 vs Q2"): what `time` is compared with. */
  comparedWith?: SemanticQuery['time'];
  direction?: 'asc' | 'desc';
  limit?: number;
  singularRanking: boolean;
  alphabetical: boolean;
  /** "how many customers had more than 10 orders": the groups meeting the condition are counted. */
  countGroups?: SemanticQuery['countGroups'];
  /** "ordered by X": the metric or dimension named as the sort key. */
  sortKey?: { kind: 'metric' | 'dimension' | 'time'; name: string };
  conditions: Condition[];
  unit?: Unit;
  /** Dimensions the question lifts the filter of ("all regions"). */
  unfiltered: string[];
  /** Words no phase could place (with known words they may be misspellings of): the question is
   * not understood as asked while any remain. */
  leftovers: { word: string; candidates: string[] }[];
  /** Misspellings read as a known word ("quater" → "quarter"), said in the restatement. */
  corrections: { typed: string; read: string }[];
  /** Which typed words became which part of the query, for the restatement. */
  parts: { said: string; became: string }[];
}

type Match = FieldMatch;

const DESTRUCTIVE =
  /\b(delete|drop table|drop schema|drop database|truncate|insert|update|alter|grant|revoke|create table|wipe|erase|remove all|destroy|overwrite)\b/;
const SAME_PERIOD =
  /\b(?:in |during |for )?(?:that|the same|this same) (?:year|month|quarter|week|day|period|time)\b/g;
const WHOLE_DATA =
  /\b(?:in|from|of|across) (?:the|this|our|your) (?:database|db|system|warehouse|records)\b/g;
const GROUP_WORDS = new Set(['by', 'per', 'each', 'across', 'every']);
const LIST_WORDS = new Set(['and', 'or', 'then', 'also']);
const FILLER = new Set(['the', 'a', 'an', 'our', 'product', 'of', 'all', 'its', 'their']);
const RANKING_WORDS =
  /^(top|best|highest|largest|biggest|bottom|worst|lowest|smallest|longest|shortest|tallest|oldest|newest|cheapest|busiest|which|what|first)$/;
/** How many rows "top products" shows when the question names no number. */
const DEFAULT_TOP = 10;
const DESCRIBING = /^(performing|selling|earning|growing|spending|paying|buying|ordering|rated)$/;
const DESC_WORDS =
  /\b(top|best|highest|most|largest|biggest|greatest|leading|maximum|max|descending|desc|longest|tallest|newest|busiest)\b/;
const ASC_WORDS =
  /\b(bottom|worst|lowest|least|fewest|smallest|minimum|min|ascending|asc|shortest|oldest|cheapest)\b/;
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
  /\b(over|above|more than|greater than|higher than|larger than|bigger than|exceeding|at least|no less than|under|below|less than|fewer than|lower than|smaller than|at most|no more than) \$? ?(\d[\d,]*(?:\.\d+)?) ?(k|thousand|m|mn|mm|million|b|bn|billion)?\b/g;

export function readQuestion(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Reading | Understanding {
  const typed = normalizeText(question);
  if (!typed) return say.emptyQuestion(catalog);
  if (DESTRUCTIVE.test(typed)) return say.destructive(catalog);
  const { text, corrections } = correctSpelling(typed, lexicon);

  // "the journals in the database": the whole of the data, which every question is about anyway.
  const time = readTimeWords(text.replace(WHOLE_DATA, ' '), today);
  // "… in 2021, and how many did they have that year": the period already read, named again.
  if (time.time || time.grain) time.rest = time.rest.replace(SAME_PERIOD, ' ');
  const sorting = readSorting(time.rest);
  const frequency = readFrequency(sorting.rest);
  let rest = ` ${frequency.rest} `;
  const reading: Reading = {
    text,
    metrics: [],
    dimensions: [],
    values: [],
    singularRanking: false,
    alphabetical: false,
    conditions: [],
    unfiltered: [],
    leftovers: [],
    corrections,
    parts: [],
  };
  if (time.time) reading.time = time.time;
  if (time.grain) reading.grain = time.grain;
  if (time.compareKind) reading.compare = time.compareKind;
  if (time.explicitCompare) reading.comparedWith = time.explicitCompare;

  for (const [re, unit] of UNITS) {
    if (re.test(rest)) {
      reading.unit = unit;
      rest = rest.replace(re, ' ');
    }
  }

  // Numeric conditions leave a marker, so their subject is the phrase just before it.
  const found: { op: Condition['op']; value: number; said: string }[] = [];
  rest = rest.replace(CONDITION, (whole: string, word: string, number: string, scale: string | undefined) => {
    const value = Number(number.replaceAll(',', '')) * (scale ? (MULTIPLIER[scale] ?? 1) : 1);
    const op: Condition['op'] = /at least|no less/.test(word)
      ? '>='
      : /at most|no more/.test(word)
        ? '<='
        : /over|above|more|greater|higher|larger|bigger|exceeding/.test(word)
          ? '>'
          : '<';
    found.push({ op, value, said: whole.trim() });
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
  // "the 3 cities with the highest population": a count of things ranked elsewhere in the question.
  const counted = /\b(the|which|what) (\d{1,3})\b(?! (?:percent|%|days?|weeks?|months?|years?))/.exec(rest);
  if (!ranked && counted && (DESC_WORDS.test(rest) || ASC_WORDS.test(rest) || sorting.direction)) {
    reading.limit = Number(counted[2]);
    // The things counted are ranked, as after "which".
    rest = rest.replace(counted[0], 'which');
  }
  if (sorting.alphabetical || /\bby name\b/.test(rest)) reading.alphabetical = true;
  if (sorting.direction) reading.direction ??= sorting.direction;
  else if (ASC_WORDS.test(rest)) reading.direction = 'asc';
  else if (DESC_WORDS.test(rest)) reading.direction ??= 'desc';

  const tokens = dropInnerGrammar(rest.split(' ').filter(Boolean), lexicon);
  const matches = matchPhrases(tokens, lexicon);
  readNamedFields(tokens, matches, lexicon, catalog);
  readIdValues(tokens, matches, catalog);
  scopePersonal(matches, catalog);

  const personal = matches.find((m) => m.entries.some((e) => e.kind === 'personal'));
  if (personal) return say.personalData(personal.text, catalog);

  // "the largest areas in square kilometers": a unit after "in" says how a metric is measured, even
  // where the catalog also calls a metric by that unit's name.
  for (const match of [...matches]) {
    const unit = match.text.split(' ').every((w) => UNIT_WORDS.test(w)) && tokens[match.start - 1] === 'in';
    if (unit && matches.some((m) => m !== match && m.entries.some((e) => e.kind === 'metric')))
      matches.splice(matches.indexOf(match), 1);
  }
  readOwnedMetrics(matches, lexicon, catalog);
  // A phrase that names a metric and also a value ("sales": revenue, or the Sales department)
  // is the metric unless another phrase already names one.
  const metricPhrases = matches.filter((m) => m.entries.some((e) => e.kind === 'metric'));
  for (const match of matches) {
    // "average rating of reviews": a metric's name after "of" another metric is that metric's subject.
    if (match.entries.some((e) => e.kind === 'entity') && match.entries.some((e) => e.kind === 'metric')) {
      // "… of reviews", "citations received by publications": only grammar and linking verbs between.
      let back = match.start - 1;
      const between = (at: number) => {
        const t = tokens[at] as string;
        if (t === 'by') return passiveVerb(tokens, at - 1, matches);
        return (
          /^(of|for|the|a|an|all)$/.test(t) || (tokens[at + 1] === 'by' && passiveVerb(tokens, at, matches))
        );
      };
      while (back >= 0 && between(back)) back--;
      const subject = back < match.start - 1 && metricPhrases.some((m) => m !== match && m.end === back + 1);
      match.entries = match.entries.filter((e) => (subject ? e.kind === 'entity' : e.kind !== 'entity'));
    }
    const kinds = new Set(match.entries.map((e) => e.kind));
    // "more than 2 papers": what the number counts is a metric.
    if (kinds.has('metric') && /^§\d+$/.test(tokens[match.start - 1] ?? '')) {
      match.entries = match.entries.filter((e) => e.kind === 'metric');
      continue;
    }
    if (kinds.has('metric') && kinds.size > 1) {
      // "which papers …": the things themselves are asked for, not how many there are.
      const which = /^(which|what)$/.test(tokens[match.start - 1] ?? '') && kinds.has('dimension');
      // Another metric, not the same one named twice ("the most courses … how many courses").
      const mine = match.entries.flatMap((e) => (e.kind === 'metric' ? [e.name] : []));
      const otherMetric =
        which ||
        metricPhrases.some(
          (m) => m !== match && !m.entries.some((e) => e.kind === 'metric' && mine.includes(e.name)),
        );
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

  const ratios = readRatios(tokens, matches, reading.metrics, catalog);
  reading.metrics = ratios.metrics;
  const unplacedRatios = ratios.unplaced;
  for (const match of unplacedRatios) matches.splice(matches.indexOf(match), 1);

  const attached = new Set<number>();
  // Said once, as the ratio the catalog lacks, not word by word.
  for (const match of unplacedRatios) for (let i = match.start; i < match.end; i++) attached.add(i);
  for (const [index, condition] of found.entries()) {
    const at = tokens.indexOf(`§${index}`);
    // "more than 5 restaurants": things named after the number are counted, by their table's count.
    const things = matches.find((m) => m.start === at + 1 && !m.entries.some((e) => e.kind === 'metric'));
    const entities = things?.entries.filter(
      (e): e is Extract<LexiconEntry, { kind: 'entity' }> => e.kind === 'entity',
    );
    const count = entities?.length ? plainCount(catalog, entities) : undefined;
    if (things && count) {
      things.entries = [{ kind: 'metric', name: count.name }];
      if (!reading.metrics.includes(count.name)) reading.metrics.push(count.name);
    }
    // "more than 10 orders": a count named after the number is each group's count.
    const counted = matches.find((m) => m.start === at + 1 && m.entries.some((e) => e.kind === 'metric'));
    const subject =
      counted ??
      [...matches].reverse().find((m) => m.end <= at && m.entries.some((e) => e.kind === 'metric'));
    const metric = subject?.entries.find((e) => e.kind === 'metric');
    if (!subject || metric?.kind !== 'metric') continue;
    const before = tokens[subject.start - 1] ?? '';
    const level = counted || /^(with|having|where|whose)$/.test(before) ? 'group' : 'row';
    reading.conditions.push({ metric: metric.name, level, op: condition.op, value: condition.value });
    reading.parts.push({ said: condition.said, became: `condition on ${metric.name}` });
    attached.add(at);
  }

  readGroupBys(tokens, matches, reading);
  reading.metrics = readSubjects(
    tokens,
    matches,
    reading.metrics,
    reading.dimensions,
    catalog,
    reading.conditions.filter((c) => c.level === 'row').map((c) => c.metric),
  );
  // "the most common category": counted, never ranked by the default metric.
  const frequent = frequency.frequent && reading.metrics.length === 0 && reading.dimensions[0];
  const frequencyCount = frequent ? countFor(frequent, catalog) : undefined;
  if (frequencyCount) reading.metrics = [frequencyCount];
  // "how many cities …": the field named right after the counting words.
  const countedField = matches
    .find((m) => m.start === 2 && tokens[0] === 'how' && tokens[1] === 'many')
    ?.entries.find((e) => e.kind === 'dimension');
  const groups = countOfGroups(
    text,
    reading.metrics.filter((m) => !reading.conditions.some((c) => c.metric === m)),
    reading.conditions,
    catalog,
    countedField?.kind === 'dimension' ? countedField.name : undefined,
  );
  if (groups) {
    reading.metrics = groups.metrics;
    reading.dimensions = [groups.dimension, ...reading.dimensions];
    reading.countGroups = groups.countGroups;
    for (const condition of reading.conditions) condition.level = 'group';
  }
  if (sorting.keyed) reading.sortKey = sortKey(tokens, matches);
  if (sorting.byTime) reading.sortKey = { kind: 'time', name: '' };

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
      .filter((m) => beside(m, match, tokens))
      .flatMap((m) => m.entries.flatMap((e) => (e.kind === 'dimension' ? [e.name] : [])));
    const named = values.filter((v) => neighbours.includes(v.dimension));
    const directed = values.filter((v) => direction(tokens, match.start, v.dimension, catalog));
    const chosen = named.length > 0 ? named : directed.length > 0 ? directed : values;
    const options = chosen.map((v) => ({
      dimension: v.dimension,
      value: v.value,
    }));
    // "revenue not from Partner", "excluding hardware": every member but this one.
    const negation = negationBefore(tokens, match.start);
    for (const at of negation) attached.add(at);
    reading.values.push({ said: match.text, options, ...(negation.length > 0 ? { exclude: true } : {}) });
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
  const compared =
    reading.compare !== undefined ||
    (/\b(vs|versus|compared|against)\b/.test(rest) && reading.dimensions.length > 0);
  dropPossessedMetrics(tokens, matches, reading);
  const vocabulary = wordIndex(lexicon).catalogWords;
  reading.leftovers = leftoverWords(tokens, matches, attached, found, {
    compared,
    alphabetical: reading.alphabetical,
    catalog,
    metrics: reading.metrics,
  }).map((word) => ({ word, candidates: nearestReadings(word, lexicon, vocabulary) }));
  // "most common" by which count, when the catalog has several (or none) reaching the field.
  if (frequency.frequent && reading.metrics.length === 0)
    reading.leftovers.push({ word: frequency.frequent, candidates: [] });
  for (let i = 0; i + 1 < unplacedRatios.length; i += 2)
    reading.leftovers.push({
      word: `${unplacedRatios[i]?.text} per ${unplacedRatios[i + 1]?.text}`,
      candidates: [],
    });
  // A field named but neither grouped by, ranked, nor qualified by a value ("the cities in X",
  // "average rating of businesses"): answering without it would answer another question.
  for (const match of matches) {
    if (!match.entries.every((e) => e.kind === 'dimension')) continue;
    const name = (match.entries[0] as { name: string }).name;
    const besideValue = matches.some(
      (m) =>
        beside(m, match, tokens) &&
        m.entries.some(
          (e) =>
            e.kind === 'value' && (e.dimension === name || m.start === match.end || m.end === match.start),
        ),
    );
    if (reading.dimensions.includes(name) || reading.unfiltered.includes(name) || besideValue) continue;
    if (reading.sortKey?.name === name && reading.alphabetical) continue;
    reading.leftovers.push({ word: match.text, candidates: [`by ${match.text}`] });
  }
  for (const match of matches) {
    const entry = match.entries[0];
    if (entry)
      reading.parts.push({
        said: match.text,
        became: `${entry.kind} ${'name' in entry ? entry.name : ''}`.trim(),
      });
  }
  if (reading.time) reading.parts.push({ said: reading.time.label, became: 'time' });
  return reading;
}

const COMPARISON_WORDS =
  /^(vs|versus|compare|compared|comparing|against|growth|grew|grow|growing|change|changed|increase|decrease|difference|delta)$/;
/** Words that restate how a metric is aggregated: "average response time" when it is an AVG. */
const AGGREGATE_WORDS: [RegExp, RegExp][] = [
  [/^(average|avg|mean)$/, /^\s*avg\s*\(/i],
  [/^(count|number)$/, /^\s*count\s*\(/i],
  [/^(sum|total)$/, /^\s*(sum|count)\s*\(/i],
  [/^(distinct|unique|different)$/, /^\s*count\s*\(\s*distinct\b/i],
];
const ALPHABETICAL_WORDS = /^(alphabetical|alphabetically|a|to|z|a-z|name)$/;

/**
 * The words of `tokens` that no phase placed: not part of a catalog phrase, an attached
 * condition, a ranking, sorting or comparison word that took effect, nor a function word.
 */
function leftoverWords(
  tokens: string[],
  matches: Match[],
  attached: Set<number>,
  conditions: { said: string }[],
  effects: { compared: boolean; alphabetical: boolean; catalog: Catalog; metrics: string[] },
): string[] {
  const placed = new Set<number>();
  for (const match of matches) for (let i = match.start; i < match.end; i++) placed.add(i);
  const metricAt = (index: number) => {
    const match = matches.find((m) => m.start <= index && index < m.end);
    const entry = match?.entries.find((e) => e.kind === 'metric');
    return entry?.kind === 'metric' ? metricByName(effects.catalog, entry.name) : undefined;
  };
  const nextMetric = (index: number) => {
    for (let j = index + 1; j < tokens.length; j++) {
      const metric = metricAt(j);
      if (metric) return metric;
      if (
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
    if (
      RANKING_WORDS.test(token) ||
      DESC_WORDS.test(token) ||
      ASC_WORDS.test(token) ||
      DESCRIBING.test(token)
    )
      continue;
    if (effects.compared && COMPARISON_WORDS.test(token)) continue;
    if (effects.alphabetical && ALPHABETICAL_WORDS.test(token)) continue;
    if (linksTerms(i, tokens, placed)) continue;
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

/** "received" in "citations received by …": a linking verb that is not part of a catalog phrase ("course offerings"). */
function passiveVerb(tokens: string[], at: number, matches: Match[]): boolean {
  return isLinkingVerb(tokens[at] ?? '') && !matches.some((m) => m.start <= at && at < m.end);
}

/** A linking verb after a named thing and before another one (or the end): "restaurants serve Italian food". */
function linksTerms(index: number, tokens: string[], placed: Set<number>): boolean {
  if (!isLinkingVerb(tokens[index] as string)) return false;
  let before = index - 1;
  while (before >= 0 && !placed.has(before) && isGrammarWord(tokens[before] as string)) before--;
  if (before < 0 || !placed.has(before)) return false;
  let after = index + 1;
  while (after < tokens.length && !placed.has(after) && isGrammarWord(tokens[after] as string)) after++;
  return after >= tokens.length || placed.has(after) || isLinkingVerb(tokens[after] as string);
}

const FROM_FIELD = /\b(from|origin|departure|departing|source|sender|start|starting)\b/;
const TO_FIELD = /\b(to|destination|arrival|arriving|target|receiver|recipient|end|ending)\b/;

/** "from LAX to ORD": a value after "from" is the field named for where things start, "to" where they end. */
function direction(tokens: string[], start: number, dimension: string, catalog: Catalog): boolean {
  // "from Los Angeles (LAX)": the nearest from/to a few words back.
  const before = tokens
    .slice(Math.max(0, start - 4), start)
    .reverse()
    .find((t) => t === 'from' || t === 'to');
  if (!before) return false;
  const def = dimensionByName(catalog, dimension);
  const said = `${dimension.replaceAll('_', ' ')} ${def?.label.toLowerCase() ?? ''}`;
  return (before === 'from' ? FROM_FIELD : TO_FIELD).test(said);
}

/** Units a figure may be asked "in": placed only when the metric is measured in that unit. */
const UNIT_WORDS =
  /^(meters?|metres?|kilometers?|kilometres?|km|km2|miles?|feet|foot|square|sq|kg|kilograms?|grams?|g|lbs?|pounds?|cm|centimeters?|mm|minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|mph|kmh|dollars?|usd|eur|euros?|percent|percentage)$/;

/** Whether the metric's own words or its columns' descriptions name the unit ("in meters"). */
function measuredIn(name: string, unit: string, catalog: Catalog): boolean {
  const metric = metricByName(catalog, name);
  if (!metric) return false;
  const columns = expressionColumns(`${metric.expression}`).flatMap(({ alias, column }) => {
    const table = catalog.tables.find((t) => t.alias === alias) ?? metricTable(catalog, metric);
    return table?.columns.find((c) => c.name === column)?.description ?? [];
  });
  const said = words([metric.label, metric.description, metric.row_value ?? '', ...columns].join(' '));
  return said.includes(stem(unit));
}

const NEGATION = /^(not|excluding|exclude|except|without|besides|other|than|apart|minus|including)$/;

/**
 * The negation words just before a value ("not from", "excluding the", "other than", "except
 * for", "not including"), as token positions; empty when the value is not negated ("than" and
 * "including" count only in "other than" and "not including").
 */
function negationBefore(tokens: string[], start: number): number[] {
  const found: number[] = [];
  let at = start - 1;
  while (at >= 0 && /^(from|in|the|for|of|to)$/.test(tokens[at] as string)) at--;
  while (at >= 0 && NEGATION.test(tokens[at] as string)) found.push(at--);
  const said = found
    .map((i) => tokens[i])
    .reverse()
    .join(' ');
  return /^(not|not including|excluding|exclude|except|without|besides|minus|other than|apart)$/.test(said)
    ? found
    : [];
}

/** Naming words between a field and its value: "the state of California", "the journal named Nature". */
const NAMING = /^(of|named|called|titled|the|a|is|equal|equals|to)$/;

/** Next to each other, or apart only by naming words. */
function beside(a: Match, b: Match, tokens: string[]): boolean {
  const [first, second] = a.start < b.start ? [a, b] : [b, a];
  if (first.end > second.start || second.start - first.end > 2) return false;
  return tokens.slice(first.end, second.start).every((t) => NAMING.test(t));
}

function isFunctionWord(token: string): boolean {
  return FUNCTION_WORDS.has(token) || FUNCTION_WORDS.has(stem(token));
}

/**
 * Misspelled words read as the one known word they are close to ("quater" → "quarter"), before
 * any phase reads them. A word close to several known words is left alone: it becomes a
 * leftover, and the clarifying question offers the candidates.
 */
export function correctSpelling(
  text: string,
  lexicon: Lexicon,
): { text: string; corrections: { typed: string; read: string }[] } {
  const { known } = wordIndex(lexicon);
  const corrections: { typed: string; read: string }[] = [];
  const corrected = text
    .split(' ')
    .map((token) => {
      const stemmed = stem(token);
      if (token.length < 4 || /[^a-z]/.test(token) || known.has(token) || known.has(stemmed)) return token;
      const candidates = spellingCandidates(stemmed, known);
      if (candidates.length !== 1) return token;
      const read = candidates[0] as string;
      corrections.push({ typed: token, read });
      return read;
    })
    .join(' ');
  return { text: corrected, corrections };
}

/**
 * What a leftover word may have meant: catalog phrases it is part of ("rate" → "refund rate"),
 * else known words it may be a misspelling of.
 */
function nearestReadings(word: string, lexicon: Lexicon, vocabulary: Set<string>): string[] {
  const stemmed = stem(word);
  if (vocabulary.has(stemmed)) {
    return [...lexicon.phrases.keys()]
      .filter((key) => key !== stemmed && key.split(' ').includes(stemmed))
      .slice(0, 4);
  }
  return spellingCandidates(stemmed, vocabulary);
}

export function spellingCandidates(word: string, known: Set<string>): string[] {
  return [...known].filter((k) => k.length >= 4 && similarWord(word, k));
}

/** Ranking, sorting and comparison words: never read as a misspelling of a catalog word. */
const RANKING_VOCABULARY =
  'top best highest largest biggest bottom worst lowest smallest most least fewest greatest leading maximum minimum ascending descending first alphabetical alphabetically versus compare compared comparing against more less than higher lower fewer greater longest shortest tallest oldest newest cheapest busiest order ordered sort sorted'.split(
    ' ',
  );

/**
 * "return the drug name and …", "show both courses and scores", "what is the highest point": a
 * field asked to be shown is listed.
 */
function shown(tokens: string[], match: Match): boolean {
  let at = match.start - 1;
  while (at >= 0 && /^(the|both|me|us|all|each|every|their|its)$/.test(tokens[at] as string)) at--;
  if (/^(show|return|give|list|display|include|provide)$/.test(tokens[at] ?? '')) return true;
  // "what is the highest point in each state": the field itself is what is asked.
  return /^(is|are|was|were)$/.test(tokens[at] ?? '') && /^(what|which)$/.test(tokens[at - 1] ?? '');
}

/** "the cities in the US and their population": things named first, then what each of them has. */
function owning(tokens: string[], match: Match): boolean {
  return tokens.slice(match.end).some((t) => t === 'their' || t === 'its');
}

/**
 * "patients who had treatments": a metric named after a verb of having, with no "and" before it,
 * qualifies what is counted (patients with treatments) rather than asking for a second number. The
 * reading can't express that, so it stays unplaced, unless a condition is attached to it.
 */
function dropPossessedMetrics(tokens: string[], matches: Match[], reading: Reading): void {
  const asked = matches.filter((m) =>
    m.entries.some((e) => e.kind === 'metric' && reading.metrics.includes(e.name)),
  );
  for (const match of asked.slice(1)) {
    const name = (match.entries.find((e) => e.kind === 'metric') as { name: string }).name;
    let at = match.start - 1;
    while (at >= 0 && /^(a|an|the|any|some|at|least|one|more)$/.test(tokens[at] as string)) at--;
    if (!/^(had|have|has|having|got|get|gets|received|receive|receives)$/.test(tokens[at] ?? '')) continue;
    if (reading.conditions.some((c) => c.metric === name)) continue;
    reading.metrics = reading.metrics.filter((m) => m !== name);
    matches.splice(matches.indexOf(match), 1);
  }
}

/** The metric or dimension phrase right after "ordered by" (grammar words between are skipped). */
function sortKey(tokens: string[], matches: Match[]): Reading['sortKey'] {
  const at = tokens.indexOf(SORT_MARKER);
  const next = matches.find((m) => m.start > at);
  if (!next || tokens.slice(at + 1, next.start).some((t) => !isGrammarWord(t))) return undefined;
  const entry =
    next.entries.find((e) => e.kind === 'metric') ?? next.entries.find((e) => e.kind === 'dimension');
  return entry && (entry.kind === 'metric' || entry.kind === 'dimension')
    ? { kind: entry.kind, name: entry.name }
    : undefined;
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
      // "citations received by publications": after a linking verb, "by" names who did it.
      if (GROUP_WORDS.has(token)) grouping = !(token === 'by' && passiveVerb(tokens, i - 1, matches));
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
      (grouping || ranking || picked || match.listed || owning(tokens, match) || shown(tokens, match)) &&
      !reading.dimensions.includes(dimension.name)
    ) {
      reading.dimensions.push(dimension.name);
      // "which customer", "best performing region": one is asked for; "top products": a short list.
      if (ranking && stem(match.text) === match.text) reading.singularRanking = true;
      else if (ranking && /^(top|bottom|best|worst)$/.test(previous)) reading.limit ??= DEFAULT_TOP;
      // "the name of the restaurant with the highest rating": one is asked for.
      const thing = match.text.split(' ').pop() as string;
      if (
        (match.listed || shown(tokens, match)) &&
        reading.direction &&
        stem(thing) === thing &&
        !/^names?|titles?$/.test(thing)
      )
        reading.singularRanking = true;
    }
    grouping = grouping && !!dimension;
    i = match.end - 1;
  }
}

/**
 * The catalog phrases of `tokens`, chosen so that the fewest content words are left over (then
 * the fewest phrases, then exact over forgiven spellings): "number of papers published" reads as
 * "number of" + "papers published" when that leaves nothing, though "number of papers" is longer.
 */
export function matchPhrases(tokens: string[], lexicon: Lexicon): Match[] {
  const stems = tokens.map(stem);
  const n = stems.length;
  // best[i]: the cheapest reading of tokens i…n-1.
  const best: { cost: number; match?: Match }[] = new Array(n + 1);
  best[n] = { cost: 0 };
  for (let i = n - 1; i >= 0; i--) {
    const token = tokens[i] as string;
    let choice = { cost: (best[i + 1] as { cost: number }).cost + skipCost(token) };
    let chosen: Match | undefined;
    const fuzzy = fuzzyAt(stems, i, lexicon);
    for (let length = Math.min(lexicon.longest, n - i); length >= 1; length--) {
      const exact = lexicon.phrases.get(stems.slice(i, i + length).join(' '));
      const entries = exact ? [...exact] : (fuzzy.get(length) ?? []);
      if (entries.length === 0) continue;
      const cost = (best[i + length] as { cost: number }).cost + (exact ? 0.002 : 0.004);
      if (cost < choice.cost - 1e-9) {
        choice = { cost };
        chosen = { start: i, end: i + length, text: tokens.slice(i, i + length).join(' '), entries };
      }
    }
    best[i] = chosen ? { cost: choice.cost, match: chosen } : choice;
  }
  const matches: Match[] = [];
  for (let i = 0; i < n; ) {
    const match = best[i]?.match;
    if (match) {
      matches.push(match);
      i = match.end;
    } else i++;
  }
  return matches;
}

/**
 * What leaving a word outside every phrase costs. Grammar costs a little, so a phrase that
 * includes it ("how many mountains") wins; an aggregate word more, since it is placed only beside
 * a metric aggregated its way ("average number of citations" over "number of" + "citations
 * received"); a linking verb less than a content word, since it may link two named things.
 */
function skipCost(token: string): number {
  if (AGGREGATE_WORDS.some(([word]) => word.test(token))) return 0.3;
  if (isGrammarWord(token)) return 0.005;
  return isLinkingVerb(token) ? 0.2 : 1;
}

/**
 * "courses are offered", "declared a major": an auxiliary or an article inside what the catalog
 * names as one phrase ("courses offered", "declared major") is dropped, so the phrase is found.
 */
function dropInnerGrammar(tokens: string[], lexicon: Lexicon): string[] {
  const { byFirstWord } = wordIndex(lexicon);
  return tokens.filter((token, i) => {
    if (!/^(is|are|was|were|be|been|being|a|an|the)$/.test(token) || i === 0 || i === tokens.length - 1)
      return true;
    const before = stem(tokens[i - 1] as string);
    const after = stem(tokens[i + 1] as string);
    return !(byFirstWord.get(before) ?? []).some((p) => p.words[1] === after);
  });
}

/** Words that are never left over on their own: grammar, grouping, ranking and aggregate words. */
function isGrammarWord(token: string): boolean {
  return (
    isFunctionWord(token) ||
    GROUP_WORDS.has(token) ||
    LIST_WORDS.has(token) ||
    FILLER.has(token) ||
    token.startsWith('§') ||
    RANKING_WORDS.test(token) ||
    DESC_WORDS.test(token) ||
    ASC_WORDS.test(token) ||
    AGGREGATE_WORDS.some(([word]) => word.test(token))
  );
}

/** Catalog phrases starting at `start` that the typed words may be small misspellings of, by length. */
function fuzzyAt(stems: string[], start: number, lexicon: Lexicon): Map<number, LexiconEntry[]> {
  const found = new Map<number, LexiconEntry[]>();
  const { byFirstWord, similar } = wordIndex(lexicon);
  for (const first of similar(stems[start] as string)) {
    for (const { words: known, entries } of byFirstWord.get(first) ?? []) {
      const typed = stems.slice(start, start + known.length);
      if (typed.length !== known.length || typed.every((w) => w.length < 4)) continue;
      if (known.every((w, i) => similar(typed[i] as string).has(w)))
        found.set(known.length, [...(found.get(known.length) ?? []), ...entries]);
    }
  }
  return found;
}

interface WordIndex {
  byFirstWord: Map<string, { words: string[]; entries: LexiconEntry[] }[]>;
  /** Every word the reading knows: catalog phrases, time, function and ranking words (never "corrected"). */
  known: Set<string>;
  /** Words of catalog and time phrases: what a leftover word may be a misspelling of. */
  catalogWords: Set<string>;
  /** Catalog words a typed word may be a misspelling of (itself included), computed once per word. */
  similar(word: string): Set<string>;
}

const wordIndexes = new WeakMap<Lexicon, WordIndex>();

/** The lexicon's words, built once per lexicon: fuzzy matching and spelling without scanning every phrase. */
function wordIndex(lexicon: Lexicon): WordIndex {
  const cached = wordIndexes.get(lexicon);
  if (cached) return cached;
  const byFirstWord: WordIndex['byFirstWord'] = new Map();
  const phraseWords = new Set<string>();
  for (const [key, entries] of lexicon.phrases) {
    const known = key.split(' ');
    for (const word of known) phraseWords.add(word);
    const list = byFirstWord.get(known[0] as string) ?? [];
    list.push({ words: known, entries });
    byFirstWord.set(known[0] as string, list);
  }
  const grammar = [...FUNCTION_WORDS, ...GROUP_WORDS, ...LIST_WORDS, ...FILLER, ...RANKING_VOCABULARY];
  const catalogWords = new Set([...phraseWords, ...TIME_WORDS].filter((w) => !FUNCTION_WORDS.has(w)));
  const memo = new Map<string, Set<string>>();
  const index: WordIndex = {
    byFirstWord,
    known: new Set([...phraseWords, ...TIME_WORDS, ...grammar]),
    catalogWords,
    similar(word) {
      let found = memo.get(word);
      if (!found) {
        found = new Set([...phraseWords].filter((known) => similarWord(word, known)));
        // Typed words are unbounded in a long-running bot; the cache is not.
        if (memo.size > 20_000) memo.clear();
        memo.set(word, found);
      }
      return found;
    },
  };
  wordIndexes.set(lexicon, index);
  return index;
}
