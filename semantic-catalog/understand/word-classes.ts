/**
 * The kinds of words the reading knows without a catalog: grouping, listing, ranking, sorting,
 * comparison and aggregate words, and English grammar (function-words.ts). One set for every
 * catalog.
 */
import { FUNCTION_WORDS } from './function-words.ts';
import { stem } from './words.ts';

export const GROUP_WORDS = new Set(['by', 'per', 'each', 'across', 'every']);
export const LIST_WORDS = new Set(['and', 'or', 'then', 'also']);
export const FILLER = new Set(['the', 'a', 'an', 'our', 'product', 'of', 'all', 'its', 'their']);
export const RANKING_WORDS =
  /^(top|best|highest|largest|biggest|bottom|worst|lowest|smallest|longest|shortest|tallest|oldest|newest|cheapest|busiest|which|what|first)$/;
export const DESCRIBING = /^(performing|selling|earning|growing|spending|paying|buying|ordering|rated)$/;
/**
 * What a describing word says is ranked: "best performing" any measure; "top selling" sales,
 * "highest rated" a rating. Placed only when the measure answered is of that kind, so "highest
 * rated product" is never ranked by revenue.
 */
const DESCRIBED: Record<string, RegExp> = {
  selling: /\b(sales?|sold|selling|revenue|units?|bookings?)\b/,
  earning: /\b(revenue|earnings?|income|profit|sales?)\b/,
  growing: /\b(growth|revenue|sales?)\b/,
  spending: /\b(spend|spending|spent|revenue|amount|cost|sales?)\b/,
  paying: /\b(pay|paid|payments?|revenue|amount|sales?)\b/,
  buying: /\b(buy|bought|purchases?|orders?|sales?|revenue)\b/,
  ordering: /\b(orders?|ordered|sales?)\b/,
  rated: /\b(rat(e|ed|ing|ings)|scores?|stars?)\b/,
};

/** Whether the describing word fits a measure said as `words` (its name, label and synonyms). */
export function describes(token: string, words: string): boolean {
  const sense = DESCRIBED[token];
  return token === 'performing' || (!!sense && sense.test(words.toLowerCase()));
}
export const DESC_WORDS =
  /\b(top|best|highest|most|largest|biggest|greatest|leading|maximum|max|descending|desc|longest|tallest|newest|busiest)\b/;
export const ASC_WORDS =
  /\b(bottom|worst|lowest|least|fewest|smallest|minimum|min|ascending|asc|shortest|oldest|cheapest)\b/;
export const COMPARISON_WORDS =
  /^(vs|versus|compare|compared|comparing|comparison|against|growth|grew|grow|growing|change|changed|increase|decrease|difference|delta)$/;
/** Words that restate how a metric is aggregated: "average response time" when it is an AVG. */
export const AGGREGATE_WORDS: [RegExp, RegExp][] = [
  [/^(average|avg|mean)$/, /^\s*avg\s*\(/i],
  [/^(count|number)$/, /^\s*count\s*\(/i],
  [/^(sum|total)$/, /^\s*(sum|count)\s*\(/i],
  [/^(distinct|unique|different)$/, /^\s*count\s*\(\s*distinct\b/i],
];
export const ALPHABETICAL_WORDS = /^(alphabetical|alphabetically|a|to|z|a-z|name)$/;

export function isFunctionWord(token: string): boolean {
  return FUNCTION_WORDS.has(token) || FUNCTION_WORDS.has(stem(token));
}

/** Ranking, sorting and comparison words: never read as a misspelling of a catalog word. */
export const RANKING_VOCABULARY =
  'top best highest largest biggest bottom worst lowest smallest most least fewest greatest leading maximum minimum ascending descending first alphabetical alphabetically versus compare compared comparing against more less than higher lower fewer greater longest shortest tallest oldest newest cheapest busiest fastest slowest steepest sharpest order ordered sort sorted'.split(
    ' ',
  );

/** Words that are never left over on their own: grammar, grouping, ranking and aggregate words. */
export function isGrammarWord(token: string): boolean {
  return (
    isFunctionWord(token) ||
    GROUP_WORDS.has(token) ||
    LIST_WORDS.has(token) ||
    FILLER.has(token) ||
    token.startsWith('§') ||
    RANKING_WORDS.test(token) ||
    DESC_WORDS.test(token) ||
    ASC_WORDS.test(token) ||
    AGGREGATE_WORDS.some(([word]) => word.test(token))
  );
}
