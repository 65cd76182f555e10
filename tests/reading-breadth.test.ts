/**
 * Broader reading, generically: sorting words, what a metric is measured over, linking verbs,
 * year fields, table ids, lists of names, from/to fields and a thing's own metric — each checked
 * on catalogs written for public warehouses, with questions written for this test (not the
 * evaluation's), and each with the reading it must NOT give.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../semantic-catalog/compile.ts';
import { loadCatalog, parseCatalog } from '../semantic-catalog/loader.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import { restate } from '../semantic-catalog/restate.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';

const TODAY = '2026-06-15';
const loaded = new Map<string, { catalog: Catalog; lexicon: Lexicon }>();
beforeAll(async () => {
  for (const name of ['restaurants', 'scholar', 'yelp', 'geography', 'atis', 'advising', 'academic']) {
    const catalog = await loadCatalog(path.join(import.meta.dirname, 'fixtures', name));
    loaded.set(name, { catalog, lexicon: buildLexicon(catalog) });
  }
});

function read(db: string, question: string) {
  const { catalog, lexicon } = loaded.get(db) as { catalog: Catalog; lexicon: Lexicon };
  return understand(question, catalog, lexicon, TODAY);
}
function query(db: string, question: string): SemanticQuery {
  const result = read(db, question);
  if (result.kind !== 'query') throw new Error(`${question}: ${result.kind}: ${result.message}`);
  return result.query;
}

describe('sorting words', () => {
  it('reads "ordered by <metric> in descending order" as the sort, not a group-by', () => {
    expect(
      query(
        'restaurants',
        'number of restaurants per city ordered by the number of restaurants in descending order',
      ),
    ).toMatchObject({
      metrics: ['restaurant_count'],
      dimensions: ['city'],
      order: { by: 'metric', metric: 'restaurant_count', direction: 'desc' },
    });
  });
  it('reads "order the results by X in descending order" once, as the sort', () => {
    expect(
      query(
        'restaurants',
        'how many restaurants in each city? order the results by the number of restaurants in descending order',
      ),
    ).toMatchObject({
      dimensions: ['city'],
      order: { by: 'metric', metric: 'restaurant_count', direction: 'desc' },
    });
  });
  it('reads "sort the X in ascending order" as sorting by X', () => {
    expect(
      query('restaurants', 'average rating per city, sort the cities in descending order').order,
    ).toEqual({
      by: 'dimension',
      dimension: 'city',
      direction: 'desc',
    });
  });
  it('sorts by a grouped field, and asks when the sort field is not in the answer', () => {
    expect(
      query('restaurants', 'average rating per region, order the results by the region name'),
    ).toMatchObject({
      dimensions: ['region'],
      order: { by: 'dimension', dimension: 'region', direction: 'asc' },
    });
    expect(read('restaurants', 'average rating per city sorted by region').kind).toBe('clarify');
  });
  it('keeps "orders by region" a group-by where "order" is a noun', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const result = understand('orders by region last month', demo, buildLexicon(demo), TODAY);
    expect(result.kind === 'query' && result.query.dimensions).toEqual(['region']);
  });
});

describe('what a metric is measured over', () => {
  it('places the metric’s own table ("average rating of restaurants per city")', () => {
    expect(query('restaurants', 'average rating of restaurants per city')).toMatchObject({
      metrics: ['rating'],
      dimensions: ['city'],
    });
  });
  it('counts a table after "how many" through its one COUNT(*)', () => {
    expect(query('geography', 'how many lakes per state').metrics).toHaveLength(1);
  });
  it('never reads an average "of" another table as the same average', () => {
    // The average rating of businesses may mean the average of each business's average.
    expect(read('yelp', 'average rating of businesses in the state of NV').kind).not.toBe('query');
  });
});

describe('linking verbs', () => {
  it('places a verb that links two named things', () => {
    expect(query('restaurants', 'how many restaurants serving each type of food').dimensions).toHaveLength(1);
  });
  it('keeps "by" a group-by after a table named like a verb ("course offerings by textbook")', () => {
    expect(query('advising', 'course offerings by textbook').dimensions).toEqual(['textbook']);
  });
  it('never places a verb that qualifies what is counted', () => {
    const result = read('restaurants', 'how many restaurants closed in each city');
    expect(result.kind).not.toBe('query');
    if (result.kind !== 'query') expect(result.message).toMatch(/“closed”/);
  });
});

describe('year fields and table ids', () => {
  it('answers "per year" and "in 2019" through a year number when the facts have no date', () => {
    const perYear = query('scholar', 'papers written per year');
    expect(perYear.dimensions).toContain('publication_year');
    expect(perYear.grain).toBeUndefined();
    const inYear = query('scholar', 'number of papers in the year 2019');
    expect(inYear.filters).toContainEqual({ dimension: 'publication_year', values: ['2019'] });
    expect(inYear.time).toBeUndefined();
  });
  it('refuses what a year number cannot say', () => {
    expect(read('scholar', 'papers last month').kind).toBe('refuse');
  });
  it('groups by a table’s key column when its id is asked for', () => {
    expect(query('advising', 'number of students per student id').dimensions).toEqual(['student_id']);
  });
});

describe('lists of names', () => {
  it('lists a field when no metric is asked', () => {
    expect(query('restaurants', 'what are the names of the restaurants in SF?')).toMatchObject({
      metrics: [],
      dimensions: ['restaurant'],
      filters: [{ dimension: 'city', values: ['San Francisco'] }],
    });
  });
  it('reads a bare "name" as the one thing named, but never as a personal name', () => {
    expect(query('yelp', 'the name and average rating for each business in NV').dimensions).toHaveLength(1);
    expect(read('yelp', 'reviews by users with the name Alex').kind).toBe('refuse');
  });
});

describe('fields told apart by the words around a value', () => {
  it('reads "from X to Y" as the start and end fields', () => {
    const filters = query('atis', 'number of flights from JFK to ORD').filters;
    expect(filters.map((f) => f.dimension).sort()).toEqual(
      filters
        .map((f) => f.dimension)
        .sort()
        .filter((d) => /from|origin|depart/.test(d) || /to|dest|arriv/.test(d)),
    );
    expect(new Set(filters.map((f) => f.dimension)).size).toBe(2);
  });
  it('reads a metric named with a thing it can’t reach as that thing’s own metric', () => {
    expect(query('geography', 'the 3 cities with the highest population')).toMatchObject({
      metrics: ['city_population'],
      limit: 3,
    });
  });
});

describe('more of what people type', () => {
  it('ranks the things a superlative names ("the 3 longest rivers")', () => {
    expect(query('geography', 'the 3 longest rivers')).toMatchObject({ dimensions: ['river'], limit: 3 });
  });
  it('places a unit the metric is measured in, and asks about one it is not', () => {
    expect(read('geography', 'the 3 longest rivers in meters').kind).toBe('query');
    const miles = read('geography', 'the 3 longest rivers in miles');
    expect(miles.kind).not.toBe('query');
    if (miles.kind !== 'query') expect(miles.message).toMatch(/“miles”/);
  });
  it('reads an id given outright as a filter on that table’s id', () => {
    expect(query('yelp', 'reviews for the business with id b42').filters).toEqual([
      { dimension: 'business_id', values: ['b42'] },
    ]);
  });
  it('reads "the categories of businesses" as whose field it is', () => {
    expect(query('yelp', 'top 2 categories of businesses by number of reviews')).toMatchObject({
      dimensions: ['category'],
      limit: 2,
    });
  });
  it('sorts "by the month" through the month field when the facts have no date', () => {
    // yelp's reviews are dated to the month (time_expression); without it, the month name stands in.
    const yelp = loaded.get('yelp')?.catalog as Catalog;
    const undated = {
      ...yelp,
      metrics: yelp.metrics.map(({ time_expression: _e, time_precision: _p, ...metric }) => metric),
    };
    const question = 'reviews in each month of 2021, ordered by the month';
    const result = understand(question, undated, buildLexicon(undated), TODAY);
    expect(result.kind === 'query' && result.query.order).toEqual({
      by: 'dimension',
      dimension: 'month',
      direction: 'asc',
    });
    // Dated to the month, the same question is 2021 by month, in time order.
    expect(query('yelp', question)).toMatchObject({
      grain: 'month',
      time: { from: '2021-01-01', to: '2022-01-01' },
    });
  });
  it('reads rolling windows with what they include', () => {
    expect(
      query('advising', 'students admitted in the last 6 months, not including the current month').time,
    ).toMatchObject({
      from: '2025-12-01',
      to: '2026-06-01',
    });
    expect(query('advising', 'students admitted in each of the last 3 months').grain).toBe('month');
  });
  it('counts "distinct" things only where the count is of distinct things', async () => {
    const derm = await loadCatalog(path.join(import.meta.dirname, 'fixtures', 'derm_treatment'));
    const lexicon = buildLexicon(derm);
    const distinct = understand('how many distinct patients', derm, lexicon, TODAY);
    expect(distinct.kind === 'query' && distinct.query.metrics).toEqual(['patient_count']);
    // Patients who had treatments are not all patients plus all treatments.
    expect(understand('how many distinct patients had treatments', derm, lexicon, TODAY).kind).not.toBe(
      'query',
    );
  });
  it('reads a metric named with a field its facts can’t reach as that field’s own metric', () => {
    expect(query('scholar', 'number of papers associated with each dataset').metrics).toEqual([
      'dataset_papers',
    ]);
  });
  it('lists "which papers" from the table that links them to what the question names', () => {
    const list = query('scholar', 'which papers are associated with each keyphrase');
    expect(list.metrics).toEqual([]);
    expect(list.listFrom).toBe('public.paperkeyphrase');
  });
  it('lists the fields a question asks to be shown', () => {
    expect(query('geography', 'the names and areas of the lakes in Michigan')).toMatchObject({
      metrics: ['lake_area'],
      dimensions: ['lake'],
    });
    expect(query('restaurants', 'average rating in SF, return the restaurant name').dimensions).toEqual([
      'restaurant',
    ]);
  });
  it('reads hyphenated words as the words they join ("highest-rated")', () => {
    // The best restaurant, with its city: one row.
    expect(query('restaurants', 'which city has the highest-rated restaurant')).toMatchObject({
      dimensions: ['city', 'restaurant'],
      limit: 1,
    });
  });
  it('finds a phrase with an auxiliary inside it ("courses are offered")', () => {
    expect(query('advising', 'how many courses are offered for each semester id')).toMatchObject({
      metrics: ['courses_offered'],
      dimensions: ['semester_id'],
    });
  });
  it('never drops "ordered" when it means placing an order', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const result = understand('how many customers ordered in March 2026', demo, buildLexicon(demo), TODAY);
    expect(result.kind).not.toBe('query');
    if (result.kind !== 'query') expect(result.message).toMatch(/“ordered”/);
  });
  it('ranks "the 5 regions with the lowest revenue" as five, lowest first', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const result = understand('the 5 regions with the lowest revenue', demo, buildLexicon(demo), TODAY);
    expect(result.kind === 'query' && result.query).toMatchObject({
      dimensions: ['region'],
      limit: 5,
      order: { direction: 'asc' },
    });
  });
  it('counts the things that meet a condition on their own metric', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const result = understand(
      'how many customers had more than 10 orders last year',
      demo,
      buildLexicon(demo),
      TODAY,
    );
    if (result.kind !== 'query') throw new Error(result.message);
    expect(result.query).toMatchObject({
      metrics: ['orders'],
      dimensions: ['customer_id'],
      conditions: [{ metric: 'orders', level: 'group', op: '>', value: 10 }],
      countGroups: { name: 'customer_count' },
    });
    expect(restate(result.query, demo).text).toMatch(/^Customer count: each customer with orders over 10;/);
    const sql = compile(result.query, demo, TODAY).sql;
    expect(sql).toMatch(
      /^SELECT COUNT\(\*\) AS "customer_count" FROM \(SELECT .* HAVING \(COUNT\(\*\)\) > 10 .*\) AS counted$/i,
    );
  });
  it('never applies a row condition to another table’s rows', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const result = understand('headcount where revenue over 1000', demo, buildLexicon(demo), TODAY);
    expect(result.kind).toBe('refuse');
    if (result.kind !== 'query') expect(result.message).toMatch(/counted over different rows/);
  });
  it('keeps a personal column personal to its own table', () => {
    const catalog = parseCatalog(`
name: people
tables:
  - name: public.customers
    alias: c
    synonyms: [customers]
    columns:
      - { name: customer_id, type: bigint, hidden: true }
      - { name: first_name, type: text, personal: true }
  - name: public.salespeople
    alias: s
    synonyms: [salespeople, sales reps]
    columns:
      - { name: salesperson_id, type: bigint, hidden: true }
      - { name: first_name, type: text }
  - name: public.deals
    alias: d
    columns:
      - { name: deal_id, type: bigint, hidden: true }
      - { name: customer_id, type: bigint }
      - { name: salesperson_id, type: bigint }
      - { name: amount, type: numeric }
joins:
  - { from: public.deals, to: public.customers, on: [[customer_id, customer_id]] }
  - { from: public.deals, to: public.salespeople, on: [[salesperson_id, salesperson_id]] }
metrics:
  - { name: deal_value, label: Deal value, table: public.deals, expression: SUM(d.amount) }
dimensions:
  - name: rep_first_name
    label: Rep first name
    synonyms: [first name]
    sources: [{ table: public.salespeople, column: first_name }]
`);
    const lexicon = buildLexicon(catalog);
    const said = (q: string) => understand(q, catalog, lexicon, TODAY);
    expect(said('deal value by first name of sales reps').kind).toBe('query');
    expect(said('deal value by first name of customers').kind).toBe('refuse');
    expect(said('deal value by first name').kind).toBe('refuse');
  });
  it('reads "X per Y" of two metrics as the catalog’s ratio, or asks', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    const ratio = understand('revenue per order by region', demo, lexicon, TODAY);
    expect(ratio.kind === 'query' && ratio.query.metrics).toEqual(['average_order_value']);
    const breakdown = understand('revenue per region', demo, lexicon, TODAY);
    expect(breakdown.kind === 'query' && breakdown.query.dimensions).toEqual(['region']);
    const missing = understand('units sold per order', demo, lexicon, TODAY);
    expect(missing.kind).not.toBe('query');
    if (missing.kind !== 'query') expect(missing.message).toMatch(/“units sold per order”/);
  });
  it('counts "the most common X", never ranking it by another metric', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    const named = understand('most common category of orders', demo, lexicon, TODAY);
    expect(named.kind === 'query' && named.query).toMatchObject({
      metrics: ['orders'],
      dimensions: ['category'],
      limit: 1,
    });
    // Several counts reach the channel (orders, refunds, …): which one is asked, not guessed.
    expect(understand('what is the most frequent channel', demo, lexicon, TODAY).kind).not.toBe('query');
  });
  it('reads "that year" as the period already named, and sorts a grouped thing by its own id', () => {
    expect(
      query(
        'scholar',
        'which author had the most papers in 2020 and how many papers did they have that year',
      ),
    ).toMatchObject({
      dimensions: ['author'],
      filters: [{ dimension: 'publication_year', values: ['2020'] }],
      limit: 1,
    });
    expect(read('scholar', 'how many papers did they have that year').kind).not.toBe('query');
  });
  it('counts things picked by a condition: "cities with more than 5 restaurants", "restaurants with a rating above 4"', () => {
    expect(query('restaurants', 'cities with more than 5 restaurants')).toMatchObject({
      metrics: ['restaurant_count'],
      dimensions: ['city'],
      conditions: [{ metric: 'restaurant_count', level: 'group', op: '>', value: 5 }],
    });
    expect(query('restaurants', 'how many cities have more than 5 restaurants')).toMatchObject({
      dimensions: ['city'],
      countGroups: { name: 'city_count' },
    });
    expect(query('restaurants', 'restaurants with a rating above 4 per city')).toMatchObject({
      metrics: ['restaurant_count'],
      dimensions: ['city'],
      conditions: [{ metric: 'rating', level: 'row', op: '>', value: 4 }],
    });
  });
  it('counts the distinct members of a field by another ("how many meals are served in each compartment")', () => {
    const counted = query('atis', 'how many meals are served in each compartment');
    expect(counted).toMatchObject({ metrics: [], countGroups: { name: 'meal_count' } });
    expect(counted.dimensions).toHaveLength(2);
    const sql = compile(counted, loaded.get('atis')?.catalog as Catalog, TODAY).sql;
    expect(sql).toMatch(
      /^SELECT "\w+", COUNT\(\*\) AS "meal_count" FROM \(SELECT .*\) AS counted GROUP BY "\w+" ORDER BY "meal_count" DESC$/,
    );
  });
  it('keeps two rows that share a name apart when counting another table’s facts by it', () => {
    const yelp = loaded.get('yelp')?.catalog as Catalog;
    const sql = compile(query('yelp', 'number of businesses by neighbourhood'), yelp, TODAY).sql;
    expect(sql).toMatch(/GROUP BY n\.neighbourhood_name, n\.id/);
    // A field that is not a table's name (a business's city) groups by itself alone.
    expect(compile(query('yelp', 'number of businesses by city'), yelp, TODAY).sql).toMatch(
      /GROUP BY b\.city ORDER BY/,
    );
  });
});

describe('several fields asked to be shown', () => {
  it('lists every field of "give me the X and Y", not only the first', () => {
    expect(query('restaurants', 'give me the city name and food type')).toMatchObject({
      metrics: [],
      dimensions: ['city', 'food_type'],
    });
    expect(query('restaurants', 'whats the name and food type of all the restaurants')).toMatchObject({
      metrics: [],
      dimensions: ['restaurant', 'food_type'],
    });
  });
  it('does not list a field that only says which rows ("courses that have X")', () => {
    expect(read('restaurants', 'which restaurants have a food type')).not.toMatchObject({
      kind: 'query',
      query: { dimensions: ['restaurant', 'food_type'] },
    });
  });
});

describe('sums, averages, maxima and minima of a measure', () => {
  it('reads "the total cost of round-trip fares" as the sum of each fare’s round-trip cost', () => {
    const { catalog } = loaded.get('atis') as { catalog: Catalog };
    const asked = query('atis', 'what is the total cost of round trip fares for each airline');
    expect(asked.metrics).toHaveLength(1);
    expect(compile(asked, catalog, TODAY).sql).toMatch(/SUM\(fa\.round_trip_cost\)/);
    expect(query('atis', 'total round trip fare by airline').metrics).toEqual(asked.metrics);
  });
  it('never reads an average of maxima or minima as a measure of each row', () => {
    expect(read('atis', 'what is the average cost of the cheapest fares').kind).not.toBe('query');
  });
  it('adds only what the admin did not define, under the admin’s words', () => {
    const catalog = parseCatalog(`
name: mini
tables:
  - { name: public.trips, alias: t, columns: [{ name: fare, type: numeric }] }
metrics:
  - { name: average_fare, label: Average fare, synonyms: [fare], table: public.trips, expression: AVG(t.fare), row_value: t.fare }
  - { name: takings, label: Takings, synonyms: [total fare], table: public.trips, expression: SUM(t.fare), row_value: t.fare }
`);
    const added = catalog.metrics.filter((m) => !['average_fare', 'takings'].includes(m.name));
    expect(added.map((m) => m.expression).sort()).toEqual([
      'MAX(t.fare)',
      'MIN(t.fare)',
      'PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY t.fare)',
    ]);
    const lexicon = buildLexicon(catalog);
    const total = understand('total fare', catalog, lexicon, TODAY);
    expect(total.kind === 'query' && total.query.metrics).toEqual(['takings']);
    const most = understand('maximum fare', catalog, lexicon, TODAY);
    expect(
      most.kind === 'query' && catalog.metrics.find((m) => m.name === most.query.metrics[0])?.expression,
    ).toBe('MAX(t.fare)');
  });
});

describe('numeric conditions as people type them', () => {
  it('reads "N or more", "exactly N", "between N and M" and spelled-out numbers', () => {
    expect(query('scholar', 'how many authors have written 3 or more papers').conditions).toEqual([
      { metric: 'papers', level: 'group', op: '>=', value: 3 },
    ]);
    expect(query('geography', 'which states have fewer than a hundred thousand people').conditions).toEqual([
      expect.objectContaining({ op: '<', value: 100_000 }),
    ]);
    const exactly = query('scholar', 'how many authors have written exactly 2 papers');
    expect(exactly.conditions).toEqual([expect.objectContaining({ op: '=', value: 2 })]);
    const { catalog } = loaded.get('scholar') as { catalog: Catalog };
    expect(compile(exactly, catalog, TODAY).sql).toMatch(/\) = 2\b/);
    expect(query('restaurants', 'restaurants with a rating between 3 and 4.5').conditions).toEqual([
      expect.objectContaining({ op: '>=', value: 3 }),
      expect.objectContaining({ op: '<=', value: 4.5 }),
    ]);
  });
  it('leaves number words that are part of names alone', () => {
    expect(read('atis', 'average one way fare by airline').kind).toBe('query');
  });
});

describe('"distinct" in a count', () => {
  it('is read when the count counts each thing once, and asked about when it may not', () => {
    expect(query('restaurants', 'how many distinct restaurants in each city')).toMatchObject({
      metrics: ['restaurant_count'],
      dimensions: ['city'],
    });
    const catalog = parseCatalog(`
name: mini
tables:
  - { name: public.visits, alias: v, synonyms: [visits], columns: [{ name: page, type: text }] }
metrics:
  - { name: visits, label: Visits, synonyms: [number of visits], table: public.visits, expression: COUNT(*) }
`);
    const lexicon = buildLexicon(catalog);
    expect(understand('number of visits', catalog, lexicon, TODAY).kind).toBe('query');
    const distinct = understand('number of distinct visits', catalog, lexicon, TODAY);
    expect(distinct.kind).not.toBe('query');
    expect(distinct.kind !== 'query' && distinct.message).toContain('distinct');
  });
});

describe('link tables (many-to-many)', () => {
  const catalog = () =>
    parseCatalog(`
name: papers
tables:
  - { name: public.papers, alias: p, synonyms: [papers], columns: [{ name: id, type: int }, { name: citations, type: int }] }
  - { name: public.topics, alias: t, columns: [{ name: id, type: int }, { name: name, type: text }] }
  - { name: public.paper_topics, alias: pt, columns: [{ name: paper_id, type: int }, { name: topic_id, type: int }] }
  - { name: public.authors, alias: a, columns: [{ name: id, type: int }] }
  - { name: public.writes, alias: w, columns: [{ name: paper_id, type: int }, { name: author_id, type: int }] }
  - { name: public.author_topics, alias: at, columns: [{ name: author_id, type: int }, { name: topic_id, type: int }] }
joins:
  - { from: public.paper_topics, to: public.papers, on: [[paper_id, id]] }
  - { from: public.paper_topics, to: public.topics, on: [[topic_id, id]] }
  - { from: public.writes, to: public.papers, on: [[paper_id, id]] }
  - { from: public.writes, to: public.authors, on: [[author_id, id]] }
  - { from: public.author_topics, to: public.authors, on: [[author_id, id]] }
  - { from: public.author_topics, to: public.topics, on: [[topic_id, id]] }
metrics:
  - { name: paper_count, label: Papers, synonyms: [number of papers], table: public.papers, expression: COUNT(DISTINCT p.id) }
  - { name: citations, label: Citations, table: public.papers, expression: SUM(p.citations) }
  - { name: author_count, label: Authors, synonyms: [number of authors], table: public.writes, expression: COUNT(DISTINCT w.author_id) }
dimensions:
  - { name: topic, label: Topic, synonyms: [topics], sources: [{ table: public.topics, column: name }], sample_values: [Biology, Physics] }
`);
  it('counts things by what a link table links them to', () => {
    const mini = catalog();
    const read = understand('number of papers by topic', mini, buildLexicon(mini), TODAY);
    if (read.kind !== 'query') throw new Error(read.message);
    expect(compile(read.query, mini, TODAY).sql).toMatch(
      /FROM "public"\."papers" AS p JOIN "public"\."paper_topics" AS pt ON pt\.paper_id = p\.id JOIN "public"\."topics" AS t ON t\.id = pt\.topic_id/,
    );
  });
  it('asks about "both X and Y" rather than answering "either"', () => {
    const mini = catalog();
    const lexicon = buildLexicon(mini);
    expect(understand('number of papers in Biology or Physics', mini, lexicon, TODAY).kind).toBe('query');
    const both = understand('number of papers in both Biology and Physics', mini, lexicon, TODAY);
    expect(both.kind !== 'query' && both.message).toContain('both');
  });
  it('never sums through one: a paper in two topics would count twice', () => {
    const mini = catalog();
    expect(understand('citations by topic', mini, buildLexicon(mini), TODAY).kind).toBe('refuse');
  });
  it('never picks one of two ways: authors by their own topics or by their papers’', () => {
    const mini = catalog();
    expect(understand('number of authors by topic', mini, buildLexicon(mini), TODAY).kind).toBe('refuse');
  });
});

describe('a thing named only as the way to a field', () => {
  it('places "papers" in "authors who wrote papers in each journal", and nowhere it qualifies', () => {
    expect(query('scholar', 'how many authors wrote papers in each journal')).toMatchObject({
      metrics: ['author_count'],
      dimensions: ['journal'],
    });
    // Authors who wrote any paper at all are a subset: never dropped.
    expect(read('scholar', 'how many authors wrote papers').kind).not.toBe('query');
    // Not after a linking verb, "papers" is not a way but a thing of its own.
    expect(read('scholar', 'how many authors like papers in each journal').kind).not.toBe('query');
  });
});

describe('a thing named like its count (as catalog init drafts them)', () => {
  const drafted = () =>
    parseCatalog(`
name: drafted
tables:
  - { name: public.conference, alias: c, synonyms: [conferences], columns: [{ name: id, type: int }, { name: name, type: text }] }
  - { name: public.publication, alias: p, synonyms: [publications], columns: [{ name: id, type: int }, { name: conference_id, type: int }] }
joins:
  - { from: public.publication, to: public.conference, on: [[conference_id, id]] }
metrics:
  - { name: publications, label: Publications, synonyms: [number of publications], table: public.publication, expression: COUNT(*) }
  - { name: conferences, label: Conferences, synonyms: [number of conferences], table: public.conference, expression: COUNT(*) }
dimensions:
  - { name: conference_name, label: Conference name, sources: [{ table: public.conference, column: name }] }
`);
  const readDrafted = (question: string) => {
    const catalog = drafted();
    return understand(question, catalog, buildLexicon(catalog), TODAY);
  };
  it('breaks down by it after "each" or a ranking word, never answering its count beside the other', () => {
    expect(readDrafted('number of publications in each conference')).toMatchObject({
      kind: 'query',
      query: { metrics: ['publications'], dimensions: ['conference_name'] },
    });
    expect(readDrafted('top 2 conferences with the most publications')).toMatchObject({
      kind: 'query',
      query: { metrics: ['publications'], dimensions: ['conference_name'], limit: 2 },
    });
  });
  it('asks both when both are asked, and asks otherwise', () => {
    expect(readDrafted('number of publications and conferences')).toMatchObject({
      kind: 'query',
      query: { metrics: ['publications', 'conferences'] },
    });
    expect(readDrafted('number of publications conferences').kind).not.toBe('query');
  });
});

describe('a ratio measured over what its denominator counts', () => {
  it('places "papers" in "the average citations received by papers", and not "authors"', () => {
    expect(query('scholar', 'average number of citations received by papers in each year')).toMatchObject({
      metrics: ['average_citations'],
      dimensions: ['publication_year'],
    });
    // Citations per paper averaged over authors would be another number.
    expect(read('scholar', 'average citations of authors by year').kind).not.toBe('query');
  });
});

describe('values joined by "and" and "or"', () => {
  it('says a verb once for two values ("have a final project and a final exam")', () => {
    expect(query('advising', 'which courses have a final project and a final exam')).toMatchObject({
      filters: [
        { dimension: 'final_project', values: ['with final project'] },
        { dimension: 'final_exam', values: ['with final exam'] },
      ],
    });
  });
  it('never reads "X or Y" of two different fields as both', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    const either = understand('revenue from EMEA or Online', demo, lexicon, TODAY);
    expect(either.kind).not.toBe('query');
    expect(either.kind !== 'query' && either.message.toLowerCase()).toContain('emea or online');
    expect(understand('revenue from EMEA or APAC', demo, lexicon, TODAY)).toMatchObject({
      kind: 'query',
      query: { filters: [{ dimension: 'region', values: ['EMEA', 'APAC'] }] },
    });
  });
});

describe('a ranking within groups', () => {
  it('ranks within each group, never the top pair over all groups', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    expect(
      understand('which customer in each region had the most revenue', demo, lexicon, TODAY),
    ).toMatchObject({
      kind: 'query',
      query: { dimensions: ['customer', 'region'], limit: 1, rankWithin: ['region'] },
    });
    expect(understand('top 3 products by revenue by month', demo, lexicon, TODAY)).toMatchObject({
      query: { grain: 'month', dimensions: ['product'], limit: 3, rankWithin: ['month'] },
    });
    // One ranking over pairs is what "the city of the highest-rated restaurant" asks.
    const pairs = query('restaurants', 'which city has the highest rated restaurant');
    expect(pairs).toMatchObject({ limit: 1 });
    expect(pairs.rankWithin).toBeUndefined();
  });
  it('reads "excluding EMEA and APAC" as neither, and "the prior 12 months" as the 12 before', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    expect(understand('revenue excluding EMEA and APAC', demo, lexicon, TODAY)).toMatchObject({
      query: { filters: [{ dimension: 'region', values: ['EMEA', 'APAC'], exclude: true }] },
    });
    const prior = understand('revenue last 12 months vs prior 12 months', demo, lexicon, TODAY);
    expect(prior.kind === 'query' && prior.query.compare?.range).toMatchObject({
      from: '2024-06-01',
      to: '2025-06-01',
    });
  });
});

describe('a number that qualifies another', () => {
  it('asks about "revenue from new customers" rather than answering revenue and new customers', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    expect(understand('revenue from new customers', demo, lexicon, TODAY).kind).not.toBe('query');
    expect(understand('revenue and new customers', demo, lexicon, TODAY).kind).toBe('query');
  });
});

describe('values whose words read as time', () => {
  const learned = new Map([
    ['paper', ['The Effects of Climate Change on Agriculture']],
    ['keyphrase', ['Climate Change']],
  ]);
  const scholar = () => {
    const { catalog } = loaded.get('scholar') as { catalog: Catalog };
    return { catalog, lexicon: buildLexicon(catalog, learned) };
  };
  it('reads a known title or keyphrase whole, not "change" as growth', () => {
    const { catalog, lexicon } = scholar();
    const titled = understand(
      'how many papers have the title "The Effects of Climate Change on Agriculture"',
      catalog,
      lexicon,
      TODAY,
    );
    expect(titled).toMatchObject({
      kind: 'query',
      query: { filters: [{ dimension: 'paper', values: ['The Effects of Climate Change on Agriculture'] }] },
    });
    expect(titled.kind === 'query' && titled.query.compare).toBeFalsy();
    const keyed = understand(
      'how many papers have the keyphrase climate change in 2020',
      catalog,
      lexicon,
      TODAY,
    );
    expect(keyed).toMatchObject({
      kind: 'query',
      query: { filters: expect.arrayContaining([{ dimension: 'keyphrase', values: ['Climate Change'] }]) },
    });
  });
  it('still reads "change" as growth where no known value holds it', () => {
    expect(query('yelp', 'how did the number of reviews change in 2021')).toMatchObject({
      metrics: ['reviews'],
      compare: { kind: 'previous_year' },
    });
  });
});

describe('numbers asked for side by side', () => {
  it('reads "average clarity score" as one score, not "average clarity" beside a second "score"', () => {
    const result = read('advising', 'average clarity score of courses');
    expect(result).toMatchObject({ kind: 'query', query: { metrics: ['clarity_score'] } });
  });
  it('never answers "for each <a number>" without the breakdown it asks for', () => {
    const result = read('advising', 'average clarity score for each instructor who taught courses');
    expect(result.kind).not.toBe('query');
    expect(result.kind !== 'query' && result.message).toMatch(/each instructor who taught/);
    // A long catalog is named by its first metrics, with "help" for the rest.
    expect(result.kind !== 'query' && result.message).toMatch(/and \d+ more \(say “help” for all of them\)/);
  });
});

describe('describing words say what is ranked', () => {
  it('ranks "top selling" and "best performing" by the default measure, never "highest rated" by it', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    const ask = (text: string) => understand(text, demo, lexicon, TODAY);
    expect(ask('top selling products')).toMatchObject({ kind: 'query', query: { dimensions: ['product'] } });
    expect(ask('best performing region')).toMatchObject({ kind: 'query', query: { dimensions: ['region'] } });
    // The demo has no ratings: "rated" is said, not ranked by revenue.
    const rated = ask('highest rated product');
    expect(rated.kind).not.toBe('query');
    expect(rated.kind !== 'query' && rated.message).toMatch(/rated/);
  });
});

describe('one word for the measures of two tables', () => {
  const catalog = parseCatalog(`
name: places
tables:
  - { name: public.city, alias: ci, synonyms: [cities], columns: [{ name: city_name, type: text }, { name: state_name, type: text }, { name: population, type: bigint }] }
  - { name: public.state, alias: st, synonyms: [states], columns: [{ name: state_name, type: text }, { name: population, type: bigint }] }
metrics:
  - { name: city_population, label: Population of cities, synonyms: [population], table: public.city, expression: SUM(ci.population) }
  - { name: state_population, label: Population of states, synonyms: [population], table: public.state, expression: SUM(st.population) }
dimensions:
  - { name: city_name, label: City name, synonyms: [city], sources: [{ table: public.city, column: city_name }] }
  - { name: state_name, label: State name, synonyms: [state], sources: [{ table: public.city, column: state_name }, { table: public.state, column: state_name }] }
`);
  const lexicon = buildLexicon(catalog);
  const ask = (text: string) => understand(text, catalog, lexicon, TODAY);
  it('takes the measure kept in the table of the thing named', () => {
    expect(ask('the top 5 cities with the highest population')).toMatchObject({
      kind: 'query',
      query: { metrics: ['city_population'] },
    });
  });
  it('asks when the question names neither table', () => {
    expect(ask('what is the population').kind).toBe('clarify');
  });
});

describe('a field named beside a value', () => {
  it('"the state of New York" is the state, where "New York" alone is the city', () => {
    const { catalog } = loaded.get('yelp') as { catalog: Catalog };
    const lexicon = buildLexicon(catalog, new Map([['city', ['New York', 'San Francisco']]]));
    const ask = (text: string) => understand(text, catalog, lexicon, TODAY);
    expect(ask('how many businesses in the state of new york')).toMatchObject({
      kind: 'query',
      query: { filters: [{ dimension: 'state', values: ['NY'] }] },
    });
    expect(ask('how many businesses in the city of new york')).toMatchObject({
      kind: 'query',
      query: { filters: [{ dimension: 'city', values: ['New York'] }] },
    });
    expect(ask('how many businesses in new york')).toMatchObject({
      kind: 'query',
      query: { filters: [{ dimension: 'city', values: ['New York'] }] },
    });
  });
});

describe('members that have any', () => {
  it('counts the cities that have restaurants, and says so', () => {
    const { catalog, lexicon } = loaded.get('restaurants') as { catalog: Catalog; lexicon: Lexicon };
    const result = understand('How many cities have restaurants?', catalog, lexicon, TODAY);
    expect(result).toMatchObject({
      kind: 'query',
      query: {
        dimensions: ['city'],
        conditions: [{ metric: 'restaurant_count', level: 'group', op: '>', value: 0 }],
        countGroups: { name: 'city_count' },
      },
    });
    if (result.kind === 'query')
      expect(restate(result.query, catalog).text).toMatch(/each city with number of restaurants over 0/i);
  });
});

describe('a number said of another', () => {
  it('reads "how many orders were refunded" as the refunded ones, and asks about "are overdue"', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    const ask = (text: string) => understand(text, demo, lexicon, TODAY);
    expect(ask('how many orders were refunded last year')).toMatchObject({
      kind: 'query',
      query: { metrics: ['refunds'] },
    });
    // An amount is no count of the invoices: never answered as two numbers side by side.
    const overdue = ask('how many invoices are overdue');
    expect(overdue.kind).not.toBe('query');
    expect(overdue.kind !== 'query' && overdue.message).toMatch(/are overdue/);
    // "compare X and Y": the two values side by side, as "X vs Y".
    expect(ask('compare revenue in EMEA and APAC in 2025')).toMatchObject({
      kind: 'query',
      query: { dimensions: ['region'], filters: [{ dimension: 'region', values: ['EMEA', 'APAC'] }] },
    });
  });
});

describe('the median of a measure', () => {
  it('reads "median rating" as the middle rating of the rows, for any catalog measuring one', () => {
    const { catalog, lexicon } = loaded.get('restaurants') as { catalog: Catalog; lexicon: Lexicon };
    const result = understand('median rating by city', catalog, lexicon, TODAY);
    expect(result).toMatchObject({ kind: 'query', query: { dimensions: ['city'] } });
    if (result.kind !== 'query') return;
    const name = result.query.metrics[0] as string;
    expect(catalog.metrics.find((m) => m.name === name)?.expression).toMatch(
      /^PERCENTILE_CONT\(0\.5\) WITHIN GROUP \(ORDER BY \w+\.rating\)$/,
    );
    expect(compile(result.query, catalog, TODAY).sql).toMatch(/percentile_cont\(0\.5\) WITHIN GROUP/i);
  });
});

describe('a share said by what the part is', () => {
  it('"what percentage of businesses are open" is the open ones out of all of them', () => {
    expect(query('yelp', 'what percentage of businesses are open in each city')).toMatchObject({
      metrics: ['open_business_count'],
      dimensions: ['city'],
      ratio: { over: { metrics: ['business_count'], dimensions: ['city'] }, percent: true },
    });
  });
  it('never divides by a count whose rows the part is not among', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    // Refunded orders are not among the completed orders the demo's "orders" counts.
    const refunded = understand('what percentage of orders were refunded last year', demo, lexicon, TODAY);
    expect(refunded.kind).not.toBe('query');
    // "revenue share by channel": the share said after its measure.
    expect(understand('revenue share by channel this year', demo, lexicon, TODAY)).toMatchObject({
      kind: 'query',
      query: { metrics: ['revenue'], dimensions: ['channel'], ratio: { over: { dimensions: [] } } },
    });
  });
});

describe('things ranked by how many, and levels said exactly', () => {
  it('"which city has the most businesses" ranks by the businesses counted', () => {
    expect(query('yelp', 'Which city has the most businesses?')).toMatchObject({
      metrics: ['business_count'],
      dimensions: ['city'],
      order: { by: 'metric', metric: 'business_count', direction: 'desc' },
      limit: 1,
    });
  });
  it('counts a thing by its rows or its ids, and takes a field’s own count where it has one', () => {
    expect(query('academic', 'Which organization has the most authors?')).toMatchObject({
      metrics: ['author_count'],
      dimensions: ['organization'],
      limit: 1,
    });
    expect(query('academic', 'Which domain has the most authors?')).toMatchObject({
      metrics: ['domain_authors'],
      dimensions: ['domain'],
    });
  });
  it('"a rating of 5" is that rating exactly, never 5 or more', () => {
    expect(query('yelp', 'how many reviews have a rating of 5')).toMatchObject({
      metrics: ['reviews'],
      conditions: [{ metric: 'average_rating', level: 'row', op: '=', value: 5 }],
    });
    expect(query('yelp', 'how many reviews have a rating of 4 or more').conditions).toEqual([
      { metric: 'average_rating', level: 'row', op: '>=', value: 4 },
    ]);
  });
});

describe('the total of a thing', () => {
  it('"the total revenue of customers" is one total over them; "revenue of customers" may be each one’s', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const lexicon = buildLexicon(demo);
    expect(understand('total revenue of customers', demo, lexicon, TODAY)).toMatchObject({
      kind: 'query',
      query: { metrics: ['revenue'], dimensions: [] },
    });
    expect(understand('revenue of customers', demo, lexicon, TODAY).kind).toBe('clarify');
  });
});

describe('"non-", "with N", and matching instructions', () => {
  const restaurants = () => {
    const { catalog } = loaded.get('restaurants') as { catalog: Catalog };
    const lexicon = buildLexicon(catalog, new Map([['food_type', ['Vegan', 'Italian']]]));
    return (text: string) => understand(text, catalog, lexicon, TODAY);
  };
  it('reads "non-vegan" as every food type but vegan', () => {
    expect(restaurants()('how many restaurants serve non-vegan food')).toMatchObject({
      kind: 'query',
      query: {
        metrics: ['restaurant_count'],
        filters: [{ dimension: 'food_type', values: ['Vegan'], exclude: true }],
      },
    });
  });
  it('drops "match … case insensitively": every value match already ignores case', () => {
    expect(
      restaurants()('how many restaurants serve vegan food? Match food_type case insensitively'),
    ).toMatchObject({ kind: 'query', query: { filters: [{ dimension: 'food_type', values: ['Vegan'] }] } });
  });
  it('reads "authors with 3 papers" as exactly 3', () => {
    expect(query('scholar', 'how many authors with 3 papers')).toMatchObject({
      conditions: [{ metric: 'papers', level: 'group', op: '=', value: 3 }],
    });
  });
});

describe('a field had, or not', () => {
  it('"students who have declared a major" keeps the rows with any value in it', () => {
    const { catalog } = loaded.get('advising') as { catalog: Catalog };
    const had = query('advising', 'How many students have declared a major in each program?');
    expect(had).toMatchObject({
      dimensions: ['program'],
      filters: [{ dimension: 'major', match: 'present' }],
    });
    expect(compile(had, catalog, TODAY).sql).toMatch(/IS NOT NULL AND .*::text <> ''/);
    const none = query('advising', 'how many students have no declared major');
    expect(none.filters).toEqual([{ dimension: 'major', values: [''], match: 'present', exclude: true }]);
    expect(compile(none, catalog, TODAY).sql).toMatch(/IS NULL OR .*::text = ''/);
    expect(restate(none, catalog).text).toMatch(/declared major is not recorded/i);
  });
  it('refuses "without" a field kept in another table, whose join would drop exactly those rows', () => {
    const result = read('academic', 'how many authors without an organization');
    expect(result.kind).toBe('refuse');
    expect(read('academic', 'how many authors have an organization')).toMatchObject({
      kind: 'query',
      query: { filters: [{ dimension: 'organization', match: 'present' }] },
    });
  });
});

describe('"by" a number', () => {
  it('groups by the field a phrase also names, and never reads "by <a number>" as a second number', () => {
    expect(query('yelp', 'reviews by rating given')).toMatchObject({
      metrics: ['reviews'],
      dimensions: ['rating_value'],
    });
    expect(read('yelp', 'show the number of reviews by rating').kind).not.toBe('query');
    // A ranking reads "by" its number.
    expect(query('yelp', 'top 5 businesses by rating')).toMatchObject({
      order: { by: 'metric', metric: 'average_rating' },
      limit: 5,
    });
  });
});

describe('"how many" of a number that is no count', () => {
  it('asks about "how many round trip fares" (an average fare), never answers the average', () => {
    const result = read('atis', 'How many round trip fares cost less than 500?');
    expect(result.kind).not.toBe('query');
    expect(result.kind !== 'query' && result.message).toMatch(/how many round trip fares/);
    expect(query('atis', 'how many flights have more than one stop').countGroups).toBeDefined();
  });
});

describe('things that have a row over an amount', () => {
  it('"how many customers have orders over $5000" counts customers with any such order, not with 5,000 orders', async () => {
    const demo = await loadCatalog(path.join(import.meta.dirname, '..', 'catalog', 'demo'));
    const result = understand('how many customers have orders over $5000', demo, buildLexicon(demo), TODAY);
    expect(result).toMatchObject({
      kind: 'query',
      query: {
        countGroups: { name: 'customer_count' },
        conditions: [
          { metric: 'orders', level: 'row', op: '>', value: 5000 },
          { metric: 'orders', level: 'group', op: '>', value: 0 },
        ],
      },
    });
    if (result.kind === 'query')
      expect(compile(result.query, demo, TODAY).sql).toMatch(
        /\(o\.net_amount\) > 5000[\s\S]*HAVING \(count\(\*\)\) > 0/i,
      );
  });
});

describe('a subject after a verb that ends the metric’s own phrase', () => {
  it('"credits earned by students in each program" is one number by program, not students beside it', () => {
    expect(
      query('advising', 'What is the total number of credits earned by students in each program?'),
    ).toMatchObject({
      metrics: ['credits_earned'],
      dimensions: ['program'],
    });
    // "by year" after such a verb still groups.
    expect(query('scholar', 'papers published by year').dimensions).toEqual(['publication_year']);
  });
});

describe('counting words beside a longer name', () => {
  it('reads "how many course offerings" as offerings, not "how many courses" and a stray word', () => {
    expect(query('advising', 'how many course offerings are there').metrics).toEqual(['offerings']);
    expect(query('advising', 'how many courses are there').metrics).toEqual(['courses']);
  });
});

describe('both sides of a yes/no field', () => {
  it('reads "how many … have a final exam and how many do not" as the breakdown by that field', () => {
    const result = read('advising', "how many course offerings have a final exam and how many don't?");
    expect(result.kind === 'query' && result.query).toMatchObject({
      metrics: ['offerings'],
      dimensions: ['final_exam'],
      filters: [],
    });
  });

  it('leaves "and how many do not" unplaced for a field with more than two members', () => {
    const department = 'how many courses are in the Computer Science department';
    expect(query('advising', department).filters).toEqual([
      { dimension: 'department', values: ['Computer Science'] },
    ]);
    const others = read('advising', `${department} and how many are not`);
    expect(others.kind).toBe('refuse');
    expect(others.kind !== 'query' && others.message).toMatch(/how many are not/);
  });
});

describe('words about the whole, and a member named earlier', () => {
  it('reads "in total" as the total it already is', () => {
    expect(query('scholar', 'how many papers were published in total by venue')).toMatchObject({
      metrics: ['papers'],
      dimensions: ['venue'],
    });
  });

  it('never answers "in that venue" as the venue of the filter alone', () => {
    const result = read(
      'scholar',
      'which venue was paper ID 2 published in, and how many papers were published in that venue',
    );
    expect(result.kind).not.toBe('query');
    expect(result.kind !== 'query' && result.message).toMatch(/that venue/);
  });
});

describe('superlatives of a particular measure', () => {
  it('never ranks "the longest" or "the newest" by the default metric', () => {
    for (const question of ['businesses with the longest names', 'the newest businesses']) {
      const result = read('yelp', question);
      expect(result.kind).toBe('refuse');
    }
    expect(query('yelp', 'top businesses').order).toMatchObject({ by: 'metric', direction: 'desc' });
  });

  it('ranks them by the measure they name when the catalog has it', () => {
    expect(query('geography', 'the 3 longest rivers')).toMatchObject({
      metrics: ['river_length'],
      order: { by: 'metric', metric: 'river_length', direction: 'desc' },
      limit: 3,
    });
  });
});

describe('a measure said in the plural for things said in the plural', () => {
  it('reads "the easiness scores for courses" as each course’s, and "the score" as one number', () => {
    expect(query('advising', 'what are the easiness scores for courses')).toMatchObject({
      metrics: ['easiness_score'],
      dimensions: ['course'],
    });
    expect(query('advising', 'what is the easiness score for courses').dimensions).toEqual([]);
  });

  it('keeps a count plural by nature one number', () => {
    expect(query('yelp', 'reviews for businesses in NV').dimensions).toEqual([]);
  });
});

describe('a closing request to show what was asked', () => {
  it('reads "show both courses and scores" when both are in the answer', () => {
    expect(
      query('advising', 'what are the easiness scores for courses? Show both courses and scores'),
    ).toEqual(query('advising', 'what are the easiness scores for courses'));
  });

  it('names what it would not show, never drops it', () => {
    const result = read('advising', 'what is the easiness score for courses? Show the courses and scores');
    expect(result.kind).not.toBe('query');
    expect(result.kind !== 'query' && result.message).toMatch(/show courses/);
  });
});
