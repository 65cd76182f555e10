/**
 * Question → semantic query, offline and deterministic: read (words → catalog terms), then plan
 * (a query, or a refusal, or a clarifying question). Whatever can't be grounded is refused or
 * asked about, never guessed.
 */
import type { IsoDate } from '../dates.ts';
import type { SemanticQuery } from '../query.ts';
import type { Said } from '../restate.ts';
import type { Catalog } from '../schema.ts';
import { readInlineDefinitions } from './inline-definitions.ts';
import type { Lexicon } from './lexicon.ts';
import { planQuery } from './plan.ts';
import { readRatioOf } from './ratio-of.ts';
import { readQuestion } from './reading.ts';

export type RefusalCode = 'destructive' | 'personal_data' | 'not_understood' | 'unsupported';

export type Understanding =
  | { kind: 'query'; query: SemanticQuery; said?: Said }
  | { kind: 'clarify'; message: string; choices: { label: string; question: string }[] }
  | { kind: 'refuse'; code: RefusalCode; message: string; suggestions: string[] };

export function understand(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Understanding {
  const defined = readInlineDefinitions(question, lexicon);
  const understood = understandAsked(defined?.text ?? question, catalog, lexicon, today);
  if (!defined || understood.kind !== 'query') return understood;
  const said = understood.said ?? { parts: [], corrections: [] };
  return { ...understood, said: { ...said, parts: [...defined.parts, ...said.parts] } };
}

function understandAsked(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Understanding {
  const ratio = readRatioOf(question, (side) => understandAsked(side, catalog, lexicon, today), catalog);
  if (ratio) return ratio;
  const reading = readQuestion(question, catalog, lexicon, today);
  if ('kind' in reading) return reading;
  return planQuery(question, reading, catalog, today);
}

/**
 * The runs of typed words the reading could not place ("oak freight ltd"), in question order:
 * what a lookup of high-cardinality values (customer and product names) may find.
 */
export function unplacedPhrases(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): string[] {
  const reading = readQuestion(question, catalog, lexicon, today);
  if ('kind' in reading || reading.leftovers.length === 0) return [];
  const words = new Set(reading.leftovers.map((l) => l.word));
  const phrases: string[] = [];
  let run: string[] = [];
  for (const token of reading.text.split(' ')) {
    if (words.has(token)) run.push(token);
    else if (run.length > 0) {
      phrases.push(run.join(' '));
      run = [];
    }
  }
  if (run.length > 0) phrases.push(run.join(' '));
  return phrases;
}
