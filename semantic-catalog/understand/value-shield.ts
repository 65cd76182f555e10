/**
 * Values the catalog knows whose words would also read as time: the paper "The Effects of Climate
 * Change on Agriculture" (not a growth question), the keyphrase "climate change", a product called
 * "Summer 2024 Edition". Such a value is kept whole, out of the time reading, and read as the value.
 * A value made only of time words ("March 2024") is left to the time reading.
 */
import type { Lexicon } from './lexicon.ts';
import { TIME_WORDS } from './time-words.ts';
import { stem } from './words.ts';

const PLACEHOLDER = (k: number) => `zzshielded${k}`;
const isTimeWord = (token: string) => TIME_WORDS.has(token) || /^\d+$/.test(token);

/** The text with such values replaced by placeholders, and how to put them back. */
export function shieldValues(
  text: string,
  lexicon: Lexicon,
): { text: string; restore(rest: string): string } {
  const tokens = text.split(' ');
  const shielded: string[] = [];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let taken = 0;
    for (let length = Math.min(lexicon.longest, tokens.length - i); length >= 2; length--) {
      const span = tokens.slice(i, i + length);
      const entries = lexicon.phrases.get(span.map(stem).join(' '));
      if (!entries?.some((e) => e.kind === 'value')) continue;
      if (span.some(isTimeWord) && !span.every((t) => isTimeWord(t) || t === 'of' || t === 'the'))
        taken = length;
      break;
    }
    if (taken === 0) {
      out.push(tokens[i] as string);
      i++;
      continue;
    }
    out.push(PLACEHOLDER(shielded.length));
    shielded.push(tokens.slice(i, i + taken).join(' '));
    i += taken;
  }
  if (shielded.length === 0) return { text, restore: (rest) => rest };
  return {
    text: out.join(' '),
    restore: (rest) => rest.replace(/zzshielded(\d+)/g, (_w, k: string) => shielded[Number(k)] ?? ''),
  };
}
