/** Explanations: what an answer measured and how, and "how is revenue defined?". */
import { metricByName, metricTimeColumn } from '../semantic-catalog/catalog.ts';
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import { filterWords } from '../semantic-catalog/restate.ts';
import type { Catalog, MetricDef } from '../semantic-catalog/schema.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { readQuestion } from '../semantic-catalog/understand/reading.ts';
import { normalizeText } from '../semantic-catalog/understand/words.ts';
import { type Answer, emptyAnswer } from './answer.ts';
import { timeWords } from './summary.ts';

const SHOW_SQL =
  /^(show|see|give|display|what( is|s)?|view)?( me)?( the| your)? ?(sql|query)( please)?( you (ran|used))?$|^sql$/;
const DEFINITION =
  /\b(how (is|are|do you|does \w+) (\w+ )*(defined|calculated|computed|measured|counted|worked out)|what does .+ mean|define|definition of|meaning of|what counts as|explain)\b/;

export function isShowSql(text: string): boolean {
  return SHOW_SQL.test(normalizeText(text).replace(/\?/g, '').trim());
}

export function isDefinitionQuestion(text: string): boolean {
  return DEFINITION.test(normalizeText(text));
}

export function describeMetric(metric: MetricDef, catalog: Catalog): string {
  const filters =
    metric.filters.length > 0 ? ` where ${metric.filters.join(' and ').replaceAll('{today}', 'today')}` : '';
  const time = metricTimeColumn(catalog, metric);
  const how = metric.table
    ? `${metric.expression} over ${metric.table}${filters}`
    : metric.expression.replace(/\{(\w+)\}/g, (_, n) => metricByName(catalog, n)?.label ?? n);
  return `${metric.description || metric.label} (${how}${time ? `; dated by ${time}` : ''})`;
}

export function explain(query: SemanticQuery, catalog: Catalog) {
  return {
    time: timeWords(query),
    metrics: query.metrics.map((name) => {
      const metric = metricByName(catalog, name) as MetricDef;
      return { name, label: metric.label, definition: describeMetric(metric, catalog) };
    }),
    filters: query.filters.map((f) => filterWords(f, catalog, false)),
  };
}

/** "How is gross margin defined?": the catalog's definitions of the metrics named. */
export function defineTerms(
  text: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Answer | undefined {
  const reading = readQuestion(text, catalog, lexicon, today);
  if ('kind' in reading || reading.metrics.length === 0) return undefined;
  const lines = reading.metrics.map((name) => {
    const metric = metricByName(catalog, name) as MetricDef;
    return `${metric.label}: ${describeMetric(metric, catalog)}.${metric.synonyms.length ? ` Also called ${metric.synonyms.slice(0, 4).join(', ')}.` : ''}`;
  });
  return {
    ...emptyAnswer(text, 'answer', lines.join(' ')),
    explanation: { time: '', metrics: [], filters: [] },
  };
}
