import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../bot/runtime.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';

let catalog: Catalog;
let lexicon: Lexicon;
beforeAll(async () => {
  catalog = await loadCatalog(DEFAULT_CATALOG);
  lexicon = buildLexicon(catalog, new Map([['country', ['Germany', 'France', 'Japan']]]));
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
  });
});
