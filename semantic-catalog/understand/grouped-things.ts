/**
 * "publications in each conference", "top airlines with the most flights": beside another number,
 * a thing named by its own name after a grouping or ranking word is what to break down by, even
 * where the catalog's phrase for it is its count ("conferences" = the number of conferences). Read
 * as the thing's name field (else its id). Anywhere else such a bare name beside another number
 * stays unplaced — never a second number side by side with the first ("reviews … business
 * category"); "reviews and businesses" asks for both.
 */
import { dimensionByName, isCount, metricByName, tableByName } from '../catalog.ts';
import { keyColumn, keyField, labelKey } from '../key-dimensions.ts';
import type { Catalog, TableDef } from '../schema.ts';
import { type FieldMatch, nameField } from './fields.ts';
import type { Lexicon } from './lexicon.ts';
import { isLinkingVerb } from './linking-verbs.ts';
import { SORT_MARKER } from './sorting.ts';
import { stem } from './words.ts';

const GROUPING = /^(by|each|every|per)$/;
/** "top airlines with the most flights": the things ranked. */
const RANKING = /^(top|bottom|which|what|best|worst|highest|lowest|first|last)$/;
/** "by the number of doctors" ranks by a count; "by doctors" and "in each conference" name things. */
const COUNTING = /^(number|count|total|how many)\b/;

/** Rewrites such matches into fields, in place; returns the metrics still asked, and the matches left unplaced. */
export function readGroupedThings(
  tokens: string[],
  matches: FieldMatch[],
  metrics: string[],
  lexicon: Lexicon,
  catalog: Catalog,
  /** Metrics that only say which rows ("tickets with first response over 200 minutes"). */
  conditioned: string[],
): string[] {
  let asked = [...metrics];
  for (const match of matches) {
    const thing = bareThing(match, asked, lexicon, catalog, conditioned);
    const word = thing && wordBefore(tokens, match);
    if (!thing || !word || !(GROUPING.test(word.text) || RANKING.test(word.text)) || word.passive) continue;
    const field = thingField(match, thing.table, lexicon, catalog);
    if (!field) continue;
    match.entries = [{ kind: 'dimension', name: field }];
    asked = asked.filter((m) => m !== thing.metric);
  }
  return asked;
}

/**
 * "the easiness scores for courses in the CS department", "the ratings of Italian restaurants": a
 * measure said in the plural for things named in the plural asks for each thing's, not one
 * number over all of them. Counts ("orders for customers in EMEA") are plural anyway and stay one
 * number. Returns the field of the things, rewriting their match into it.
 */
export function eachThingsMeasure(
  tokens: string[],
  matches: FieldMatch[],
  lexicon: Lexicon,
  catalog: Catalog,
): string | undefined {
  for (const measure of matches) {
    const metric = measure.entries.find((e) => e.kind === 'metric');
    const def = metric?.kind === 'metric' ? metricByName(catalog, metric.name) : undefined;
    const last = tokens[measure.end - 1] ?? '';
    // "the average citations of authors" may be an average over the authors: not read so.
    const plural = stem(last) !== last && !/\b(average|avg|mean|total|sum)\b/.test(measure.text);
    if (!def || isCount(def) || !plural || !/^(for|of)$/.test(tokens[measure.end] ?? '')) continue;
    let at = measure.end + 1;
    // Past articles and the values that qualify the things ("the ratings of Italian restaurants").
    for (let m = matches.find((x) => x.start === at); ; m = matches.find((x) => x.start === at)) {
      if (/^(the|all)$/.test(tokens[at] ?? '')) at++;
      else if (m?.entries.every((e) => e.kind === 'value')) at = m.end;
      else break;
    }
    const things = matches.find((m) => m.start === at);
    const said = things && tokens[things.end - 1];
    const entity = things?.entries.find((e) => e.kind === 'entity');
    if (!things || !said || stem(said) === said || entity?.kind !== 'entity') continue;
    if (things.entries.some((e) => e.kind === 'value')) continue;
    const table = tableByName(catalog, entity.table);
    const field = table && fieldOfThings(things, table, lexicon, catalog);
    if (!field) continue;
    things.entries = [{ kind: 'dimension', name: field }];
    return field;
  }
  return undefined;
}

/**
 * "List the flights from Denver to Dallas": things asked to be listed, by the table's own name,
 * where the catalog's word for them is their count. Returns the count and the field they are
 * called by (else their name or id), for the reading to list them — or to say it can't.
 */
