/** Linking verbs, shared by the phases that read them. */
import { stem } from './words.ts';

/**
 * Verbs that only say how two things the question names are related ("papers published in each
 * journal", "restaurants serving Italian food", "authors who wrote papers"). Never a verb that
 * qualifies what is counted ("customers churned", "orders cancelled"): those must stay unplaced.
 */
const LINKING_VERBS = new Set(
  `write writes wrote written writing authored publish published publishing presented post posted
  located situated based serve served serving offer offered offering associated linked related connected
  attached belong belonging assigned taken take took taking taught teach teaching occurred occur
  happened reported made placed received given gave left held listed found appear appeared
  featured involved involving involve flow flows flowing traverse traverses cross crosses pass passes
  cite cites cited citing contain contains contained include includes included
  come comes came coming`
    .split(/\s+/)
    .filter(Boolean)
    .map(stem),
);

export function isLinkingVerb(token: string): boolean {
  return LINKING_VERBS.has(stem(token));
}
