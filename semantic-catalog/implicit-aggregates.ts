/**
 * "the total round-trip cost", "the average stop time", "the median rating": a metric that says
 * what one fact row is worth (`row_value`) and takes its average, maximum or minimum is a measure
 * of each row, so it can also be summed, averaged, its median, maximum or minimum taken, as people ask, even where the
 * admin defined only one of them. Each missing aggregate is added under the metric's own words
 * with the aggregate word in front ("total round trip cost"), never over a phrase the catalog
 * already uses, so an admin's definitions always win. A sum or a count is left alone: what
 * "average revenue" averages over (orders? customers? months?) is a question, not a guess.
 */
import { namesInUse } from './catalog.ts';
import type { Catalog, MetricDef } from './schema.ts';

const AGGREGATES = [
  { fn: 'SUM', suffix: 'total', label: 'Total', words: ['total', 'sum of'] },
  { fn: 'AVG', suffix: 'average', label: 'Average', words: ['average', 'avg', 'mean'] },
  { fn: 'MAX', suffix: 'maximum', label: 'Maximum', words: ['maximum', 'max'] },
  { fn: 'MIN', suffix: 'minimum', label: 'Minimum', words: ['minimum', 'min'] },
  // The middle value, which one outlier can't move as it moves an average.
  { fn: 'MEDIAN', suffix: 'median', label: 'Median', words: ['median'] },
] as const;

/** An aggregate of the value as SQL: PostgreSQL has no MEDIAN, only the 50th percentile. */
const aggregateSql = (fn: (typeof AGGREGATES)[number]['fn'], value: string) =>
  fn === 'MEDIAN' ? `PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ${value})` : `${fn}(${value})`;
/** The measure's own words tried with each aggregate word: its label and first few synonyms. */
const PHRASES_PER_MEASURE = 6;

/** Words that already say how a metric aggregates: dropped to find what it measures. */
const AGGREGATE_WORDS =
  /^(?:total|sum of(?: the)?|average|avg|mean|maximum|max|minimum|min|highest|lowest|largest|smallest|longest|shortest|cheapest|most expensive|overall|number of|count of|how many)\s+/;

/** Whether the metric is one of these aggregates of its row value (or of the value given). */
export function aggregates(metric: MetricDef, fns: string[], value = metric.row_value): boolean {
  const flat = (sql: string) => sql.replaceAll(' ', '').toUpperCase();
  return !!value && fns.some((fn) => flat(metric.expression) === `${fn}(${flat(value)})`);
}

export function withImplicitAggregates(catalog: Catalog): Catalog {
  const taken = namesInUse([...catalog.metrics, ...catalog.dimensions]);
  const added: MetricDef[] = [];
  const measures = new Map<string, MetricDef[]>();
  for (const metric of catalog.metrics) {
    if (!metric.table || !metric.row_value || !aggregates(metric, ['AVG', 'MIN', 'MAX'])) continue;
    const key = JSON.stringify([
      metric.table,
      metric.row_value.replaceAll(' ', ''),
      [...metric.filters].sort(),
    ]);
    measures.set(key, [...(measures.get(key) ?? []), metric]);
  }
  for (const metrics of measures.values()) {
    const first = metrics[0] as MetricDef;
    const value = first.row_value as string;
    const has = (fn: string) =>
      catalog.metrics.some((m) => m.table === first.table && aggregates(m, [fn], value));
    const simple = /^\w+\.(\w+)$/.exec(value.trim())?.[1];
    // "minimum stay" of a minimum_stay column is what the column is, not an aggregate of it.
    const own = (word: string) => simple?.split('_').includes(word) ?? false;
    const phrases = [
      ...new Set(
        metrics
          .flatMap((m) => [m.label, ...m.synonyms])
          .map((p) => p.toLowerCase())
          .map((p) => (own(p.split(' ')[0] as string) ? p : p.replace(AGGREGATE_WORDS, '').trim())),
      ),
    ]
      .filter(Boolean)
      .slice(0, PHRASES_PER_MEASURE);
    const column = simple ?? first.name;
    for (const aggregate of AGGREGATES) {
      if (has(aggregate.fn)) continue;
      const synonyms = phrases
        .flatMap((p) => aggregate.words.map((w) => `${w} ${p}`))
        .filter((s) => !taken.has(s));
      const name = `${column}_${aggregate.suffix}`;
      if (synonyms.length === 0 || taken.has(name)) continue;
      for (const s of synonyms) taken.add(s);
      taken.add(name);
      const what = phrases[0] ?? column.replaceAll('_', ' ');
      added.push({
        ...first,
        name,
        label: `${aggregate.label} ${what}`,
        description: `${aggregate.label} of ${value} over the rows of ${first.table}${first.filters.length ? ` (${first.filters.join(' AND ')})` : ''}.`,
        synonyms,
        expression: aggregateSql(aggregate.fn, value),
        format:
          ['AVG', 'MEDIAN'].includes(aggregate.fn) && first.format === 'integer' ? 'number' : first.format,
      });
    }
  }
  return added.length > 0 ? { ...catalog, metrics: [...catalog.metrics, ...added] } : catalog;
}
