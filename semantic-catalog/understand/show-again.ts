/**
 * "… Show both courses and scores.": a closing request to show what the question already named.
 * Read when every word it names is in the answer; what would not be shown is said, never dropped.
 */
import { dimensionByName } from '../catalog.ts';
import type { Catalog } from '../schema.ts';
import type { FieldMatch as Match } from './fields.ts';
import type { Lexicon, LexiconEntry } from './lexicon.ts';
import type { Reading } from './reading.ts';
import { stem } from './words.ts';

const SHOW_AGAIN = / (?:show|return|give|list|include)(?: me| us)?(?: both)?(?: the)? ([a-z ]+)$/;

/** The question without such a request, and the words it named (each checked against the answer). */
export function withoutEcho(text: string): { text: string; named: string[] } {
  const echo = SHOW_AGAIN.exec(text);
  if (!echo) return { text, named: [] };
  const before = new Set(text.slice(0, echo.index).split(' ').map(stem));
  const named = (echo[1] as string).split(' ').filter((w) => !/^(and|the|their|its|both|each)$/.test(w));
  return named.length > 0 && named.every((w) => before.has(stem(w)))
    ? { text: text.slice(0, echo.index), named }
    : { text, named: [] };
}

/**
 * Whether a word names a number or a field of the answer, or the things a field of it lists —
 * alone, or as part of what the question called it ("scores" of "easiness scores").
 */
export function shownIn(
  word: string,
  matches: Match[],
  reading: Reading,
  lexicon: Lexicon,
  catalog: Catalog,
): boolean {
  const answered = (e: LexiconEntry) =>
    e.kind === 'metric'
      ? reading.metrics.includes(e.name)
      : e.kind === 'dimension'
        ? reading.dimensions.includes(e.name)
        : e.kind === 'entity' &&
          reading.dimensions.some((d) =>
            dimensionByName(catalog, d)?.sources.some((s) => s.table === e.table),
          );
  const said = (m: Match) => m.text.split(' ').some((t) => stem(t) === stem(word));
  return (
    (lexicon.phrases.get(stem(word)) ?? []).some(answered) ||
    matches.some((m) => said(m) && m.entries.some(answered))
  );
}
