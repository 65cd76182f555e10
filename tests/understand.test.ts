import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../bot/runtime.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { understandFollowUp } from '../semantic-catalog/understand/follow-up.ts';
import { buildLexicon, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';

let catalog: Catalog;
let lexicon: Lexicon;
beforeAll(async () => {
  catalog = await loadCatalog(DEFAULT_CATALOG);
  lexicon = buildLexicon(catalog, new Map([['country', ['Germany', 'France', 'Japan', 'United States']]]));
});

const read = (question: string) => understand(question, catalog, lexicon, '2026-06-15');
const query = (question: string) => {
  const result = read(question);
  if (result.kind !== 'query')
    throw new Error(`${question}: ${result.kind} ${'message' in result ? result.message : ''}`);
  return result.query;
};

describe('offline understanding', () => {
  it('maps synonyms to metrics and "by" phrases to group-bys', () => {
    expect(query('turnover by territory')).toMatchObject({ metrics: ['revenue'], dimensions: ['region'] });
    expect(query('AOV per channel')).toMatchObject({
      metrics: ['average_order_value'],
      dimensions: ['channel'],
    });
    expect(query('revenue and gross profit by category and channel')).toMatchObject({
      metrics: ['revenue', 'gross_profit'],
      dimensions: ['category', 'channel'],
    });
  });

  it('reads how staff say sign-ups and margins (catalog synonyms)', () => {
    expect(query('how many customers signed up last month')).toMatchObject({ metrics: ['new_customers'] });
    expect(query('profit margin by category')).toMatchObject({
      metrics: ['gross_margin_pct'],
      dimensions: ['category'],
    });
  });

  it('forgives small misspellings of longer words', () => {
    expect(query('revnue by regoin in Germnay')).toMatchObject({
      metrics: ['revenue'],
      dimensions: ['region'],
      filters: [{ dimension: 'country', values: ['Germany'] }],
    });
  });

  it('filters by values, several values of one dimension being alternatives', () => {
    expect(query('hardware and software revenue in EMEA')).toMatchObject({
      filters: [
        { dimension: 'category', values: ['Hardware', 'Software'] },
        { dimension: 'region', values: ['EMEA'] },
      ],
    });
  });

  it('reads "sales" as the metric, unless another metric is named', () => {
    expect(query('sales last month')).toMatchObject({ metrics: ['revenue'], filters: [] });
    expect(query('opex for the sales department')).toMatchObject({
      metrics: ['opex'],
      filters: [{ dimension: 'department', values: ['Sales'] }],
    });
  });

  it('ranks: top/bottom N, which N, which one', () => {
    expect(query('bottom 3 countries by orders')).toMatchObject({
      dimensions: ['country'],
      limit: 3,
      order: { direction: 'asc' },
    });
    expect(query('which region had the highest revenue last year')).toMatchObject({
      dimensions: ['region'],
      limit: 1,
    });
    expect(query('which customers bought the most')).toMatchObject({
      dimensions: ['customer'],
      order: { direction: 'desc' },
    });
  });

  it('shows a short list for "top products" and one row for "best performing region"', () => {
    expect(query('top selling products this month')).toMatchObject({ dimensions: ['product'], limit: 10 });
    expect(query('best performing region last year')).toMatchObject({
      metrics: ['revenue'],
      dimensions: ['region'],
      limit: 1,
    });
  });

  it('sets values of one dimension side by side when they are compared', () => {
    expect(query('hardware vs software revenue this year')).toMatchObject({
      dimensions: ['category'],
      filters: [{ dimension: 'category', values: ['Hardware', 'Software'] }],
    });
  });

  it('reads comparisons, conditions and units', () => {
    expect(query('revenue for Q1 vs Q1 last year')).toMatchObject({
      time: { from: '2026-01-01', to: '2026-04-01' },
      compare: { kind: 'previous_year', range: { from: '2025-01-01', to: '2025-04-01' } },
    });
    expect(query('month over month revenue growth')).toMatchObject({
      grain: 'month',
      compare: { kind: 'previous_period' },
    });
    expect(query('orders over $1,000 by channel')).toMatchObject({
      metrics: ['orders'],
      conditions: [{ metric: 'orders', level: 'row', op: '>', value: 1000 }],
    });
    expect(query('customers with revenue over $2.5M')).toMatchObject({
      dimensions: ['customer'],
      conditions: [{ metric: 'revenue', level: 'group', op: '>', value: 2_500_000 }],
    });
    expect(query('revenue by region in millions')).toMatchObject({ unit: 'million' });
  });

  it('asks which metric an ambiguous word means, with choices that answer the question', () => {
    const margin = read('margin by category last year');
    expect(margin).toMatchObject({ kind: 'clarify' });
    const choices = margin.kind === 'clarify' ? margin.choices : [];
    expect(choices.map((c) => c.question)).toEqual([
      'Gross profit by category last year',
      'Gross margin % by category last year',
    ]);
    expect(query(choices[1]?.question ?? '')).toMatchObject({
      metrics: ['gross_margin_pct'],
      dimensions: ['category'],
    });
  });

  it('understands values by their other names', () => {
    expect(query('revenue in the US')).toMatchObject({
      filters: [{ dimension: 'country', values: ['United States'] }],
    });
    expect(query('orders from Latin America')).toMatchObject({
      filters: [{ dimension: 'region', values: ['LATAM'] }],
    });
  });

  it('does not group by a noun that a value qualifies', () => {
    expect(query('revenue for enterprise customers')).toMatchObject({
      dimensions: [],
      filters: [{ dimension: 'segment' }],
    });
  });

  it('refuses what it cannot ground, with suggestions', () => {
    const weather = read("what's the weather in Paris");
    expect(weather).toMatchObject({ kind: 'refuse', code: 'not_understood' });
    expect(weather.kind === 'refuse' && weather.suggestions.length).toBeGreaterThan(0);
    expect(read('drop table sales.orders')).toMatchObject({ kind: 'refuse', code: 'destructive' });
    expect(read('list employee emails')).toMatchObject({ kind: 'refuse', code: 'personal_data' });
    expect(read('opex by segment')).toMatchObject({ kind: 'refuse', code: 'unsupported' });
    expect(read('')).toMatchObject({ kind: 'refuse' });
    // A count as of today (a snapshot metric) has no history to show.
    expect(read('headcount by department over time')).toMatchObject({ kind: 'refuse', code: 'unsupported' });
  });
});

describe('follow-ups', () => {
  const previous = () => query('revenue by region last quarter');
  const follow = (text: string, before = previous()) => {
    const result = understandFollowUp(text, before, catalog, lexicon, '2026-06-15');
    if (result?.kind !== 'query') throw new Error(`${text}: ${JSON.stringify(result)}`);
    return result.query;
  };

  it('changes the breakdown, the filters and the time of the previous question', () => {
    expect(follow('now by month')).toMatchObject({ metrics: ['revenue'], dimensions: [], grain: 'month' });
    expect(follow('also by channel')).toMatchObject({ dimensions: ['region', 'channel'] });
    const emea = follow('only EMEA');
    expect(emea.filters).toEqual([{ dimension: 'region', values: ['EMEA'] }]);
    expect(follow('what about APAC?', emea).filters).toEqual([{ dimension: 'region', values: ['APAC'] }]);
    expect(follow('and APAC too', emea).filters).toEqual([{ dimension: 'region', values: ['EMEA', 'APAC'] }]);
    expect(follow('drop the filter', emea).filters).toEqual([]);
    expect(follow('and last year?').time).toMatchObject({ from: '2025-01-01', to: '2026-01-01' });
    expect(follow('and the quarter before?').time).toMatchObject({ from: '2025-10-01', to: '2026-01-01' });
    expect(follow('what about orders?').metrics).toEqual(['orders']);
    expect(follow('top 2')).toMatchObject({ limit: 2, order: { direction: 'desc' } });
    expect(follow('vs last year').compare?.range).toMatchObject({ from: '2025-01-01', to: '2025-04-01' });
  });

  it('leaves a complete new question alone', () => {
    expect(
      understandFollowUp('opex by department in 2025', previous(), catalog, lexicon, '2026-06-15'),
    ).toBeUndefined();
  });
});
