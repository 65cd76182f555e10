/**
 * "the average number of orders per customer", "average revenue per month": a total taken for
 * each member of a field (or each period), then averaged over them — not the catalog's "average
 * order" (the average order's value), and not revenue broken down by customer. The words become
 * "orders averagedper customer", a marker word the reading resolves once the field is found; the
 * metric must be a sum or a count, or the words stay unplaced.
 */
import { isCount, metricByName, sumsOrCounts } from '../catalog.ts';
import { isPeriod } from '../period-words.ts';
import type { SemanticQuery } from '../query.ts';
import type { Catalog } from '../schema.ts';
import type { FieldMatch } from './fields.ts';
import type { Lexicon } from './lexicon.ts';
import { stem } from './words.ts';

export const PER_MARKER = 'averagedper';
const AVERAGE_PER =
  /\b(?:average|avg|mean) (?:(number|count|amount) of )?((?:[a-z0-9$-]+ ){1,5}?)(?:per|for each|for every|by each) /;

const PER_UNIT: Record<string, string> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
  quarterly: 'quarter',
  yearly: 'year',
  annual: 'year',
};

/**
 * "average orders per week" is "the average number of orders": the lexicon matches stems, so
 * without this a plural count after "average" reads as the catalog's "average order" (its average
 * order value). "average weekly orders", "average daily revenue": the average per week, per day,
 * not weekly buckets of an average.
 */
export function averagesOfCounts(text: string, lexicon: Lexicon, catalog: Catalog): string {
  const pattern =
    /\b(average|avg|mean) (?:(daily|weekly|monthly|quarterly|yearly|annual) )?((?:[a-z%]+ ?){1,3})/g;
  return text.replace(pattern, (said, average: string, often: string | undefined, after: string) => {
    const following = after.trim().split(' ');
    // The longest run of the next words that names a metric: "gross profit", "orders".
    for (let n = following.length; n > 0; n--) {
      const phrase = following.slice(0, n);
      const metrics = (lexicon.phrases.get(phrase.map(stem).join(' ')) ?? []).flatMap((e) => {
        const metric = e.kind === 'metric' ? metricByName(catalog, e.name) : undefined;
        return metric ? [metric] : [];
      });
      if (metrics.length === 0) continue;
      const last = phrase[n - 1] as string;
      const counted = n === 1 && stem(last) !== last && metrics.some(isCount);
      if (!counted && !often) return said;
      const rest = following.slice(n).join(' ');
      const per = often ? ` per ${PER_UNIT[often]}` : '';
      return `${average} ${counted ? 'number of ' : ''}${phrase.join(' ')}${per}${rest ? ` ${rest}` : ''}${after.endsWith(' ') ? ' ' : ''}`;
    }
    return said;
  });
}
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
