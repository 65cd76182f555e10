/**
 * Part of a text field matched as typed: "journals whose names start with the letter J",
 * "diagnoses containing 'psoriasis'", "the journal with 'IEEE Transactions' in its name". The
 * typed text is taken from the question before it is normalised (it is a value, not catalog
 * words), a marker stands in its place, and the field is the thing named just before the marker
 * (its name field when the thing is a table). With no such field the marker stays unplaced and
 * the question is asked about, never answered without the match.
 */
import type { Catalog } from '../schema.ts';
import { type FieldMatch, nameField } from './fields.ts';
import type { Lexicon } from './lexicon.ts';
import type { Reading } from './reading.ts';

export type MatchKind = 'prefix' | 'suffix' | 'contains';

export interface TextMatch {
  match: MatchKind;
  value: string;
  /** How the question said it ("starts with “J”"). */
  said: string;
}

const QUOTED = `"([^"]+)"|'([^']+)'|“([^”]+)”|‘([^’]+)’`;
const PATTERNS: [RegExp, MatchKind][] = [
  [
    new RegExp(
      `\\b(?:starts?|starting|begins?|beginning) with (?:the (?:letter|word|prefix|string|text) )?(?:${QUOTED}|([\\p{L}\\p{N}]+))`,
      'giu',
    ),
    'prefix',
  ],
  [
    new RegExp(
      `\\b(?:ends?|ending) with (?:the (?:letter|word|suffix|string|text) )?(?:${QUOTED}|([\\p{L}\\p{N}]+))`,
      'giu',
    ),
    'suffix',
  ],
  [
    new RegExp(
      `\\b(?:containing|contains?|mentioning|mentions?)(?: the (?:word|string|text|phrase))? (?:${QUOTED})`,
      'giu',
    ),
    'contains',
  ],
  [
    new RegExp(
      `\\b(?:with|having|has) (?:${QUOTED}) (?:in|within) (?:its|their|the) (?:names?|titles?)\\b`,
      'giu',
    ),
    'contains',
  ],
];
const SAID: Record<MatchKind, string> = {
  prefix: 'starting with',
  suffix: 'ending with',
  contains: 'containing',
};
/** How to match, said to a database: every match here is a pattern, and case never matters. */
const MATCHING_INSTRUCTIONS =
  /\(?\s*\b(?:match(?:ing)?(?: (?:the )?strings?)?(?: with wildcards)?(?:,? case[- ]?insensitive(?:ly)?)?|case[- ]?insensitive(?:ly)?)\s*\)?/gi;
/** "Match food_type case insensitively": an instruction that every value match already follows. */
const CASE_INSENSITIVE =
  /\(?\s*\bmatch(?:ing)?(?: (?:the )?[\w.]+){0,2}? case[- ]?insensitive(?:ly)?\s*\)?|\bcase[- ]?insensitive(?:ly)?\b/gi;
/** "Match strings exactly": a named value is always its one known member, compared with =. */
const EXACTLY =
  /\b(?:always )?(?:match|filter|compare)(?: the)? (?:strings|names|values|text)(?: (?:using|with|by))?(?: an?)? exact(?:ly| match(?:es|ing)?| string match(?:es|ing)?)\b/gi;
const MARKER = 'textmatch';
export const isMarker = (token: string) => /^textmatch\d+$/.test(token);

/** The question with each match replaced by a marker word, and the matches. */
export function extractTextMatches(question: string): { text: string; found: TextMatch[] } {
  const found: TextMatch[] = [];
  let text = question;
  for (const [pattern, match] of PATTERNS) {
    text = text.replace(pattern, (whole: string, ...groups: unknown[]) => {
      const value = groups.slice(0, 5).find((g): g is string => typeof g === 'string' && g.trim() !== '');
      if (!value) return whole;
      found.push({ match, value: value.trim(), said: `${SAID[match]} “${value.trim()}”` });
      return ` ${MARKER}${found.length - 1} `;
    });
  }
  if (found.length > 0) text = text.replace(MATCHING_INSTRUCTIONS, ' ');
  // Values are always matched whatever their case, and to one known member: saying so changes nothing.
  else text = text.replace(CASE_INSENSITIVE, ' ').replace(EXACTLY, ' ');
  return { text, found };
}

/** Words between a thing and its match: "journals whose names …", "lakes that have a name that …". */
const BETWEEN =
  /^(whose|which|that|who|where|have|has|had|a|an|the|its|their|is|are|was|were|with|name|names|title|titles)$/;
const LABEL = /^(name|names|title|titles)$/;

/** Each marker becomes a value of the field named before it; returns the token positions used. */
export function readTextMatches(
  tokens: string[],
  matches: FieldMatch[],
  found: TextMatch[],
  reading: Reading,
  lexicon: Lexicon,
  catalog: Catalog,
): number[] {
  const used: number[] = [];
  tokens.forEach((token, at) => {
    if (!isMarker(token)) return;
    const text = found[Number(token.slice(MARKER.length))];
    let k = at - 1;
    // A bare "name" caught as some field is only the label of the thing before it.
    const labels: FieldMatch[] = [];
    while (k >= 0) {
      const covering = matches.find((m) => m.start <= k && k < m.end);
      if (covering?.text.split(' ').every((w) => LABEL.test(w))) {
        labels.push(covering);
        k = covering.start - 1;
      } else if (!covering && BETWEEN.test(tokens[k] as string)) k--;
      else break;
    }
    const subject = matches.find((m) => m.end === k + 1);
    if (!text || !subject) return;
    const own = subject.entries.find((e) => e.kind === 'dimension');
    const field =
      own?.kind === 'dimension' && !subject.entries.some((e) => e.kind === 'entity') ? own : undefined;
    const named =
      field ??
      nameField(subject, 'name', lexicon, catalog) ??
      nameField(subject, 'title', lexicon, catalog) ??
      own;
    if (named?.kind !== 'dimension') return;
    for (const label of labels) matches.splice(matches.indexOf(label), 1);
    subject.qualified = true;
    reading.values.push({
      said: text.said,
      options: [{ dimension: named.name, value: text.value }],
      match: text.match,
    });
    reading.parts.push({ said: text.said, became: `filter on ${named.name}` });
    for (let i = k + 1; i <= at; i++) used.push(i);
  });
  return used;
}
