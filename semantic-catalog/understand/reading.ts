/**
 * Reading a question: the phases that turn words into catalog terms, before any planning.
 *
 *   normalize → guard (destructive words) → spelling → time words → sorting, "most common"
 *   → units, conditions, ranking → phrases (phrases.ts: the fewest words left over) → names and
 *   ids (fields.ts) → personal data? → owned metrics, metric-or-value → ratios ("X per Y")
 *   → conditions attached → group-bys → subjects (subjects.ts) → counts of groups → values
 *   (negated, from/to) → leftover words (leftovers.ts)
 *
 * A reading may be partial ("only EMEA"): a follow-up merges it into the previous query.
 */
import { dimensionByName, metricByName, tableByName } from '../catalog.ts';
import type { IsoDate } from '../dates.ts';
import { keyColumn } from '../key-dimensions.ts';
import type { Condition, SemanticQuery, Unit } from '../query.ts';
import type { Catalog, Grain } from '../schema.ts';
import { readAggregateOf } from './aggregate-of.ts';
import { averagesOfCounts, markAveragePer, readAveragePer } from './average-per.ts';
import { readConditionWords } from './condition-words.ts';
import { countOfGroups } from './count-groups.ts';
import { countRankedThings, havingAny, readHavingEach } from './counted-things.ts';
import { EITHER_WAY, readEitherWay } from './either-way.ts';
import {
  type FieldMatch,
  readFieldsOfThings,
  readIdValues,
  readNamedFields,
  scopePersonal,
} from './fields.ts';
import {
  eachThingsMeasure,
  listedThings,
  readGroupedThings,
  sortedThings,
  strayThings,
} from './grouped-things.ts';
import { backReferences, leftoverWords, UNIT_WORDS } from './leftovers.ts';
import type { Lexicon, LexiconEntry } from './lexicon.ts';
import { isLinkingVerb } from './linking-verbs.ts';
import * as say from './messages.ts';
import { ownerOfMetric, readOwnedMetrics } from './owned-metrics.ts';
import type { Understanding } from './parse.ts';
import { countFor, readFrequency, readRatios } from './per-and-frequency.ts';
import {
  correctSpelling,
  dropInnerGrammar,
  matchPhrases,
  nearestReadings,
  shareVerbs,
  wordIndex,
} from './phrases.ts';
import {
  conditionLevel,
  dropPossessedMetrics,
  linkedOnPath,
  numbersSaidOfOthers,
  readHadFields,
  unsayableJoins,
} from './qualifying.ts';
import { readRankedWords } from './ranked-words.ts';
import { readRunning } from './running-words.ts';
import { shownIn, withoutEcho } from './show-again.ts';
import { readSorting, SORT_MARKER } from './sorting.ts';
import { plainCount, readSubjects } from './subjects.ts';
import { extractTextMatches, isMarker, type MatchKind, readTextMatches } from './text-match.ts';
import { readTimeWords } from './time-words.ts';
import { shieldValues } from './value-shield.ts';
import { spellWeekParts } from './weekday-words.ts';
import {
  ASC_WORDS,
  DESC_WORDS,
  DESCRIBING,
  FILLER,
  GROUP_WORDS,
  isGrammarWord,
  LIST_WORDS,
  RANKING_WORDS,
} from './word-classes.ts';
import { normalizeText, stem } from './words.ts';

