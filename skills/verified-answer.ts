/**
 * A question an admin verified is answered with its stored semantic query — the same metrics,
 * fields, filters and order — and says who verified it. Only the period is read afresh, so
 * "last quarter" still means last quarter.
 */
import type { IsoDate } from '../semantic-catalog/dates.ts';
import { bucketName } from '../semantic-catalog/period-words.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import { findVerified, type VerifiedBy } from '../semantic-catalog/verified.ts';

/** The verified reading of a question, if an admin verified it; undefined otherwise. */
export function verifiedReading(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): { query: SemanticQuery; verified: VerifiedBy } | undefined {
  const entry = findVerified(catalog, question);
  if (!entry?.query) return undefined;
  const stored = entry.query as unknown as SemanticQuery;
  const fresh = understand(question, catalog, lexicon, today);
  const query: SemanticQuery =
    fresh.kind === 'query' ? { ...stored, time: fresh.query.time, compare: fresh.query.compare } : stored;
  return { query, verified: { by: entry.verified_by ?? 'an admin', on: entry.verified_on ?? '' } };
}

/** Shown with every answer to a verified question. */
export function verifiedLabel(verified: VerifiedBy): string {
  return `✓ Verified by ${verified.by}${verified.on ? ` on ${bucketName(verified.on, 'day')}` : ''}`;
}
