/**
 * "the average number of orders per customer", "average revenue per month": a total taken for
 * each member of a field (or each period), then averaged over them — not the catalog's "average
 * order" (the average order's value), and not revenue broken down by customer. The words become
 * "orders averagedper customer", a marker word the reading resolves once the field is found; the
 * metric must be a sum or a count, or the words stay unplaced.
 */
import { metricByName, sumsOrCounts } from '../catalog.ts';
import { isPeriod } from '../period-words.ts';
import type { SemanticQuery } from '../query.ts';
import type { Catalog } from '../schema.ts';
import type { FieldMatch } from './fields.ts';
import type { Lexicon } from './lexicon.ts';
import { stem } from './words.ts';

export const PER_MARKER = 'averagedper';
const AVERAGE_PER =
  /\b(?:average|avg|mean) (?:(number|count|amount) of )?((?:[a-z0-9$-]+ ){1,5}?)(?:per|for each|for every|by each) /;

/** The text with "average … per" rewritten around a marker, when it asks for an average over a field. */
export function markAveragePer(text: string, lexicon: Lexicon): string {
  const found = AVERAGE_PER.exec(` ${text} `);
  if (!found) return text;
  const [whole, counted, what] = found as unknown as [string, string | undefined, string];
  // "average order value per region": the catalog's own average, broken down.
  const own = `average ${what.trim()}`.split(' ').map(stem);
  const named = own.some((_, k) => k > 0 && lexicon.phrases.has(own.slice(0, k + 1).join(' ')));
  if (!counted && named) return text;
  // "average revenue per order": per a metric's things is a ratio (per-and-frequency.ts), not a field.
  const after = ` ${text} `
    .slice(found.index + whole.length)
    .trim()
    .split(' ')
    .map(stem);
  const field = [4, 3, 2, 1].some((n) =>
    lexicon.phrases.get(after.slice(0, n).join(' '))?.some((e) => e.kind === 'dimension'),
  );
  if (!field && !isPeriod(after[0] ?? '')) return text;
  return ` ${text} `.replace(whole, ` ${what.trim()} ${PER_MARKER} `).trim();
}

/**
 * What each total is taken for (the field or the period after the marker), when the metric before
 * it adds up; and the positions that says so. Undefined when there is no marker.
 */
export function readAveragePer(
  tokens: string[],
  matches: FieldMatch[],
  metrics: string[],
  catalog: Catalog,
): { over?: SemanticQuery['averageOver']; used: number[] } | undefined {
  const at = tokens.indexOf(PER_MARKER);
  if (at < 0) return undefined;
  const metric = metrics.length === 1 ? metricByName(catalog, metrics[0] as string) : undefined;
  const addsUp = !!metric && sumsOrCounts(metric);
  const grain = stem(tokens[at + 1] ?? '');
  if (addsUp && isPeriod(grain) && !matches.some((m) => m.start === at + 1))
    return { over: { grain }, used: [at, at + 1] };
  const field = matches.find((m) => m.start === at + 1)?.entries.find((e) => e.kind === 'dimension');
  if (field?.kind !== 'dimension' || !addsUp) return { used: [at] };
  return { over: { dimension: field.name }, used: [at] };
}
