/**
 * "How many course offerings have a final exam and how many do not?": both sides of a field with
 * two members, asked side by side — read as that field's breakdown rather than the one member
 * named. A field with more members than two is not "the others", so the words stay unplaced.
 */
import type { Lexicon } from './lexicon.ts';
import type { Reading } from './reading.ts';

export const EITHER_WAY =
  /\band how many (?:do|does|did|are|were|have|has|had|is|was) ?(?:not|nt)\b(?: (?:have|has|do|one|any))*/;

const membersCache = new WeakMap<Lexicon, Map<string, Set<string>>>();

/**
 * Rewrites the reading into the field's breakdown (its one value dropped), saying so; or, when
 * the value's field has more than two members, returns the words as left over.
 */
export function readEitherWay(said: string, reading: Reading, lexicon: Lexicon): Reading['leftovers'] {
  const field = eitherWayField(reading.values, lexicon);
  if (!field) return [{ word: said.replace(/^and /, ''), candidates: [] }];
  reading.parts.push({ said: `${reading.values[0]?.said} ${said}`, became: `by ${field}` });
  reading.values = [];
  if (!reading.dimensions.includes(field)) reading.dimensions.push(field);
  return [];
}

/** The one field named by a single value that has exactly two members, if there is one. */
function eitherWayField(
  values: { options: { dimension: string; value: string }[]; exclude?: boolean }[],
  lexicon: Lexicon,
): string | undefined {
  const [only] = values;
  if (values.length !== 1 || only?.options.length !== 1 || only.exclude) return undefined;
  const dimension = only.options[0]?.dimension as string;
  return members(lexicon).get(dimension)?.size === 2 ? dimension : undefined;
}

function members(lexicon: Lexicon): Map<string, Set<string>> {
  const known = membersCache.get(lexicon);
  if (known) return known;
  const found = new Map<string, Set<string>>();
  for (const entries of lexicon.phrases.values())
    for (const entry of entries)
      if (entry.kind === 'value') {
        const set = found.get(entry.dimension) ?? new Set<string>();
        set.add(entry.value);
        found.set(entry.dimension, set);
      }
  membersCache.set(lexicon, found);
  return found;
}
