/**
 * Numeric conditions as people type them: "over $1,000", "more than 10 orders", "3 or more
 * papers", "exactly 2 stops", "a rating between 3 and 4", "fewer than a hundred thousand people",
 * "a rating of 5".
 * Each becomes a marker (§n) where it stood, so the phases after can tell what it is about: the
 * thing named right after the number, else the metric named before it.
 */
import type { Condition } from '../query.ts';

export interface FoundCondition {
  op: Condition['op'];
  value: number;
  said: string;
  /** Said as an amount of money ("over $1,000"): of each row's amount or a total, never a count. */
  money: boolean;
}

const NUMBER = String.raw`\$? ?(\d[\d,]*(?:\.\d+)?) ?(k|thousand|m|mn|mm|million|b|bn|billion)?\b`;
const MULTIPLIER: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mn: 1e6,
  mm: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
};
const BEFORE = new RegExp(
  String.raw`\b(over|above|more than|greater than|higher than|larger than|bigger than|exceeding|at least|no less than|under|below|less than|fewer than|lower than|smaller than|at most|no more than|exactly|equal to|equals|precisely) ${NUMBER}`,
  'g',
);
const OR_MORE = new RegExp(
  String.raw`${NUMBER} or (more|greater|higher|above|over|larger|bigger|less|fewer|lower|below|under|smaller)\b`,
  'g',
);
const BETWEEN = new RegExp(String.raw`\bbetween ${NUMBER} and ${NUMBER}`, 'g');
/** "papers that have 1 keyphrase", "customers with 2 orders": a count had is that many exactly. */
const HAVING_COUNT =
  /\b(have|has|had|with|belong to|belongs to|belonging to) (\d{1,6})(?= [a-z])(?! (?:or|to|and|through|percent|%|times)\b)/g;
/** "a rating of 5", "rated 4", "a score = 3": a level said with its number is that level exactly. */
const LEVEL_OF = new RegExp(
  String.raw`\b(?:(ratings?|scores?|grades?|stars?|levels?) (?:(?:of|=|equal to) )?|(rated|scored) )${NUMBER}(?! (?:or|to|and|through|percent|%)\b)`,
  'g',
);

const amount = (number: string, scale: string | undefined) =>
  Number(number.replaceAll(',', '')) * (scale ? (MULTIPLIER[scale] ?? 1) : 1);

function opOf(word: string): Condition['op'] {
  if (/at least|no less/.test(word)) return '>=';
  if (/at most|no more/.test(word)) return '<=';
  if (/exactly|equal|precisely/.test(word)) return '=';
  return /over|above|more|greater|higher|larger|bigger|exceeding/.test(word) ? '>' : '<';
}

/** The text with each condition replaced by its marker, and the conditions in marker order. */
export function readConditionWords(text: string): { rest: string; found: FoundCondition[] } {
  const found: FoundCondition[] = [];
  const mark = (condition: Omit<FoundCondition, 'money'>) => {
    found.push({ ...condition, money: condition.said.includes('$') });
    return ` §${found.length - 1} `;
  };
  let rest = spellNumbers(text).replace(
    BETWEEN,
    (whole: string, low: string, lowScale: string | undefined, high: string, highScale: string | undefined) =>
      `${mark({ op: '>=', value: amount(low, lowScale), said: whole.trim() })}${mark({ op: '<=', value: amount(high, highScale), said: whole.trim() })}`,
  );
  rest = rest.replace(OR_MORE, (whole: string, number: string, scale: string | undefined, word: string) =>
    mark({ op: opOf(word) === '>' ? '>=' : '<=', value: amount(number, scale), said: whole.trim() }),
  );
  rest = rest.replace(BEFORE, (whole: string, word: string, number: string, scale: string | undefined) =>
    mark({ op: opOf(word), value: amount(number, scale), said: whole.trim() }),
  );
  rest = rest.replace(
    HAVING_COUNT,
    (whole: string, verb: string, number: string) =>
      ` ${verb}${mark({ op: '=', value: Number(number), said: whole.trim() })}`,
  );
  rest = rest.replace(
    LEVEL_OF,
    (
      whole: string,
      noun: string | undefined,
      verb: string | undefined,
      number: string,
      scale: string | undefined,
    ) => ` ${noun ?? verb}${mark({ op: '=', value: amount(number, scale), said: whole.trim() })}`,
  );
  return { rest, found };
}

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9 };
const WORD = `(?:${[...UNITS, ...TENS.filter(Boolean), ...Object.keys(SCALES)].join('|')})`;
/** Number words only where a condition expects a number: "one way" and "first class" stay words. */
const SPELLED = new RegExp(
  String.raw`\b(over|above|more than|greater than|higher than|larger than|exceeding|at least|no less than|under|below|less than|fewer than|lower than|smaller than|at most|no more than|exactly|equal to|equals) ((?:a |an )?${WORD}(?:(?: and)? ${WORD})*)\b|\b((?:a |an )?${WORD}(?:(?: and)? ${WORD})*) (or (?:more|greater|higher|fewer|less|lower))\b`,
  'g',
);

function spellNumbers(text: string): string {
  return text.replace(SPELLED, (whole, word?: string, words?: string, before?: string, orMore?: string) => {
    const value = wordsToNumber((words ?? before) as string);
    if (value === undefined) return whole;
    return word ? `${word} ${value}` : `${value} ${orMore}`;
  });
}

/** "a hundred thousand" → 100000, "twenty five" → 25; undefined when the words aren't one number. */
export function wordsToNumber(words: string): number | undefined {
  let total = 0;
  let current = 0;
  for (const word of words.split(' ')) {
    if (word === 'and') continue;
    if (word === 'a' || word === 'an') current = 1;
    else if (UNITS.includes(word)) current += UNITS.indexOf(word);
    else if (TENS.includes(word)) current += TENS.indexOf(word) * 10;
    else if (word === 'hundred') current = (current || 1) * 100;
    else if (SCALES[word]) {
      total += (current || 1) * (SCALES[word] as number);
      current = 0;
    } else return undefined;
  }
  return total + current;
}