export interface Reading {
  text: string;
  metrics: string[];
  dimensions: string[];
  /** Each value phrase with what it may be: one option, or several dimensions to choose from. */
  values: {
    said: string;
    options: { dimension: string; value: string }[];
    exclude?: boolean;
    /** Part of the text, as typed ("starts with J"), rather than a known value. */
    match?: MatchKind | 'present';
  }[];
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
  /** "the average number of orders per customer": the field each total is taken for, then averaged. */
  averageOver?: SemanticQuery['averageOver'];
  /** "which region grew the most" (desc), "the biggest drop" (asc): ranked by the change, not the value. */
  rankByChange?: 'asc' | 'desc';
  /** "cumulative revenue", "the 7-day moving average of orders". */
  running?: SemanticQuery['running'];
  /** "ordered by X": the metric or dimension named as the sort key. */
  sortKey?: { kind: 'metric' | 'dimension' | 'time'; name: string };
  /** "ordered by the length of X": by how long each member's text is. */
  sortByLength?: boolean;
  conditions: Condition[];
  unit?: Unit;
  /** Dimensions named after a grouping word ("by region", "in each region"). */
  groupedBy: string[];
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
/** "the average number of references" is "the average references": one way to find the phrase. */
const AVERAGE_NUMBER = /\b(average|avg|mean) (?:number|count|amount) of\b/g;
const WHOLE_DATA =
  /\b(?:in|from|of|across) (?:the|this|our|your) (?:database|db|system|warehouse|records)\b|\b(?:in total|altogether|all told)\b/g;
/** How many rows "top products" shows when the question names no number. */
const DEFAULT_TOP = 10;
const UNITS: [RegExp, Unit][] = [
  [/\bin (?:\$ ?)?(?:thousands|k)\b/, 'thousand'],
  [/\bin (?:\$ ?)?(?:millions|mn|mm|m)\b/, 'million'],
  [/\bin (?:\$ ?)?(?:billions|bn|b)\b/, 'billion'],
];
export function readQuestion(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Reading | Understanding {
  const matched = extractTextMatches(question);
  const typed = normalizeText(matched.text);
  if (!typed) return say.emptyQuestion(catalog);
  if (DESTRUCTIVE.test(typed)) return say.destructive(catalog);
  const spelt = correctSpelling(typed, lexicon);
  const { corrections } = spelt;
  const week = spellWeekParts(spelt.text, lexicon);
  const text = averagesOfCounts(week.text, lexicon, catalog);

  const eitherWay = EITHER_WAY.exec(text);
  // "the journals in the database", "how many papers in total": the whole of the data, which every
  // question is about anyway.
  const echo = withoutEcho(text.replace(WHOLE_DATA, ' ').replace(EITHER_WAY, ' '));
  const running = readRunning(echo.text);
  const shield = shieldValues(markAveragePer(running.rest, lexicon).replace(AVERAGE_NUMBER, '$1'), lexicon);
  const time = readTimeWords(shield.text, today);
  if (time.calendarSpan) return say.whichSpan(question, time.calendarSpan);
  time.rest = shield.restore(time.rest);
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
    groupedBy: [],
    unfiltered: [],
    leftovers: [],
    corrections,
    parts: week.parts,
  };
  if (time.time) reading.time = time.time;
  if (time.grain) reading.grain = time.grain;
  if (running.running) {
    reading.running = running.running;
    reading.parts.push({
      said: running.running.kind === 'total' ? 'cumulative' : 'moving average',
      became: 'running',
    });
    reading.grain ??= running.grain;
  }
  if (time.compareKind) reading.compare = time.compareKind;
  if (time.explicitCompare) reading.comparedWith = time.explicitCompare;
  const rankedWords = readRankedWords(text, rest, !!reading.grain);
  rest = rankedWords.rest;
  if (rankedWords.byChange) reading.rankByChange = rankedWords.byChange;
  if (rankedWords.grain) reading.grain = rankedWords.grain;
  if (rankedWords.one) reading.singularRanking = true;

  for (const [re, unit] of UNITS) {
    if (re.test(rest)) {
      reading.unit = unit;
      rest = rest.replace(re, ' ');
    }
  }

  // Numeric conditions leave a marker, so their subject is the phrase just before it.
  const conditions = readConditionWords(rest);
  const found = conditions.found;
  rest = conditions.rest;

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

  // "the number of distinct patients": a count that already counts each once, said so; checked below.
  const distinct =
    / (?:number|count|many) of (distinct|unique|different) | many (distinct|unique|different) /.exec(
      ` ${rest} `,
    );
  if (distinct)
    rest = ` ${rest} `.replace(distinct[0], distinct[0].replace(/ (distinct|unique|different) /, ' '));
  const tokens = dropInnerGrammar(shareVerbs(rest.split(' ').filter(Boolean), lexicon), lexicon);
  const matches = matchPhrases(tokens, lexicon);
  readNamedFields(tokens, matches, lexicon, catalog);
  readFieldsOfThings(tokens, matches, catalog);
  readIdValues(tokens, matches, catalog);
  scopePersonal(matches, catalog);

  const personal = matches.find((m) => m.entries.some((e) => e.kind === 'personal'));
  if (personal) return say.personalData(personal.text, catalog);
  const textMatched = readTextMatches(tokens, matches, matched.found, reading, lexicon, catalog);

  // "the largest areas in square kilometers": a unit after "in" says how a metric is measured, even
  // where the catalog also calls a metric by that unit's name.
  for (const match of [...matches]) {
    const unit = match.text.split(' ').every((w) => UNIT_WORDS.test(w)) && tokens[match.start - 1] === 'in';
    if (unit && matches.some((m) => m !== match && m.entries.some((e) => e.kind === 'metric')))
      matches.splice(matches.indexOf(match), 1);
  }
  // "which city has the most businesses": a thing ranked by how many there are is their count.
  countRankedThings(tokens, matches, catalog);
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
        // "credits earned by students": the verb may end the metric's own phrase.
        const phraseVerb =
          /[a-z]{3}ed$/.test(tokens[at - 1] ?? '') && metricPhrases.some((m) => m.end === at);
        if (t === 'by') return passiveVerb(tokens, at - 1, matches) || phraseVerb;
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
      // "reviews by rating given": after a grouping word, the field ("by" never names a number
      // alone; "top 5 by revenue" ranks by it, which the ranking reads, not this).
      const which = /^(which|what|by|across)$/.test(tokens[match.start - 1] ?? '') && kinds.has('dimension');
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
    const owner =
      metrics.length > 1
        ? ownerOfMetric(
            metrics.map((m) => m.name),
            match,
            matches,
            catalog,
          )
        : undefined;
    if (owner) match.entries = [{ kind: 'metric', name: owner }];
    else if (metrics.length > 1)
      return say.whichMetric(
        question,
        match.text,
        metrics.map((m) => m.name),
        catalog,
      );
    const name = owner ?? metrics[0]?.name;
    if (name && !reading.metrics.includes(name)) reading.metrics.push(name);
  }

