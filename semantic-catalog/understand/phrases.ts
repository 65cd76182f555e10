/**
 * Typed words → catalog phrases: the phrases chosen so the fewest words are left over, small
 * misspellings forgiven through an index built once per lexicon, and misspellings of a single
 * known word read as that word.
 */

import type { FieldMatch as Match } from './fields.ts';
import { FUNCTION_WORDS } from './function-words.ts';
import type { Lexicon, LexiconEntry } from './lexicon.ts';
import { isLinkingVerb } from './linking-verbs.ts';
import { TIME_WORDS } from './time-words.ts';
import {
  AGGREGATE_WORDS,
  FILLER,
  GROUP_WORDS,
  isGrammarWord,
  LIST_WORDS,
  RANKING_VOCABULARY,
} from './word-classes.ts';
import { similarWord, stem } from './words.ts';

/**
 * Misspelled words read as the one known word they are close to ("quater" → "quarter"), before
 * any phase reads them. A word close to several known words is left alone: it becomes a
 * leftover, and the clarifying question offers the candidates.
 */
export function correctSpelling(
  text: string,
  lexicon: Lexicon,
): { text: string; corrections: { typed: string; read: string }[] } {
  const { known, meaningful } = wordIndex(lexicon);
  const corrections: { typed: string; read: string }[] = [];
  const corrected = text
    .split(' ')
    .map((token) => {
      const stemmed = stem(token);
      if (token.length < 4 || /[^a-z]/.test(token) || known.has(token) || known.has(stemmed)) return token;
      // Only ever to a word that means something: "status" read as the grammar word "stats"
      // would drop it silently.
      const candidates = spellingCandidates(stemmed, meaningful);
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
export function nearestReadings(word: string, lexicon: Lexicon, vocabulary: Set<string>): string[] {
  const stemmed = stem(word);
  if (vocabulary.has(stemmed)) {
    return (wordIndex(lexicon).phrasesWith.get(stemmed) ?? [])
      .filter((key) => key !== stemmed)
      .slice(0, PHRASES_OFFERED);
  }
  return spellingCandidates(stemmed, vocabulary);
}

export function spellingCandidates(word: string, known: Set<string>): string[] {
  return [...known].filter((k) => k.length >= 4 && similarWord(word, k));
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
      const next = best[i + length]?.match;
      // "average clarity" + "score" side by side, where "clarity score" was meant: two numbers
      // asked for are joined by a word ("and", a comma), never simply adjacent.
      const adjacent = next?.start === i + length && onlyMetrics(next.entries) && onlyMetrics(entries);
      const cost =
        (best[i + length] as { cost: number }).cost +
        (exact ? 0.002 : 0.004) +
        (adjacent || cutsPhrase(tokens, stems, i, i + length, lexicon) ? 0.5 : 0);
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

const COUNTING = /^(?:how many|number of|count of|total number of) /;

/**
 * Whether counting words and a thing ("how many course") end inside a longer catalog phrase that
 * the thing starts: "how many course" + "offerings", where "course offerings" is what was named.
 */
function cutsPhrase(
  tokens: string[],
  stems: string[],
  start: number,
  end: number,
  lexicon: Lexicon,
): boolean {
  if (!/^(how|number|count|total)$/.test(tokens[start] ?? '')) return false;
  if (!COUNTING.test(`${tokens.slice(start, end).join(' ')} `)) return false;
  for (let from = start + 1; from < end; from++)
    for (let to = end + 1; to <= Math.min(stems.length, from + lexicon.longest); to++)
      if (lexicon.phrases.has(stems.slice(from, to).join(' '))) return true;
  return false;
}

const onlyMetrics = (entries: LexiconEntry[]) =>
  entries.length > 0 && entries.every((e) => e.kind === 'metric');

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
const HAVING = /^(have|has|had|with|without)$/;

/**
 * "courses that have a final project and a final exam": the verb said once is meant for both, so
 * it is said again where the catalog knows the second only with it ("have a final exam").
 */
export function shareVerbs(tokens: string[], lexicon: Lexicon): string[] {
  const out = [...tokens];
  for (let i = out.length - 1; i > 0; i--) {
    if (!/^(and|or)$/.test(out[i] as string)) continue;
    let v = i - 1;
    while (v >= 0 && i - v <= 6 && !HAVING.test(out[v] as string) && !/^(and|or)$/.test(out[v] as string))
      v--;
    const verb = out[v];
    if (v < 0 || !verb || !HAVING.test(verb)) continue;
    const after = out
      .slice(i + 1)
      .filter((t) => !/^(a|an|the)$/.test(t))
      .map(stem);
    const known = [5, 4, 3, 2, 1].some(
      (n) => n <= after.length && lexicon.phrases.has([stem(verb), ...after.slice(0, n)].join(' ')),
    );
    if (known) out.splice(i + 1, 0, verb);
  }
  return out;
}

export function dropInnerGrammar(tokens: string[], lexicon: Lexicon): string[] {
  const { byFirstWord } = wordIndex(lexicon);
  return tokens.filter((token, i) => {
    if (!/^(is|are|was|were|be|been|being|a|an|the)$/.test(token) || i === 0 || i === tokens.length - 1)
      return true;
    const before = stem(tokens[i - 1] as string);
    const after = stem(tokens[i + 1] as string);
    return !(byFirstWord.get(before) ?? []).some((p) => p.words[1] === after);
  });
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
  /** Catalog, time and ranking words: what a misspelling is ever corrected to (never grammar). */
  meaningful: Set<string>;
  /** Catalog words a typed word may be a misspelling of (itself included), computed once per word. */
  similar(word: string): Set<string>;
  /** The first few phrases each word is part of, in the lexicon's order: what a leftover word may have meant. */
  phrasesWith: Map<string, string[]>;
}

const PHRASES_OFFERED = 4;

const wordIndexes = new WeakMap<Lexicon, WordIndex>();

/** The lexicon's words, built once per lexicon: fuzzy matching and spelling without scanning every phrase. */
export function wordIndex(lexicon: Lexicon): WordIndex {
  const cached = wordIndexes.get(lexicon);
  if (cached) return cached;
  const byFirstWord: WordIndex['byFirstWord'] = new Map();
  const phraseWords = new Set<string>();
  const phrasesWith = new Map<string, string[]>();
  for (const [key, entries] of lexicon.phrases) {
    const known = key.split(' ');
    for (const word of known) phraseWords.add(word);
    for (const word of new Set(known)) {
      const list = phrasesWith.get(word) ?? [];
      // One more than offered: the word's own phrase is not offered for it.
      if (list.length <= PHRASES_OFFERED) list.push(key);
      phrasesWith.set(word, list);
    }
    const list = byFirstWord.get(known[0] as string) ?? [];
    list.push({ words: known, entries });
    byFirstWord.set(known[0] as string, list);
  }
  const grammar = [...FUNCTION_WORDS, ...GROUP_WORDS, ...LIST_WORDS, ...FILLER, ...RANKING_VOCABULARY];
  const catalogWords = new Set([...phraseWords, ...TIME_WORDS].filter((w) => !FUNCTION_WORDS.has(w)));
  const meaningful = new Set([...catalogWords, ...RANKING_VOCABULARY]);
  const memo = new Map<string, Set<string>>();
  const index: WordIndex = {
    byFirstWord,
    phrasesWith,
    known: new Set([...phraseWords, ...TIME_WORDS, ...grammar]),
    catalogWords,
    meaningful,
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