export function listedThings(
  question: string,
  matches: FieldMatch[],
  lexicon: Lexicon,
  catalog: Catalog,
): { things: FieldMatch; count: string; field: string; apart?: string } | undefined {
  // The verb opens the question, and nothing else asks for numbers ("list orders by region" is
  // a count); the things are the first thing named after it.
  if (!/^(?:list|enumerate)\b/.test(question) || /\b(?:by|per|each|every)\b/.test(question)) return undefined;
  const things = matches[0];
  const metric = things?.entries.find((e) => e.kind === 'metric');
  const def = metric?.kind === 'metric' ? metricByName(catalog, metric.name) : undefined;
  const table = def?.table ? tableByName(catalog, def.table) : undefined;
  // Said by the table's own name ("flights"), not as a count ("the number of flights").
  if (!things || !def || !table || !isCount(def) || COUNTING.test(things.text)) return undefined;
  if (!namesTable(things, table, lexicon)) return undefined;
  const field = fieldOfThings(things, table, lexicon, catalog);
  if (!field) return undefined;
  // Listed by a name two of them may share: their id beside it keeps each one a row of its own.
  const [source, ...more] = dimensionByName(catalog, field)?.sources ?? [];
  const shared =
    !more.length && source?.table === table.name && !source.key && labelKey(table, source.column);
  const apart = shared ? keyField(catalog, table)?.name : undefined;
  return { things, count: def.name, field, ...(apart ? { apart } : {}) };
}

/**
 * "rivers ordered by length": a sort needs rows, and the things named before it are them — the
 * field of a match naming no value and no number.
 */
export function sortedThings(tokens: string[], matches: FieldMatch[]): string | undefined {
  const at = tokens.indexOf(SORT_MARKER);
  const things = matches.find(
    (m) =>
      (at < 0 || m.end <= at) &&
      m.entries.some((e) => e.kind === 'dimension') &&
      !m.entries.some((e) => e.kind === 'value' || e.kind === 'metric'),
  );
  const field = things?.entries.find((e) => e.kind === 'dimension');
  return field?.kind === 'dimension' ? field.name : undefined;
}

/**
 * Such a bare name still asked for beside another number, not joined to it ("reviews and
 * businesses"), not counted by a number before it, not the thing a value qualifies ("billing
 * tickets"): the matches to leave unplaced.
 */
export function strayThings(
  tokens: string[],
  matches: FieldMatch[],
  metrics: string[],
  lexicon: Lexicon,
  catalog: Catalog,
  conditioned: string[],
): FieldMatch[] {
  return matches.filter((match) => {
    const thing = bareThing(match, metrics, lexicon, catalog, conditioned);
    const word = thing && wordBefore(tokens, match);
    if (!thing || !word || word.passive || /^(and|or|many|of|§\d+|\d+)$/.test(word.text)) return false;
    const qualified = matches.some((m) => m.end === match.start && m.entries.some((e) => e.kind === 'value'));
    return !qualified;
  });
}

/** A count said by its table's own name ("conferences", not "the number of conferences"), beside another number. */
function bareThing(
  match: FieldMatch,
  asked: string[],
  lexicon: Lexicon,
  catalog: Catalog,
  conditioned: string[],
): { metric: string; table: TableDef } | undefined {
  if (match.entries.some((e) => e.kind === 'dimension')) return undefined;
  if (asked.filter((m) => !conditioned.includes(m)).length < 2) return undefined;
  const metric = match.entries.find((e) => e.kind === 'metric');
  const def =
    metric?.kind === 'metric' && asked.includes(metric.name) ? metricByName(catalog, metric.name) : undefined;
  const table = def?.table ? tableByName(catalog, def.table) : undefined;
  if (!def || !table || !isCount(def) || COUNTING.test(match.text)) return undefined;
  return namesTable(match, table, lexicon) ? { metric: def.name, table } : undefined;
}

/** Whether a match's words are the table's own name or synonym ("flights"), not its count's. */
const namesTable = (match: FieldMatch, table: TableDef, lexicon: Lexicon) =>
  !!lexicon.phrases
    .get(match.text.split(' ').map(stem).join(' '))
    ?.some((e) => e.kind === 'entity' && e.table === table.name);

/** The field things are called by ("regions": the region), else their name or id. */
function fieldOfThings(things: FieldMatch, table: TableDef, lexicon: Lexicon, catalog: Catalog) {
  const own = things.entries.find((e) => e.kind === 'dimension');
  return own?.kind === 'dimension' ? own.name : thingField(things, table, lexicon, catalog);
}

/** The word before a match (past articles), and whether it is a passive "by" ("papers written by authors"). */
function wordBefore(tokens: string[], match: FieldMatch): { text: string; passive: boolean } {
  let at = match.start - 1;
  while (/^(the|all)$/.test(tokens[at] ?? '')) at--;
  const text = tokens[at] ?? '';
  const verb = tokens[at - 1] ?? '';
  return { text, passive: text === 'by' && (isLinkingVerb(verb) || /[a-z]{3}ed$/.test(verb)) };
}

/** The field that names a table's rows: its name or title, else its id. */
function thingField(
  match: FieldMatch,
  table: TableDef,
  lexicon: Lexicon,
  catalog: Catalog,
): string | undefined {
  const thing: FieldMatch = { ...match, entries: [{ kind: 'entity', table: table.name }] };
  const named = nameField(thing, 'name', lexicon, catalog) ?? nameField(thing, 'title', lexicon, catalog);
  if (named && 'name' in named) return named.name;
  return catalog.dimensions.find((d) =>
    d.sources.some((s) => s.table === table.name && s.column === keyColumn(table)),
  )?.name;
}
