/**
 * Reading what an admin teaches: "bookings means revenue" → a synonym of the metric, field or
 * value the lexicon knows as "revenue"; "successful means status = completed" → a named filter on
 * a field (a dimension, or a catalog column). Problems come back as data, worded for the admin.
 */

import type { SynonymTarget } from '../catalog-admin/overlays.ts';
import type { NamedFilter } from '../semantic-catalog/named-filters.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Lexicon, LexiconEntry } from '../semantic-catalog/understand/lexicon.ts';
import { words } from '../semantic-catalog/understand/words.ts';

type Meant = Exclude<LexiconEntry, { kind: 'personal' } | { kind: 'entity' }>;

const key = (text: string) => words(text).join(' ');
const unquote = (text: string) => text.trim().replace(/^["'“‘](.*)["'”’]$/, '$1');

export function describeTarget(catalog: Catalog, target: SynonymTarget): string {
  if (target.kind === 'metric')
    return `the metric ${catalog.metrics.find((m) => m.name === target.name)?.label ?? target.name}`;
  const label = (name: string) => catalog.dimensions.find((d) => d.name === name)?.label ?? name;
  if (target.kind !== 'value') return `the field ${label(target.name)}`;
  return `${target.value} (${label(target.dimension)})`;
}

function meanings(lexicon: Lexicon, text: string): LexiconEntry[] {
  return lexicon.phrases.get(key(text)) ?? [];
}

function asTarget(entry: Meant): SynonymTarget {
  return entry.kind === 'value'
    ? { kind: 'value', dimension: entry.dimension, value: entry.value }
    : { kind: entry.kind, name: entry.name };
}

/** A word already in the lexicon can't take a second meaning: the reader would have to guess. */
function taken(catalog: Catalog, lexicon: Lexicon, word: string): string | undefined {
  const existing = meanings(lexicon, word).filter(
    (e): e is Meant => e.kind !== 'personal' && e.kind !== 'entity',
  );
  if (meanings(lexicon, word).some((e) => e.kind === 'personal')) return `“${word}” names personal data`;
  if (existing.length === 0) return undefined;
  return `“${word}” already means ${existing.map((e) => describeTarget(catalog, asTarget(e))).join(' or ')}; forget it first`;
}

export function readTarget(
  catalog: Catalog,
  lexicon: Lexicon,
  word: string,
  meaning: string,
): SynonymTarget | { problem: string } {
  const busy = checkWordFree(catalog, lexicon, word);
  if (busy) return { problem: busy };
  const all = meanings(lexicon, unquote(meaning));
  if (all.some((e) => e.kind === 'personal')) return { problem: `“${meaning}” is personal data` };
  const found = [
    ...new Map(
      all
        .filter((e): e is Meant => e.kind !== 'personal' && e.kind !== 'entity')
        .map((e) => [JSON.stringify(e), asTarget(e)] as const),
    ).values(),
  ];
  if (found.length === 0) return { problem: `I don’t know “${meaning}”: name a metric, a field or a value` };
  if (found.length > 1)
    return {
      problem: `“${meaning}” could be ${found.map((t) => describeTarget(catalog, t)).join(' or ')}; name one of them`,
    };
  return found[0] as SynonymTarget;
}

export function checkWordFree(catalog: Catalog, lexicon: Lexicon, word: string): string | undefined {
  if (!key(word)) return 'the word to teach is empty';
  return taken(catalog, lexicon, unquote(word));
}

const FILTER = /^(.+?)\s*(?:==?|\bis\b|\bequals\b)\s*(.+)$/i;

/** A named filter, if the meaning is "field = value"; undefined when it is not written so. */
export function readFilter(
  catalog: Catalog,
  lexicon: Lexicon,
  word: string,
  meaning: string,
):
  | { filter: NamedFilter; value: string; dimension: (after: Catalog) => string | undefined }
  | { problem: string }
  | undefined {
  const match = FILTER.exec(meaning.trim());
  if (!match) return undefined;
  const busy = checkWordFree(catalog, lexicon, word);
  if (busy) return { problem: busy };
  const fieldText = (match[1] as string).trim();
  const typed = unquote(match[2] as string);
  const name = unquote(word);
  const filter = (field: string, value: string): NamedFilter => ({
    name,
    synonyms: [],
    field,
    value,
    description: `Taught in chat: ${name} means ${meaning.trim()}`,
  });
  const dimensions = meanings(lexicon, fieldText).filter((e) => e.kind === 'dimension');
  if (dimensions.length === 1) {
    const dimension = (dimensions[0] as { name: string }).name;
    const known = [...lexicon.phrases.values()]
      .flat()
      .flatMap((e) => (e.kind === 'value' && e.dimension === dimension ? [e.value] : []));
    const value = known.find((v) => v.toLowerCase() === typed.toLowerCase());
    const label = catalog.dimensions.find((d) => d.name === dimension)?.label ?? dimension;
    if (!value && known.length > 0)
      return {
        problem: `“${typed}” is not a known value of ${label} (known: ${[...new Set(known)].slice(0, 10).join(', ')})`,
      };
    return { filter: filter(dimension, value ?? typed), value: value ?? typed, dimension: () => dimension };
  }
  const column = fieldText.includes('.') ? fieldText.split('.').pop() : words(fieldText).join('_');
  const tables = catalog.tables.filter(
    (t) =>
      t.columns.some((c) => c.name === column) &&
      (!fieldText.includes('.') || fieldText.startsWith(`${t.name}.`)),
  );
  if (tables.length === 0) return { problem: `I know no field “${fieldText}”` };
  if (tables.length > 1)
    return {
      problem: `“${fieldText}” is a column of ${tables.map((t) => t.name).join(', ')}: write it as schema.table.column`,
    };
  const table = tables[0] as Catalog['tables'][number];
  const samples = (table.columns.find((c) => c.name === column)?.sample_values ?? []).map(String);
  const value = samples.find((v) => v.toLowerCase() === typed.toLowerCase()) ?? typed;
  const field = `${table.name}.${column}`;
  return {
    filter: filter(field, value),
    value,
    dimension: (after) =>
      after.dimensions.find((d) => d.sources.some((s) => s.table === table.name && s.column === column))
        ?.name,
  };
}
