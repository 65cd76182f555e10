/**
 * Which questions a model may see: only those the offline reading gave up on because of words it
 * couldn't place (leftovers, or no metric at all). Destructive and personal-data questions are
 * refused by the reading itself and never leave the process — nor do near-misses of them that the
 * reading left unplaced ("delet all orders", "emial of employees"): those stay refused offline.
 */
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import type { Understanding } from '../semantic-catalog/understand/parse.ts';
import { readQuestion } from '../semantic-catalog/understand/reading.ts';
import { similarWord, words } from '../semantic-catalog/understand/words.ts';

/** Words that ask to change data, compared with each typed word allowing a typo. */
const CHANGING = [
  'delete',
  'truncate',
  'insert',
  'update',
  'alter',
  'grant',
  'revoke',
  'wipe',
  'erase',
  'remove',
  'destroy',
  'overwrite',
];
/** "drop" alone is a fall in a number ("why did revenue drop"); before these it is a command. */
const DROPPED = ['table', 'schema', 'database', 'view', 'column', 'index', 'everything', 'all'];

function asksToChange(typed: string[]): boolean {
  return typed.some(
    (w, i) =>
      // Short commands only as typed: "after" is not a misspelt "alter".
      CHANGING.some((c) => (c.length > 5 ? similarWord(w, c) : w === c)) ||
      (w === 'drop' && DROPPED.some((d) => similarWord(typed[i + 1] ?? '', d))),
  );
}

export function mayAskModel(
  question: string,
  understanding: Understanding,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): boolean {
  if (understanding.kind === 'query') return false;
  if (understanding.kind === 'refuse' && understanding.code !== 'not_understood') return false;
  const reading = readQuestion(question, catalog, lexicon, today);
  // The reading's own refusals (empty, destructive, personal data) come back as an understanding.
  if ('kind' in reading) return false;
  if (understanding.kind === 'clarify' && reading.leftovers.length === 0) return false;
  const typed = words(question);
  if (asksToChange(typed)) return false;
  return !mentionsPersonal(typed, lexicon);
}

/** A word near a personal column's name or synonym: the model is never asked about people. */
function mentionsPersonal(typed: string[], lexicon: Lexicon): boolean {
  const joined = ` ${typed.join(' ')} `;
  for (const [phrase, entries] of lexicon.phrases) {
    if (!entries.some((e) => e.kind === 'personal')) continue;
    if (joined.includes(` ${phrase} `)) return true;
    if (!phrase.includes(' ') && typed.some((w) => similarWord(w, phrase))) return true;
  }
  return false;
}