  const aggregated = readAggregateOf(tokens, matches, reading.metrics, catalog);
  // "the average number of orders" is read as "the average orders": a count's average, never an
  // amount's ("average order" may be the catalog's average order value).
  const amounts = new RegExp(AVERAGE_NUMBER.source).test(text)
    ? matches.filter(
        (m) =>
          /^(average|avg|mean) /.test(m.text) &&
          m.entries.some(
            (e) =>
              e.kind === 'metric' && /currency|percent/.test(metricByName(catalog, e.name)?.format ?? ''),
          ),
      )
    : [];
  for (const match of amounts) {
    matches.splice(matches.indexOf(match), 1);
    aggregated.metrics = aggregated.metrics.filter(
      (m) => !match.entries.some((e) => 'name' in e && e.name === m),
    );
  }
  const ratios = readRatios(tokens, matches, aggregated.metrics, catalog);
  reading.metrics = ratios.metrics;
  const unplacedRatios = [...ratios.unplaced, ...aggregated.unplaced];
  for (const match of unplacedRatios) matches.splice(matches.indexOf(match), 1);

  const attached = new Set<number>([...textMatched, ...aggregated.used]);
  /** Row conditions said in money ("orders over $5,000"): on each row's amount, never a count. */
  const moneyRows = new Set<Condition>();
  // Said once, as the ratio the catalog lacks, not word by word.
  for (const match of unplacedRatios) for (let i = match.start; i < match.end; i++) attached.add(i);
  for (const [index, condition] of found.entries()) {
    const at = tokens.indexOf(`§${index}`);
    // "between 2 and 5 orders": both bounds are about what follows the second.
    let next = at + 1;
    while (/^§\d+$/.test(tokens[next] ?? '')) next++;
    // "more than 5 restaurants": things named after the number are counted, by their table's count.
    const things = matches.find((m) => m.start === next && !m.entries.some((e) => e.kind === 'metric'));
    const entities = things?.entries.filter(
      (e): e is Extract<LexiconEntry, { kind: 'entity' }> => e.kind === 'entity',
    );
    const count = entities?.length ? plainCount(catalog, entities) : undefined;
    if (things && count) {
      things.entries = [{ kind: 'metric', name: count.name }];
      if (!reading.metrics.includes(count.name)) reading.metrics.push(count.name);
    }
    // "more than 10 orders": a count named after the number is each group's count.
    const counted = matches.find((m) => m.start === next && m.entries.some((e) => e.kind === 'metric'));
    const subject =
      counted ??
      [...matches].reverse().find((m) => m.end <= at && m.entries.some((e) => e.kind === 'metric'));
    const metric = subject?.entries.find((e) => e.kind === 'metric');
    if (!subject || metric?.kind !== 'metric') continue;
    const level = counted
      ? 'group'
      : conditionLevel(tokens, matches, subject, metric.name, condition.money, catalog);
    const pushed: Condition = { metric: metric.name, level, op: condition.op, value: condition.value };
    reading.conditions.push(pushed);
    if (level === 'row' && condition.money) moneyRows.add(pushed);
    reading.parts.push({ said: condition.said, became: `condition on ${metric.name}` });
    attached.add(at);
  }

