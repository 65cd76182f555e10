/**
 * Two phrasings that name a computation rather than a breakdown:
 *  - "revenue per order": one metric divided by another. Answered with the catalog's own ratio
 *    metric when it defines one ({revenue} / {orders}); otherwise the words stay unplaced, since
 *    "revenue and orders side by side" would be another question. "revenue per region" (a field
 *    after "per") is a breakdown, as before.
 *  - "the most common category": things counted, by the field, most first. The count is the one
 *    counting metric whose facts reach the field; with none or several, it stays unplaced.
 */
import { isCount, isDerived, metricRefs, metricTable, reachableSource } from '../catalog.ts';
import type { Catalog, MetricDef } from '../schema.ts';
import type { LexiconEntry } from './lexicon.ts';

interface Match {
  start: number;
  end: number;
  text: string;
  entries: LexiconEntry[];
}

const metricOf = (match: Match | undefined) => {
  const entry = match?.entries.find((e) => e.kind === 'metric');
  return entry?.kind === 'metric' ? entry.name : undefined;
};

/**
 * Rewrites "X per Y" (Y a metric, not a field) into the catalog's ratio metric, in place.
 * Returns the metrics asked, and the positions of words left unplaced when there is no such ratio.
 */
export function readRatios<M extends Match>(
  tokens: string[],
  matches: M[],
  metrics: string[],
  catalog: Catalog,
): { metrics: string[]; unplaced: M[] } {
  const unplaced: M[] = [];
  let asked = [...metrics];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== 'per') continue;
    const left = matches.find((m) => m.end === i);
    const right = matches.find((m) => m.start === i + 1);
    const numerator = metricOf(left);
    const denominator = metricOf(right);
    if (!left || !right || !numerator || !denominator || right.entries.some((e) => e.kind === 'dimension'))
      continue;
    const ratio = catalog.metrics.find((m) => isRatio(m, numerator, denominator));
    asked = asked.filter((m) => m !== numerator && m !== denominator);
    if (ratio) {
      left.entries = [{ kind: 'metric', name: ratio.name }];
      right.entries = [{ kind: 'metric', name: ratio.name }];
      asked.push(ratio.name);
    } else unplaced.push(left, right);
  }
  return { metrics: asked, unplaced };
}

function isRatio(metric: MetricDef, numerator: string, denominator: string): boolean {
  if (!isDerived(metric)) return false;
  const refs = metricRefs(metric.expression);
  const divides = new RegExp(
    `^\\s*\\{${numerator}\\}\\s*/\\s*(?:nullif\\s*\\(\\s*)?\\{${denominator}\\}`,
    'i',
  );
  return refs.length === 2 && divides.test(metric.expression);
}

const FREQUENCY = /\bmost (?:common|frequent|popular|usual|typical)\b|\bcommonest\b/;

/** "the most common category": the words that ask it ("most common"), and the text without them. */
export function readFrequency(text: string): { rest: string; frequent?: string } {
  const said = FREQUENCY.exec(text)?.[0];
  return said ? { rest: text.replace(FREQUENCY, 'top'), frequent: said } : { rest: text };
}

/**
 * The one COUNT metric whose facts reach the field; among several, the one unfiltered count of
 * facts other than the field's own table (categories are counted in orders, not in the category
 * list). Otherwise undefined: "most common" by which count is then asked.
 */
export function countFor(dimension: string, catalog: Catalog): string | undefined {
  const def = catalog.dimensions.find((d) => d.name === dimension);
  if (!def) return undefined;
  const counts = catalog.metrics.filter((m) => {
    const fact = metricTable(catalog, m)?.name;
    return !isDerived(m) && isCount(m) && !!fact && !!reachableSource(catalog, def, fact);
  });
  if (counts.length === 1) return counts[0]?.name;
  const plain = counts.filter(
    (m) => m.filters.length === 0 && !def.sources.some((s) => s.table === metricTable(catalog, m)?.name),
  );
  return plain.length === 1 ? plain[0]?.name : undefined;
}
