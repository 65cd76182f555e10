/**
 * Sorting words: "ordered by the number of papers in descending order", "sorted from highest to
 * lowest", "order the results by the region name", "alphabetically". They say how rows are
 * ordered, never what is grouped: the phrase after "ordered by" is a sort key, not a group-by.
 */

/** Stands where "ordered by" was typed, so the catalog phrase right after it is the sort key. */
export const SORT_MARKER = '§sort';

export interface Sorting {
  rest: string;
  direction?: 'asc' | 'desc';
  alphabetical: boolean;
  /** The question names what to sort by ("ordered by X"): the phrase after the marker. */
  keyed: boolean;
  /** "ordered by the month": by time. */
  byTime: boolean;
  /** "ordered by the length of the journal name": by how long each member's text is. */
  byLength: boolean;
}

// "order"/"sort" are nouns too ("orders by region"): the present tense counts only when it
// takes an object ("order the results by") or opens the question ("sort by revenue").
// "… Order by rating descending": "order by" said with a direction after it is the verb anywhere.
const SORT_VERB =
  /(?:\b(?:then |and )?(?:ordered|sorted|arranged)|(?<!§)\b(?:order|sort|arrange) (?:the )?(?:results?|rows|list|output|them|it|answer)|^ ?(?:order|sort)|(?<!§)\bsort(?= by\b)|(?<!§)\border(?= by(?: [a-z0-9]+){1,4} (?:ascending|descending|asc|desc)\b))(?: (?:the )?(?:results?|rows|list|output|them|it|answer))?(?: (?:by|on|according to|based on))?\b/g;
const DIRECTIONS: [RegExp, 'asc' | 'desc'][] = [
  [/\b(?:in )?(?:descending|decreasing|reverse|desc) (?:order|alphabetical order)\b/g, 'desc'],
  [/\b(?:in )?(?:ascending|increasing|asc) order\b/g, 'asc'],
  // "from highest to lowest", "starting from the best ratings to the lowest" (the words between
  // still name the sort key).
  [
    /\b(?:starting )?(?:from )?(?:the )?(?:highest|largest|biggest|longest|most|best|greatest|maximum|newest|latest|tallest)((?: \w+){0,2}) to (?:the )?(?:lowest|smallest|shortest|least|fewest|worst|minimum|oldest|earliest)\b/g,
    'desc',
  ],
  [
    /\b(?:starting )?(?:from )?(?:the )?(?:lowest|smallest|shortest|least|fewest|worst|minimum|oldest|earliest)((?: \w+){0,2}) to (?:the )?(?:highest|largest|biggest|longest|most|best|greatest|maximum|newest|latest|tallest)\b/g,
    'asc',
  ],
  // "the highest average rating first": the words between still name the sort key.
  [/\b(?:highest|largest|biggest|most|best|greatest|longest)((?: \w+){0,3}) first\b/g, 'desc'],
  [/\b(?:lowest|smallest|least|fewest|worst|shortest)((?: \w+){0,3}) first\b/g, 'asc'],
  [/\b(?:in )?(?:descending|decreasing)\b/g, 'desc'],
  [/\b(?:in )?(?:ascending|increasing)\b/g, 'asc'],
];
const SORT_OBJECT =
  /(?<!§)\b(?:order|sort|arrange|rank) (?!(?:the )?(?:results?|rows|list|output|them|it|answer)\b)(?:the |all )?(?=[a-z][a-z ]{0,40} (?:in (?:ascending|descending|increasing|decreasing|reverse|alphabetical) order|alphabetically|from (?:the )?(?:highest|lowest|largest|smallest|best|worst|most|least|longest|shortest|a to z)))/g;
/** What may follow a sort verb that names no key: a direction. */
const HOW =
  /^\s*(?:(?:starting\s+)?from\b|in\s+(?:ascending|descending|decreasing|increasing|reverse|alphabetical)|alphabetically|ascending|descending|asc\b|desc\b|(?:with\s+)?(?:the\s+)?(?:highest|lowest|largest|smallest|best|worst|most|least|longest|shortest)\b|a to z|a-z)/;
const ALPHABETICAL = /\b(?:in )?(?:alphabetical order|alphabetically|a to z|a-z)\b/g;

export function readSorting(text: string): Sorting {
  let rest = ` ${text} `;
  let direction: Sorting['direction'];
  let alphabetical = false;
  let keyed = false;
  // A sort verb counts only with what it sorts by or how ("ordered by …", "sorted in descending
  // order"): "customers ordered in March" is about ordering, and stays for the reading to place.
  // "sort the aircraft codes in ascending order": the verb's object is the key, up to the direction.
  rest = rest.replace(SORT_OBJECT, () => {
    keyed = true;
    return ` ${SORT_MARKER} `;
  });
  rest = rest.replace(SORT_VERB, (whole, offset: number) => {
    const naming = /\b(by|on|according to|based on)$/.test(whole);
    if (naming) {
      keyed = true;
      return ` ${SORT_MARKER} `;
    }
    return HOW.test(rest.slice(offset + whole.length)) ? ' ' : whole;
  });
  if (ALPHABETICAL.test(rest)) {
    alphabetical = true;
    rest = rest.replace(ALPHABETICAL, ' ');
  }
  for (const [pattern, said] of DIRECTIONS) {
    if (!pattern.test(rest)) continue;
    direction ??= said;
    rest = rest.replace(
      pattern,
      (_whole, between: unknown) => ` ${typeof between === 'string' ? between : ''} `,
    );
  }
  // "the top 3 businesses in terms of review count": what the ranking is by.
  rest = rest.replace(/\b(?:in terms of|based on|according to)\b/g, 'by');

  // "ordered by the month": in time order, the way periods are already listed.
  const TIME_KEY = new RegExp(
    `${SORT_MARKER}\\s+(?:the\\s+)?(?:day|week|month|quarter|year|date|time|period)s?\\b`,
  );
  const byTime = TIME_KEY.test(rest);
  if (byTime) {
    rest = rest.replace(TIME_KEY, ' ');
    keyed = false;
  }
  // Only of a text said as such ("the journal name", "their titles"): "the length of the river"
  // is a measure of the river.
  const LENGTH_KEY = new RegExp(
    `${SORT_MARKER}\\s+(?:the\\s+)?(?:length|number of characters|character count)\\s+of\\s+(?=(?:[a-z]+\\s+){0,2}(?:names?|titles?|descriptions?|texts?|labels?)\\b)`,
  );
  const byLength = keyed && LENGTH_KEY.test(rest);
  if (byLength) rest = rest.replace(LENGTH_KEY, ` ${SORT_MARKER} `);
  return { rest: rest.replace(/\s+/g, ' '), direction, alphabetical, keyed, byTime, byLength };
}