  const conditioned = reading.conditions.map((c) => c.metric);
  reading.metrics = readGroupedThings(tokens, matches, reading.metrics, lexicon, catalog, conditioned);
  const eachThings = eachThingsMeasure(tokens, matches, lexicon, catalog);
  // "list the flights from Denver": listed, not counted; with a period, which a list can't say, asked.
  const listed = listedThings(text, matches, lexicon, catalog);
  const unlisted = listed && (reading.time || reading.grain) ? listed : undefined;
  if (listed && !unlisted) {
    listed.things.entries = [{ kind: 'dimension', name: listed.field }];
    listed.things.listed = true;
    reading.metrics = reading.metrics.filter((m) => m !== listed.count);
  }
  readGroupBys(tokens, matches, reading);
  if (listed?.apart && !unlisted && !reading.dimensions.includes(listed.apart))
    reading.dimensions.push(listed.apart);
  if (eachThings && !reading.dimensions.includes(eachThings)) reading.dimensions.push(eachThings);
  const sorted =
    (sorting.keyed || sorting.direction) && !reading.grain ? sortedThings(tokens, matches) : undefined;
  if (sorted && reading.dimensions.length === 0) reading.dimensions.push(sorted);
  reading.metrics = readSubjects(
    tokens,
    matches,
    reading.metrics,
    reading.dimensions,
    catalog,
    reading.conditions.filter((c) => c.level === 'row').map((c) => c.metric),
  );
  for (const stray of strayThings(tokens, matches, reading.metrics, lexicon, catalog, conditioned)) {
    matches.splice(matches.indexOf(stray), 1);
    reading.metrics = reading.metrics.filter((m) => !stray.entries.some((e) => 'name' in e && e.name === m));
  }
  // "the most common category": counted, never ranked by the default metric.
  const frequent = frequency.frequent && reading.metrics.length === 0 && reading.dimensions[0];
  const frequencyCount = frequent ? countFor(frequent, catalog) : undefined;
  if (frequencyCount) reading.metrics = [frequencyCount];
  // "how many cities …": the field named right after the counting words.
  const countedField = matches
    .find((m) => m.start === 2 && tokens[0] === 'how' && tokens[1] === 'many')
    ?.entries.find((e) => e.kind === 'dimension');
  // "how many cities have restaurants": the members that have any, counted.
  const countedAt = matches.find((m) => m.start === 2);
  const any =
    countedField?.kind === 'dimension' && countedAt && reading.conditions.length === 0
      ? havingAny(tokens, matches, countedAt, reading.metrics, catalog)
      : undefined;
  if (any) {
    reading.conditions.push(any.condition);
    if (!reading.metrics.includes(any.condition.metric)) reading.metrics.push(any.condition.metric);
    for (const at of any.used) attached.add(at);
  }
  if (!any) for (const at of readHavingEach(tokens, matches, reading, catalog)) attached.add(at);
  // "how many customers have orders over $5,000": each order's amount, then the customers that
  // have any such order — never customers with more than 5,000 orders.
  const amount = reading.conditions.length === 1 && moneyRows.has(reading.conditions[0] as Condition);
  const anyOf = amount
    ? { ...(reading.conditions[0] as Condition), level: 'group' as const, op: '>' as const, value: 0 }
    : undefined;
  const groups = countOfGroups(
    text,
    reading.metrics.filter((m) => !reading.conditions.some((c) => c.metric === m)),
    anyOf ? [anyOf] : reading.conditions,
    catalog,
    countedField?.kind === 'dimension' ? countedField.name : undefined,
  );
  if (groups) {
    reading.metrics = groups.metrics;
    reading.dimensions = [groups.dimension, ...reading.dimensions];
    reading.countGroups = groups.countGroups;
    if (anyOf) reading.conditions.push(anyOf);
    else {
      if (groups.condition) reading.conditions = [groups.condition];
      for (const condition of reading.conditions) condition.level = 'group';
    }
  } else if (
    countedField?.kind === 'dimension' &&
    reading.metrics.length === 0 &&
    reading.conditions.length === 0
  ) {
    // "how many meals are served in each compartment": the distinct members of a field, counted
    // by the fields grouped after it.
    const field = dimensionByName(catalog, countedField.name);
    reading.dimensions = [countedField.name, ...reading.dimensions.filter((d) => d !== countedField.name)];
    reading.countGroups = {
      name: `${countedField.name}_count`,
      label: `${field?.label ?? countedField.name} count`,
    };
  }
  const averaged = readAveragePer(tokens, matches, reading.metrics, catalog);
  if (averaged) {
    for (const at of averaged.used) attached.add(at);
    if (averaged.over) {
      const over = averaged.over;
      reading.averageOver = over;
      if ('dimension' in over) reading.dimensions = reading.dimensions.filter((d) => d !== over.dimension);
      reading.parts.push({
        said: 'average … per',
        became: `average over ${'dimension' in over ? over.dimension : over.grain}`,
      });
    }
  }
  if (sorting.keyed) reading.sortKey = sortKey(tokens, matches);
  if (sorting.byLength) reading.sortByLength = true;
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
    let values = match.entries.filter(
      (e): e is Extract<LexiconEntry, { kind: 'value' }> => e.kind === 'value',
    );
    if (values.length === 0) continue;
    // "the state of New York" where "New York" alone is the city: the field and the value said
    // together ("New York State") are that field's value.
    const renamed = fieldNamedValue(match, matches, tokens, lexicon);
    if (renamed.length > 0) {
      values = renamed;
      match.entries = renamed;
    }
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
    // "revenue not from Partner", "excluding hardware": every member but this one; "excluding EMEA
    // and APAC": the values listed after it as well.
    const negation = negationBefore(tokens, match.start);
    for (const at of negation) attached.add(at);
    const previous = reading.values.at(-1);
    const listed =
      /^(and|or|nor)$/.test(tokens[match.start - 1] ?? '') &&
      previous?.exclude === true &&
      matches.some((m) => m.text === previous.said && m.end === match.start - 1);
    const exclude = negation.length > 0 || listed;
    reading.values.push({ said: match.text, options, ...(exclude ? { exclude: true } : {}) });
  }
  const eitherWayLeft = eitherWay ? readEitherWay(eitherWay[0], reading, lexicon) : [];
  // "hardware vs software": values of one dimension set against each other are compared side by side.
  if (/\b(vs|versus|compared to|compared with|against|compare|comparing|comparison)\b/.test(rest)) {
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
    (/\b(vs|versus|compared|against|compare|comparing|comparison)\b/.test(rest) &&
      reading.dimensions.length > 0);
  dropPossessedMetrics(tokens, matches, reading);
  const vocabulary = wordIndex(lexicon).catalogWords;
  // Counted once each: a distinct count, or rows of a table with a key (each row is one thing).
  const countsOnce = (name: string) => {
    const metric = metricByName(catalog, name);
    const table = metric?.table ? tableByName(catalog, metric.table) : undefined;
    return (
      /^\s*count\s*\(\s*distinct\b/i.test(metric?.expression ?? '') ||
      (/^\s*count\s*\(\s*\*\s*\)\s*$/i.test(metric?.expression ?? '') && !!table && !!keyColumn(table))
    );
  };
  const distinctLeft = distinct && !reading.countGroups && !reading.metrics.some(countsOnce);
  // "students who have declared a major", "authors without an organization".
  for (const at of readHadFields(tokens, matches, reading)) attached.add(at);
  reading.leftovers = leftoverWords(tokens, matches, attached, found, {
    compared,
    alphabetical: reading.alphabetical,
    catalog,
    metrics: reading.metrics,
  }).map((word) =>
    isMarker(word)
      ? { word: matched.found[Number(word.replace(/\D/g, ''))]?.said ?? word, candidates: [] }
      : { word, candidates: nearestReadings(word, lexicon, vocabulary) },
  );
  reading.leftovers.push(...backReferences(tokens, matches));
  if (unlisted) reading.leftovers.push({ word: `list ${unlisted.things.text}`, candidates: [] });
  // "… show the restaurants and ratings": each thing asked to be shown must be in the answer.
  for (const word of echo.named)
    if (!shownIn(word, matches, reading, lexicon, catalog))
      reading.leftovers.push({ word: `show ${word}`, candidates: [] });
  reading.leftovers.push(...eitherWayLeft);
  // A count that may count a thing twice, asked for each once: said, not silently dropped.
  if (distinctLeft) reading.leftovers.push({ word: (distinct[1] ?? distinct[2]) as string, candidates: [] });
  reading.leftovers.push(...unsayableJoins(tokens, matches, reading, rest));
  // "the 7-day moving average … by month": two sizes of bucket for one series.
  if (running.grain && time.grain && running.grain !== time.grain)
    reading.leftovers.push({ word: `${running.grain} moving average by ${time.grain}`, candidates: [] });
  reading.leftovers.push(...numbersSaidOfOthers(tokens, matches, reading, catalog));
  if (averaged && !averaged.over) reading.leftovers.push({ word: 'average … per', candidates: [] });
  // "most common" by which count, when the catalog has several (or none) reaching the field.
  if (frequency.frequent && reading.metrics.length === 0)
    reading.leftovers.push({ word: frequency.frequent, candidates: [] });
  for (const [pairs, joined] of [
    [ratios.unplaced, 'per'],
    [aggregated.unplaced, 'of'],
  ] as const)
    for (let i = 0; i + 1 < pairs.length; i += 2)
      reading.leftovers.push({ word: `${pairs[i]?.text} ${joined} ${pairs[i + 1]?.text}`, candidates: [] });
  // A field named but neither grouped by, ranked, nor qualified by a value ("the cities in X",
  // "average rating of businesses"): answering without it would answer another question.
  for (const match of matches) {
    if (!match.entries.every((e) => e.kind === 'dimension') || match.qualified) continue;
    const name = (match.entries[0] as { name: string }).name;
    const besideValue = matches.some(
      (m) =>
        beside(m, match, tokens) &&
        m.entries.some(
          (e) =>
            e.kind === 'value' && (e.dimension === name || m.start === match.end || m.end === match.start),
        ),
    );
    if (
      reading.dimensions.includes(name) ||
      reading.unfiltered.includes(name) ||
      besideValue ||
      (reading.averageOver && 'dimension' in reading.averageOver && name === reading.averageOver.dimension)
    )
      continue;
    // A sort key is placed by the plan: kept when its thing is grouped, else said unplaced there.
    if (reading.sortKey?.name === name) continue;
    if (linkedOnPath(tokens, match, name, reading, catalog)) continue;
    reading.leftovers.push({ word: match.text, candidates: [`by ${match.text}`] });
  }
  // "what was the highest revenue", "the oldest tip", "the biggest order": a ranking word with
  // nothing to rank (no breakdown, no time buckets, no top N) asks another question than the total.
  const ranksNothing =
    reading.dimensions.length === 0 &&
    !reading.grain &&
    reading.limit === undefined &&
    !reading.countGroups &&
    !reading.sortKey &&
    !reading.rankByChange;
  const placed = (i: number) => matches.some((m) => m.start <= i && i < m.end);
  for (const [i, token] of tokens.entries()) {
    if (placed(i) || token === 'what') continue;
    // "its first review" is no ranking: "first" ranks only a number of rows ("the first 10").
    const noEffect =
      token === 'first'
        ? reading.limit === undefined
        : ranksNothing && (DESC_WORDS.test(token) || ASC_WORDS.test(token) || RANKING_WORDS.test(token));
    // "which states border Texas" with only a count named: the things asked are not answered.
    if (noEffect)
      // "which" is said with what it asks for: "which states border".
      reading.leftovers.push({
        word:
          token === 'which'
            ? [token, matches.find((m) => m.start === i + 1)?.text].filter(Boolean).join(' ')
            : token,
        candidates: [],
      });
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

/** "received" in "citations received by …": a linking verb that is not part of a catalog phrase ("course offerings"). */
function passiveVerb(tokens: string[], at: number, matches: Match[]): boolean {
  return isLinkingVerb(tokens[at] ?? '') && !matches.some((m) => m.start <= at && at < m.end);
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

const NEGATION = /^(not|non|excluding|exclude|except|without|besides|other|than|apart|minus|including)$/;

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
  return /^(not|non|not including|excluding|exclude|except|without|besides|minus|other than|apart)$/.test(
    said,
  )
    ? found
    : [];
}

/**
 * The values a field named beside a value makes of it, when the value is not that field's own:
 * "the state of New York" is the state "New York State" names; "the city of New York" stays the
 * city New York is already.
 */
function fieldNamedValue(
  value: Match,
  matches: Match[],
  tokens: string[],
  lexicon: Lexicon,
): Extract<LexiconEntry, { kind: 'value' }>[] {
  for (const field of matches) {
    if (field === value || !beside(field, value, tokens)) continue;
    for (const entry of field.entries) {
      if (entry.kind !== 'dimension') continue;
      if (value.entries.some((e) => e.kind === 'value' && e.dimension === entry.name)) return [];
      for (const phrase of [`${value.text} ${field.text}`, `${field.text} ${value.text}`]) {
        const found = (lexicon.phrases.get(phrase.split(' ').map(stem).join(' ')) ?? []).filter(
          (e): e is Extract<LexiconEntry, { kind: 'value' }> =>
            e.kind === 'value' && e.dimension === entry.name,
        );
        if (found.length > 0) return found;
      }
    }
  }
  return [];
}

/** Naming words between a field and its value: "the state of California", "the journal named Nature". */
const NAMING = /^(of|named|called|titled|the|a|is|equal|equals|to)$/;

/** Next to each other, or apart only by naming words. */
function beside(a: Match, b: Match, tokens: string[]): boolean {
  const [first, second] = a.start < b.start ? [a, b] : [b, a];
  if (first.end > second.start || second.start - first.end > 2) return false;
  return tokens.slice(first.end, second.start).every((t) => NAMING.test(t));
}

/**
 * "return the drug name and …", "show both courses and scores", "what is the highest point": a
 * field asked to be shown is listed.
 */
function shown(tokens: string[], match: Match): boolean {
  let at = match.start - 1;
  while (at >= 0 && /^(the|both|me|us|all|each|every|their|its)$/.test(tokens[at] as string)) at--;
  if (/^(show|return|give|list|display|include|provide|whats)$/.test(tokens[at] ?? '')) return true;
  // "what is the highest point in each state": the field itself is what is asked.
  return /^(is|are|was|were)$/.test(tokens[at] ?? '') && /^(what|which)$/.test(tokens[at - 1] ?? '');
}

/** "the cities in the US and their population": things named first, then what each of them has. */
function owning(tokens: string[], match: Match): boolean {
  return tokens.slice(match.end).some((t) => t === 'their' || t === 'its');
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
  // "give me the flight id and meal description": every field in a list asked to be shown.
  let showing = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const match = matches.find((m) => m.start === i);
    if (!match) {
      // "citations received by publications": after a linking verb, "by" names who did it.
      if (GROUP_WORDS.has(token)) grouping = !(token === 'by' && passiveVerb(tokens, i - 1, matches));
      else if (!LIST_WORDS.has(token) && !FILLER.has(token)) grouping = false;
      if (!LIST_WORDS.has(token) && !FILLER.has(token)) showing = false;
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
    const listed: boolean = !!match.listed || shown(tokens, match) || showing;
    showing = dimension?.kind === 'dimension' && listed;
    if (
      dimension?.kind === 'dimension' &&
      (grouping || ranking || picked || listed || owning(tokens, match)) &&
      !reading.dimensions.includes(dimension.name)
    ) {
      reading.dimensions.push(dimension.name);
      if (grouping) reading.groupedBy.push(dimension.name);
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
