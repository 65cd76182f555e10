/**
 * Every word accounted for: the questions a new user typed that used to be answered as a
 * different question now get the right reading or an honest clarification, and every reading
 * carries a restatement with explicit dates and the misspellings it read.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../bot/runtime.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { restate } from '../semantic-catalog/restate.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';

let catalog: Catalog;
let lexicon: Lexicon;
beforeAll(async () => {
  catalog = await loadCatalog(DEFAULT_CATALOG);
  lexicon = buildLexicon(catalog);
});
const TODAY = '2026-06-15';
const read = (question: string) => understand(question, catalog, lexicon, TODAY);

describe('words the reading cannot place', () => {
  it.each([
    ['unpaid invoices over 90 days', /“days”/],
    ['overdue invoices more than 90 days', /“days”/],
    ['whats the refund rate by channel', /“rate”/],
    ['how many customers churned', /“churned”/],
    ['which sales rep sold the most', /“rep”|“sold”/],
    ['what’s the revenue of Zyxwv Holdings this year', /“zyxwv”/],
    ['revenue in 3000', /“3000”/],
    ['average revenue by region', /“average”/],
    // A number said of another number: neither a second answer nor a filter Tally can apply.
    ['average order value for new customers', /“for new customers”/],
    ['the number of orders for active customers', /“for active customers”/],
  ])('are never dropped: %s', (question, named) => {
    const result = read(question);
    expect(result.kind).not.toBe('query');
    if (result.kind !== 'query') expect(result.message).toMatch(named);
  });

  it('asks about a field that is named but neither grouped by nor filtered', () => {
    const result = read('revenue of customers');
    expect(result.kind).toBe('clarify');
  });

  it('reads an unambiguous misspelling and says so in the restatement', () => {
    const result = read('revnue by regoin last quater');
    expect(result.kind).toBe('query');
    if (result.kind !== 'query') return;
    expect(result.query).toMatchObject({
      metrics: ['revenue'],
      dimensions: ['region'],
      time: { from: '2026-01-01', to: '2026-04-01' },
    });
    const text = restate(result.query, catalog, result.said).text;
    expect(text).toContain('Revenue by region');
    expect(text).toContain('last quarter (1 Jan – 31 Mar 2026)');
    expect(text).toContain('“quater” as “quarter”');
  });

  it('never "corrects" a word to grammar, which would drop it unsaid', () => {
    // "status" is one letter from "stats", a word that asks nothing.
    const result = read('orders by status');
    expect(result.kind).not.toBe('query');
    expect(result.kind !== 'query' && result.message).toMatch(/status/);
  });
});

describe('periods set against each other', () => {
  it.each([
    ['compare Q1 and Q2 revenue', '2026-04-01', '2026-01-01'],
    ['q3 revenue vs q2', '2026-04-01', '2025-07-01'],
    ['revenue last month vs the month before', '2026-05-01', '2026-04-01'],
    ['revenue March vs April 2025', '2025-04-01', '2025-03-01'],
  ])('%s: the later period against the earlier one', (question, current, previous) => {
    const result = read(question);
    expect(result.kind).toBe('query');
    if (result.kind !== 'query') return;
    expect(result.query.time?.from).toBe(current);
    expect(result.query.compare?.range.from).toBe(previous);
    expect(restate(result.query, catalog).text).toMatch(/compared with/);
  });

  it.each(['revenue next year', 'revenue in 2030', 'orders next month by region'])(
    'says plainly that %s has not happened yet',
    (question) => {
      const result = read(question);
      expect(result).toMatchObject({ kind: 'refuse', message: expect.stringMatching(/hasn’t started yet/) });
    },
  );
});

describe('the personal-data refusal', () => {
  it('suggests from the catalog rather than a fixed example', () => {
    const result = read('salary by department');
    expect(result.kind).toBe('refuse');
    if (result.kind === 'refuse') expect(result.message).not.toMatch(/Headcount by department or hire month/);
  });
});

describe('ranking words with nothing to rank', () => {
  it.each([
    'what was the highest revenue',
    'what is the biggest order',
    'show the top revenue',
    'most revenue',
  ])('%s: asked about, never answered as the total', (question) => {
    const result = read(question);
    expect(result.kind).not.toBe('query');
  });
  it('asks "which" things when only a number is named, never answers the number', async () => {
    const geography = await loadCatalog(path.join(import.meta.dirname, 'fixtures', 'geography'));
    const result = understand('Which states border Texas?', geography, buildLexicon(geography), '2026-06-15');
    expect(result.kind).not.toBe('query');
  });
  it('still ranks what is broken down', () => {
    expect(read('which region had the most revenue')).toMatchObject({
      kind: 'query',
      query: { dimensions: ['region'], limit: 1 },
    });
  });
});

describe('"the past N calendar months", said without "including" or "not including"', () => {
  it('asks: the whole months before this one, or through today', () => {
    const result = read('revenue by region in the past 6 calendar months');
    expect(result.kind).toBe('clarify');
    if (result.kind !== 'clarify') return;
    expect(result.choices.map((c) => c.question)).toEqual([
      'revenue by region the last 6 months, not including the current month',
      'revenue by region since 1 Dec 2025',
    ]);
    // Each choice, asked, is read without asking again.
    for (const choice of result.choices) expect(read(choice.question).kind).toBe('query');
    // Said either way, it is read as said.
    expect(read('revenue in the last 3 calendar months, not including the current month').kind).toBe('query');
    expect(read('revenue in the last 6 months').kind).toBe('query');
  });
});

describe('a word two metrics share', () => {
  it('asks about "margin" rather than reading it as the gross profit its ratio is built on', () => {
    for (const question of ['margin by channel', 'what was our margin last quarter']) {
      const result = read(question);
      expect(result.kind, question).toBe('clarify');
      if (result.kind !== 'query') expect(result.message).toMatch(/“margin”/);
    }
  });

  it('reads "gross profit margin" as the percentage, not gross profit with "margin" dropped', () => {
    const result = read('gross profit margin by channel');
    expect(result.kind === 'query' && result.query.metrics).toEqual(['gross_margin_pct']);
  });
});

describe('a condition on each row, restated', () => {
  it('says an amount on each counted row as the amount, never as a count over it', () => {
    const result = read('how many orders over $1000 last month');
    expect(result.kind).toBe('query');
    if (result.kind !== 'query') return;
    expect(result.query.conditions).toEqual([{ metric: 'orders', level: 'row', op: '>', value: 1000 }]);
    const text = restate(result.query, catalog, result.said).text;
    expect(text).toContain('each order’s revenue over 1,000');
    expect(text).not.toMatch(/orders over 1,000/);
  });
});

describe('averages of counts and averages per period', () => {
  it('reads "average orders per week" as the number of orders averaged over weeks, never as average order value', () => {
    for (const question of ['average orders per week this year', 'average weekly orders this year']) {
      const result = read(question);
      expect(result.kind === 'query' && result.query, question).toMatchObject({
        metrics: ['orders'],
        averageOver: { grain: 'week' },
      });
    }
  });

  it('reads "average daily revenue" as revenue averaged over days', () => {
    const result = read('average daily revenue last month');
    expect(result.kind === 'query' && result.query).toMatchObject({
      metrics: ['revenue'],
      averageOver: { grain: 'day' },
    });
  });

  it('still reads the singular "average order" as the catalog’s average order value', () => {
    const result = read('what is the average order in LATAM');
    expect(result.kind === 'query' && result.query.metrics).toEqual(['average_order_value']);
  });
});
