/**
 * A thing's label named outright: "the names of the restaurants", "business names", "the title
 * of the paper", "the region name". Read as that thing's name field, which the question lists.
 * The field is the catalog's "<thing> name" phrase, or else the one field of the thing's table
 * whose column is called name or title.
 */

import { dimensionByName, joinPath } from '../catalog.ts';
import { keyColumn } from '../key-dimensions.ts';
import type { Catalog } from '../schema.ts';
import type { Lexicon, LexiconEntry } from './lexicon.ts';
import { stem } from './words.ts';

export interface FieldMatch {
  start: number;
  end: number;
  text: string;
  entries: LexiconEntry[];
  /** Named as a label to list ("names of …"), so it is a group-by. */
  listed?: boolean;
  /** Its values are picked by a match on its text ("journals whose names start with J"). */
  qualified?: boolean;
}

const LABEL = /^(name|names|title|titles)$/;
const BETWEEN = /^(of|the|all|each|every|its|their)$/;

/** Rewrites `matches` in place: "names of the X" and "X names" become X's name field. */
export function readNamedFields(
  tokens: string[],
  matches: FieldMatch[],
  lexicon: Lexicon,
  catalog: Catalog,
): void {
  // A catalog phrase that is itself "names of the businesses" lists that field.
  for (const match of matches)
    if (
      /^(name|names|title|titles) of /.test(match.text) &&
      match.entries.some((e) => e.kind === 'dimension')
    )
      match.listed = true;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    // A bare "name" may be some field or a personal column elsewhere; "the name of the business" is
    // the business's.
    const own = matches.find((m) => m.start <= i && i < m.end);
    if (!LABEL.test(token) || (own && (own.start !== i || own.end !== i + 1))) continue;
    const label = stem(token);
    // "names of the restaurants": skip naming words to the thing.
    let j = i + 1;
    // "the names and areas of the lakes": the thing comes after the other fields listed.
    const of = tokens.indexOf('of', i + 1);
    const listedFirst = tokens[j] === 'and' && of > 0 && of - i <= 5;
    if (listedFirst) j = of;
    while (j < tokens.length && BETWEEN.test(tokens[j] as string)) j++;
    const after = j > i + 1 ? matches.find((m) => m.start === j) : undefined;
    const before = matches.find((m) => m.end === i);
    for (const [thing, start, end] of [
      [after, i, listedFirst ? i + 1 : after?.end],
      [before, before?.start, i + 1],
    ] as const) {
      if (!thing || start === undefined || end === undefined) continue;
      const field = nameField(thing, label, lexicon, catalog);
      if (!field) continue;
      const merged: FieldMatch = {
        start,
        end,
        text: tokens.slice(start, end).join(' '),
        entries: [field],
        listed: thing === after || thing.entries.some((e) => e.kind === 'entity'),
      };
      if (own) matches.splice(matches.indexOf(own), 1);
      // With other fields between, the thing stays itself: only the label becomes its name field.
      if (listedFirst && thing === after) insertInOrder(matches, merged);
      else matches.splice(matches.indexOf(thing), 1, merged);
      break;
    }
    if (own && matches.includes(own)) nameOfTheOneThing(own, matches, label, lexicon, catalog);
  }
}

/**
 * "categories of businesses", "the cities of the restaurants": a field said with the things it
 * describes is that field alone — the things are whose it is, not a second breakdown. Only when
 * the things' table leads to the field's, and the things are not also a count.
 */
export function readFieldsOfThings(tokens: string[], matches: FieldMatch[], catalog: Catalog): void {
  for (const field of [...matches]) {
    const dimension = field.entries.find((e) => e.kind === 'dimension');
    if (dimension?.kind !== 'dimension' || tokens[field.end] !== 'of') continue;
    let j = field.end + 1;
    while (j < tokens.length && BETWEEN.test(tokens[j] as string)) j++;
    const thing = matches.find((m) => m.start === j);
    const tables = thing?.entries.flatMap((e) => (e.kind === 'entity' ? [e.table] : [])) ?? [];
    const sources = dimensionByName(catalog, dimension.name)?.sources ?? [];
    const describes = tables.some((table) =>
      sources.some(
        (s) => s.table === table || joinPath(catalog, table, s.table) || joinPath(catalog, s.table, table),
      ),
    );
    // "the most common category of orders" names what is counted; "first name of sales reps"
    // says whose personal field it is: both are kept for their own phases.
    if (
      !thing ||
      !describes ||
      [...field.entries, ...thing.entries].some((e) => /metric|personal/.test(e.kind))
    )
      continue;
    matches.splice(matches.indexOf(thing), 1);
    field.end = thing.end;
    field.text = tokens.slice(field.start, field.end).join(' ');
  }
}

/**
 * "Return the name and average rating for each business": a bare label, with one thing named in
 * the question, is that thing's. Never when the thing is the table a personal "name" belongs to.
 */
