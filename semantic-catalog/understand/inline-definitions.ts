/**
 * "positive reviews (rating > 3)": a word the catalog doesn't know, defined in the question itself
 * by the condition in brackets after the things it qualifies. Read as "reviews with rating > 3";
 * the restatement says which words the definition stood for. A word the catalog knows keeps its
 * own meaning, and brackets holding anything but a comparison with a number are left alone.
 */
import type { Lexicon } from './lexicon.ts';
import { isFunctionWord } from './word-classes.ts';
import { normalizeText, stem } from './words.ts';

const DEFINED = /(?:\b([a-z]+) )?\b([a-z]+) \(([^()]+)\)/gi;
const COMPARISON =
  /[<>=≥≤]|\b(?:above|below|over|under|more than|less than|greater than|fewer than|at least|at most|equal to)\b/i;

export interface InlineDefinitions {
  text: string;
  parts: { said: string; became: string }[];
}

export function readInlineDefinitions(question: string, lexicon: Lexicon): InlineDefinitions | undefined {
  const parts: InlineDefinitions['parts'] = [];
  const known = (...words: string[]) =>
    lexicon.phrases.has(words.map((w) => stem(normalizeText(w))).join(' '));
  const text = question.replace(
    DEFINED,
    (said, word: string | undefined, thing: string, condition: string) => {
      if (!COMPARISON.test(condition) || !/\d/.test(condition)) return said;
      const adjective = word && !isFunctionWord(word.toLowerCase()) && !known(word) && !known(word, thing);
      parts.push({ said, became: `${thing} with ${condition.trim()}` });
      return `${adjective || !word ? '' : `${word} `}${thing} with ${condition.trim()}`;
    },
  );
  return parts.length > 0 ? { text, parts } : undefined;
}
