/**
 * What a question says about its own words: a term defined in brackets ("positive reviews
 * (rating > 3)"), a condition on the rows a count counts even beside a breakdown, a field said with
 * the things it describes ("categories of businesses"), a ratio's rows ordered by the ratio, and
 * "weekends" where a field names the days — each on catalogs written for public warehouses, with
 * questions written for this test, and each with the reading it must not give.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../semantic-catalog/compile.ts';
import { loadCatalog, parseCatalog } from '../semantic-catalog/loader.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import { restate } from '../semantic-catalog/restate.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { type Understanding, understand } from '../semantic-catalog/understand/parse.ts';

const TODAY = '2026-06-15';
const loaded = new Map<string, { catalog: Catalog; lexicon: Lexicon }>();
beforeAll(async () => {
  for (const name of ['yelp', 'restaurants']) {
    const catalog = await loadCatalog(path.join(import.meta.dirname, 'fixtures', name));
    loaded.set(name, { catalog, lexicon: buildLexicon(catalog) });
  }
});

function read(db: string, question: string): Understanding {
  const { catalog, lexicon } = loaded.get(db) as { catalog: Catalog; lexicon: Lexicon };
  return understand(question, catalog, lexicon, TODAY);
}
function answered(db: string, question: string): Extract<Understanding, { kind: 'query' }> {
  const result = read(db, question);
  if (result.kind !== 'query') throw new Error(`${question}: ${result.kind}: ${result.message}`);
  return result;
}
const query = (db: string, question: string): SemanticQuery => answered(db, question).query;

describe('a term defined in brackets', () => {
  it('reads "positive reviews (rating > 3)" as the reviews the brackets say, and says so', () => {
    const result = answered('yelp', 'how many positive reviews (rating > 3) by year');
    expect(result.query).toMatchObject({
      metrics: ['reviews'],
      conditions: [{ metric: 'average_rating', level: 'row', op: '>', value: 3 }],
    });
    expect(result.said?.parts).toContainEqual({
      said: 'positive reviews (rating > 3)',
      became: 'reviews with rating > 3',
    });
  });

  it('keeps a word the catalog knows: NV is still the state', () => {
    expect(query('yelp', 'how many NV reviews (rating above 4)')).toMatchObject({
      filters: [{ dimension: 'state', values: ['NV'] }],
      conditions: [{ op: '>', value: 4 }],
    });
  });

  it('leaves brackets that define nothing to the ordinary reading', () => {
    const result = read('yelp', 'how many positive reviews (see the note)');
    expect(result.kind).not.toBe('query');
  });
});

describe('a condition on the rows a count counts', () => {
  it('is on each order when both count the same filtered rows (completed orders)', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const result = understand('orders with revenue over 1000 by region', demo, buildLexicon(demo), TODAY);
    expect(result.kind === 'query' && result.query).toMatchObject({
      metrics: ['orders'],
      dimensions: ['region'],
      conditions: [{ metric: 'revenue', level: 'row', op: '>', value: 1000 }],
    });
  });

  it('is on each thing counted for an amount of things, on the total for an amount of a total', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const read = (question: string) => understand(question, demo, buildLexicon(demo), TODAY);
    for (const question of [
      'how many customers have revenue over $10000',
      'how many customers bought more than $10000 this year',
    ]) {
      const result = read(question);
      expect(result.kind === 'query' && result.query.conditions).toEqual([
        { metric: 'revenue', level: 'group', op: '>', value: 10000 },
      ]);
    }
    const orders = read('how many customers have orders over $5000');
    expect(orders.kind === 'query' && orders.query.conditions).toContainEqual({
      metric: 'orders',
      level: 'row',
      op: '>',
      value: 5000,
    });
  });

  it('is on each review even when the count is broken down', () => {
    expect(query('yelp', 'how many reviews with a rating below 2 by year')).toMatchObject({
      metrics: ['reviews'],
      conditions: [{ metric: 'average_rating', level: 'row', op: '<', value: 2 }],
    });
  });

  it.each(['categories with an average rating above 4', 'which categories have an average rating above 4'])(
    'stays on each group when the groups are what it follows: %s',
    (question) => {
      const q = query('yelp', question);
      expect(q.dimensions).toEqual(['category']);
      expect(q.conditions).toMatchObject([{ metric: 'average_rating', level: 'group', op: '>', value: 4 }]);
    },
  );
});

describe('a field said with the things it describes', () => {
  it('reads "neighbourhoods of businesses" as one breakdown, not two', () => {
    expect(query('yelp', 'average rating across neighbourhoods of businesses').dimensions).toEqual([
      'neighbourhood',
    ]);
  });
});

describe('a ratio ordered by itself', () => {
  it('sorts the rows by the ratio in the direction said', () => {
    const q = query(
      'yelp',
      'the ratio of reviews with a rating above 3 to reviews with a rating below 3 by year, sorted by ratio ascending',
    );
    expect(q.order).toEqual({ by: 'metric', metric: 'ratio', direction: 'asc' });
    const { catalog } = loaded.get('yelp') as { catalog: Catalog };
    expect(compile(q, catalog, TODAY).sql).toMatch(/ORDER BY "ratio" ASC/);
  });

  it('without the ratio read, the sort words are not dropped silently', () => {
    expect(read('yelp', 'how many reviews by year, ordered by descending ratio').kind).not.toBe('query');
  });
});

describe('an instruction on matching that every value already follows', () => {
  it('reads "match strings exactly" as said, a value being its one known member', () => {
    expect(query('yelp', 'average rating in NV. Match strings exactly')).toMatchObject({
      filters: [{ dimension: 'state', values: ['NV'] }],
    });
  });

  it('does not pass over an instruction it does not follow', () => {
    expect(read('yelp', 'average rating in NV. Match strings loosely').kind).not.toBe('query');
  });
});

describe('weekends and weekdays, where a field names the days', () => {
  it('reads "on weekends" and "on weekdays" as the days they mean, and says so', () => {
    const weekend = answered('yelp', 'check-ins on weekends by business');
    expect(weekend.query.filters).toEqual([{ dimension: 'weekday', values: ['Saturday', 'Sunday'] }]);
    expect(weekend.said?.parts).toContainEqual({ said: 'weekends', became: 'Saturday or Sunday' });
    expect(query('yelp', 'check-ins on weekdays').filters).toEqual([
      { dimension: 'weekday', values: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] },
    ]);
  });

  it('keeps "by weekday" a breakdown', () => {
    expect(query('yelp', 'check-ins by weekday')).toMatchObject({ dimensions: ['weekday'], filters: [] });
  });
});

describe('a ratio asked with both its sides', () => {
  it('reads "… return the yearly numbers of reviews and tips as well" as shown beside the ratio', () => {
    const asked = 'the ratio of reviews to tips by year';
    expect(query('yelp', `${asked}. Return the yearly numbers of reviews and tips as well`)).toEqual(
      query('yelp', asked),
    );
  });
});

describe('what a condition on each row is said to be', () => {
  it('says a row’s value, not an average, in the restatement', () => {
    const { catalog } = loaded.get('yelp') as { catalog: Catalog };
    const result = answered('yelp', 'how many reviews with a rating above 3 by year');
    const text = restate(result.query, catalog, result.said).text;
    expect(text).toMatch(/rating over 3/);
    expect(text).not.toMatch(/average rating over 3/);
  });
});

describe('rankings and sorts said in passing', () => {
  it('ranks "the most NV businesses" by how many, never by the default metric', () => {
    expect(query('yelp', 'which city has the most NV businesses')).toMatchObject({
      metrics: ['business_count'],
      dimensions: ['city'],
      filters: [{ dimension: 'state', values: ['NV'] }],
      order: { by: 'metric', metric: 'business_count', direction: 'desc' },
      limit: 1,
    });
  });

  it('reads "… Order by rating descending." after a question, and shows what it sorts by', () => {
    const q = query(
      'yelp',
      'Which businesses have more than 10 reviews? Order by average rating descending.',
    );
    expect(q.order).toEqual({ by: 'metric', metric: 'average_rating', direction: 'desc' });
    expect(q.metrics).toContain('average_rating');
    expect(query('yelp', 'reviews by business').order).toBeUndefined();
  });
});

describe('a share said with the part after the verb', () => {
  it('reads "what percentage of check-ins in NV are on Saturday" as part of the NV check-ins', () => {
    const q = query('yelp', 'what percentage of check-ins in NV are on Saturday');
    expect(q.ratio?.percent).toBe(true);
    expect(q.ratio?.over.filters).toEqual([{ dimension: 'state', values: ['NV'] }]);
    expect(q.filters).toContainEqual({ dimension: 'state', values: ['NV'] });
    expect(q.filters).toHaveLength(2);
  });
});

describe('an aggregate word before the things a metric is measured over', () => {
  it('places "average" in "the average restaurant rating", not "total" of an average or of another table', () => {
    expect(query('restaurants', 'the average restaurant rating by city').metrics).toEqual(['rating']);
    expect(read('restaurants', 'the total restaurant rating by city').kind).not.toBe('query');
    // Ratings are the reviews', not the businesses': "business" is not what they are measured over.
    expect(read('yelp', 'the average business rating by state').kind).not.toBe('query');
  });
});

describe('a ranking of one number, and a sentence’s last full stop', () => {
  it('never answers "the top 5" with one number', () => {
    const result = read('yelp', 'the top 5 reviews');
    expect(result.kind).not.toBe('query');
    expect(result.kind !== 'query' && result.message).toMatch(/top 5/);
  });

  it('reads a full stop after a number as the end of the sentence', () => {
    expect(query('yelp', 'reviews by state in 2021.')).toEqual(query('yelp', 'reviews by state in 2021'));
    expect(query('yelp', 'reviews with a rating above 3.5').conditions).toMatchObject([{ value: 3.5 }]);
  });
});

describe('things asked to be listed', () => {
  it('lists "the businesses in NV", never counts them', () => {
    const q = query('yelp', 'list the businesses in NV');
    expect(q.metrics).toEqual([]);
    expect(q.dimensions).toHaveLength(1);
    expect(q.filters).toEqual([{ dimension: 'state', values: ['NV'] }]);
  });

  it('keeps "list … by state" a count, and asks rather than count "list the reviews in 2021"', () => {
    expect(query('yelp', 'list reviews by state').metrics).toEqual(['reviews']);
    const dated = read('yelp', 'list the reviews in 2021');
    expect(dated.kind).not.toBe('query');
    expect(dated.kind !== 'query' && dated.message).toMatch(/list/);
  });
});

describe('things listed by a name two of them may share', () => {
  it('lists each one, its id beside the name', () => {
    const shops = parseCatalog(`
name: shops
tables:
  - name: public.shop
    alias: s
    synonyms: [shops]
    columns:
      - { name: id, type: bigint, hidden: true }
      - { name: name, type: text }
      - { name: rating, type: numeric }
metrics:
  - { name: shop_count, label: Number of shops, synonyms: [shops], table: public.shop, expression: COUNT(*) }
  - { name: rating, label: Rating, table: public.shop, expression: AVG(s.rating), row_value: s.rating }
dimensions:
  - { name: shop_name, label: Shop name, synonyms: [shops], sources: [{ table: public.shop, column: name }] }
`);
    const result = understand('list the shops', shops, buildLexicon(shops), TODAY);
    expect(result.kind === 'query' && result.query).toMatchObject({
      metrics: [],
      dimensions: ['shop_name', 'shop_id'],
    });
  });
});