function nameOfTheOneThing(
  own: FieldMatch,
  matches: FieldMatch[],
  label: string,
  lexicon: Lexicon,
  catalog: Catalog,
): void {
  const personalTables = own.entries.flatMap((e) => (e.kind === 'personal' ? [e.table] : []));
  if (own.entries.some((e) => e.kind !== 'personal' && e.kind !== 'dimension')) return;
  const things = matches.filter((m) => m !== own && m.entries.some((e) => e.kind === 'entity'));
  if (things.some((m) => m.entries.some((e) => e.kind === 'entity' && personalTables.includes(e.table))))
    return;
  const fields = new Set(
    things.flatMap((thing) => {
      const field = nameField(
        { ...thing, entries: thing.entries.filter((e) => e.kind === 'entity') },
        label,
        lexicon,
        catalog,
      );
      return field?.kind === 'dimension' ? [field.name] : [];
    }),
  );
  if (fields.size !== 1) return;
  own.entries = [{ kind: 'dimension', name: [...fields][0] as string }];
  own.listed = true;
}

export function nameField(
  thing: FieldMatch,
  label: string,
  lexicon: Lexicon,
  catalog: Catalog,
): LexiconEntry | undefined {
  if (thing.entries.some((e) => e.kind === 'dimension') && !thing.entries.some((e) => e.kind === 'entity'))
    return thing.entries.find((e) => e.kind === 'dimension'); // "the region name": the field itself
  // "the titles of the papers published": the longest start of the thing's words that names a field.
  const said = thing.text.split(' ').map(stem);
  for (let k = said.length; k >= 1; k--) {
    const named = lexicon.phrases
      .get([...said.slice(0, k), label].join(' '))
      ?.find((e) => e.kind === 'dimension');
    if (named) return named;
  }
  const tables = thing.entries.flatMap((e) => (e.kind === 'entity' ? [e.table] : []));
  const fields = catalog.dimensions.filter((d) =>
    d.sources.some((s) => tables.includes(s.table) && s.column !== undefined && stem(s.column) === label),
  );
  return fields.length === 1 ? { kind: 'dimension', name: (fields[0] as { name: string }).name } : undefined;
}

const LITERAL = /^(?=.*\d)[a-z0-9][a-z0-9_-]*$/;

/**
 * "the business with ID abc123", "paper id 2": an identifier given outright is a filter on that
 * table's id field (see key-dimensions.ts), whatever the value; ids are never learned as values.
 */
export function readIdValues(tokens: string[], matches: FieldMatch[], catalog: Catalog): void {
  for (let i = 0; i < tokens.length - 1; i++) {
    const literal = tokens[i + 1] as string;
    if (!LITERAL.test(literal) || matches.some((m) => m.start <= i + 1 && i + 1 < m.end)) continue;
    const keyMatch = matches.find(
      (m) => m.end === i + 1 && m.entries.some((e) => e.kind === 'dimension' && isKey(e.name, catalog)),
    );
    let start = keyMatch?.start;
    let dimension = keyMatch?.entries.find((e) => e.kind === 'dimension')?.name;
    if (!keyMatch && tokens[i] === 'id') {
      // "the business with (the) id …": the thing named just before.
      let back = i - 1;
      while (back >= 0 && /^(with|the|having|whose|of|an|a)$/.test(tokens[back] as string)) back--;
      const thing = matches.find((m) => m.end === back + 1);
      const table = thing?.entries.find((e) => e.kind === 'entity');
      if (thing && table?.kind === 'entity') {
        start = thing.start;
        dimension = catalog.dimensions.find(
          (d) => isKey(d.name, catalog) && d.sources[0]?.table === table.table,
        )?.name;
      }
    }
    if (start === undefined || !dimension) continue;
    const end = i + 2;
    for (let m = matches.length - 1; m >= 0; m--) {
      const match = matches[m] as FieldMatch;
      if (match.start >= start && match.end <= end) matches.splice(m, 1);
    }
    insertInOrder(matches, {
      start,
      end,
      text: tokens.slice(start, end).join(' '),
      entries: [{ kind: 'value', dimension, value: literal }],
    });
  }
}

/** A field over exactly one table's own key column (`course_id` on course, or `id`). */
function isKey(name: string, catalog: Catalog): boolean {
  const sources = catalog.dimensions.find((d) => d.name === name)?.sources ?? [];
  const table = catalog.tables.find((t) => t.name === sources[0]?.table);
  return sources.length === 1 && !!table && sources[0]?.column === keyColumn(table);
}

/** Matches stay in the order of the words they cover. */
function insertInOrder(matches: FieldMatch[], match: FieldMatch): void {
  const at = matches.findIndex((m) => m.start > match.start);
  matches.splice(at === -1 ? matches.length : at, 0, match);
}

/**
 * A word that names a personal column of one table and a plain field of another ("first name":
 * customers' is personal, salespeople's is not) is the plain field only when the question names
 * that field's table and not the personal one's. Otherwise it stays personal, and is refused.
 */
export function scopePersonal(matches: FieldMatch[], catalog: Catalog): void {
  const named = new Set(
    matches.flatMap((m) => m.entries.flatMap((e) => (e.kind === 'entity' ? [e.table] : []))),
  );
  for (const match of matches) {
    const personal = match.entries.flatMap((e) => (e.kind === 'personal' ? [e.table] : []));
    const fields = match.entries.filter((e) => e.kind === 'dimension');
    if (personal.length === 0 || fields.length === 0 || personal.some((t) => named.has(t))) continue;
    const ownTable = fields.some((f) =>
      catalog.dimensions
        .find((d) => f.kind === 'dimension' && d.name === f.name)
        ?.sources.some((s) => named.has(s.table)),
    );
    if (ownTable) match.entries = match.entries.filter((e) => e.kind !== 'personal');
  }
}
