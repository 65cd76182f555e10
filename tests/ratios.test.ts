/**
 * "The ratio of A to B": each side read as a question of its own, what follows both shared, the
 * division done in the warehouse, the restatement naming both sides — checked on the embedded demo
 * warehouse against Tally's answers to each side asked alone, and with the readings it must NOT
 * give (an average of ratios, a follow-up that changes one side only).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryAccessProblem, resolveAccess } from '../semantic-catalog/access.ts';
import { parseCatalog } from '../semantic-catalog/loader.ts';
import { buildLexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import type { Answer } from '../skills/answer.ts';
import { useDemo } from './helpers.ts';

const demo = useDemo();

const askDemo = demo.ask;

/** Each row's member (its text column) → the value of the column named. */
function byKey(answer: Answer, column: string): Map<string, number> {
  const key = answer.columns.findIndex((c) => c.type === 'text');
  const value = answer.columns.findIndex((c) => c.name === column);
  return new Map(answer.rows.map((row) => [String(key >= 0 ? row[key] : ''), Number(row[value])]));
}
const only = (answer: Answer, column: string) => [...byKey(answer, column).values()][0] as number;

describe('the ratio of A to B', () => {
  it('divides one filtered total by another and says both sides', async () => {
    const ratio = await askDemo('what is the ratio of revenue in EMEA to revenue in APAC last year?');
    const emea = await askDemo('revenue in EMEA last year');
    const apac = await askDemo('revenue in APAC last year');
    expect(ratio.status).toBe('answer');
    expect(only(ratio, 'ratio')).toBeCloseTo(only(emea, 'revenue') / only(apac, 'revenue'), 6);
    expect(ratio.interpretation?.text).toMatch(
      /^ratio of revenue \(.*region is EMEA\) to revenue \(.*region is APAC\)/i,
    );
  });

  it('shares what follows both sides: a breakdown applies to each', async () => {
    const ratio = await askDemo('ratio of online orders to all orders by region in 2025');
    const online = byKey(await askDemo('online orders by region in 2025'), 'orders');
    const all = byKey(await askDemo('orders by region in 2025'), 'orders');
    const got = byKey(ratio, 'ratio');
    expect(got.size).toBe(all.size);
    expect(all.size).toBeGreaterThan(1);
    for (const [region, total] of all)
      expect(got.get(region)).toBeCloseTo((online.get(region) ?? 0) / total, 6);
  });

  it('divides each group by the whole when only the numerator is broken down', async () => {
    const ratio = await askDemo(
      'the ratio of the orders in each region to the total number of orders in 2025',
    );
    const all = only(await askDemo('orders in 2025'), 'orders');
    const each = byKey(await askDemo('orders by region in 2025'), 'orders');
    const got = byKey(ratio, 'ratio');
    for (const [region, orders] of each) expect(got.get(region)).toBeCloseTo(orders / all, 6);
    expect([...got.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('keeps each side’s own period', async () => {
    const ratio = await askDemo('ratio of revenue in 2025 to revenue in 2024');
    const y2025 = only(await askDemo('revenue in 2025'), 'revenue');
    const y2024 = only(await askDemo('revenue in 2024'), 'revenue');
    expect(only(ratio, 'ratio')).toBeCloseTo(y2025 / y2024, 6);
  });

  it('finds where the denominator ends though its first word alone names a metric', async () => {
    const ratio = await askDemo('ratio of revenue to units sold by region in 2025');
    const revenue = byKey(await askDemo('revenue by region in 2025'), 'revenue');
    const units = byKey(await askDemo('units sold by region in 2025'), 'units_sold');
    expect(units.size).toBeGreaterThan(1);
    for (const [region, sold] of units)
      expect(byKey(ratio, 'ratio').get(region)).toBeCloseTo((revenue.get(region) as number) / sold, 6);
  });

  it('reads "the share of X from Y" as the part over the whole, and a percentage out of 100', async () => {
    const online = only(await askDemo('online revenue in 2025'), 'revenue');
    const all = only(await askDemo('revenue in 2025'), 'revenue');
    const share = await askDemo('what share of revenue came from Online in 2025?');
    expect(only(share, 'ratio')).toBeCloseTo(online / all, 6);
    const percentage = await askDemo('what percentage of revenue came from Online in 2025?');
    expect(only(percentage, 'ratio')).toBeCloseTo((100 * online) / all, 4);
    expect(percentage.interpretation?.text).toMatch(
      /^percentage of revenue \(.*channel is Online\) out of revenue/i,
    );
    // Each group's share of the whole, when only a breakdown says which part.
    const byChannel = await askDemo('percentage of orders by channel in 2025');
    const orders = byKey(await askDemo('orders by channel in 2025'), 'orders');
    const total = only(await askDemo('orders in 2025'), 'orders');
    for (const [channel, count] of orders)
      expect(byKey(byChannel, 'ratio').get(channel)).toBeCloseTo((100 * count) / total, 4);
    expect(byChannel.interpretation?.text).toMatch(
      /^percentage of orders by channel out of all orders; 2025/i,
    );
    // Things named without a metric are counted: "the percentage of customers in EMEA".
    const emea = only(await askDemo('how many customers in EMEA'), 'customer_count');
    const customers = only(await askDemo('how many customers'), 'customer_count');
    const counted = await askDemo('what percentage of customers are in EMEA?');
    expect(counted.status).toBe('answer');
    expect(only(counted, 'ratio')).toBeCloseTo((100 * emea) / customers, 4);
    // Which is the part and which the whole, when two things qualify it, is a question.
    expect((await askDemo('share of enterprise revenue from Online in 2025')).status).not.toBe('answer');
  });

  it('never answers an average of ratios with a ratio of totals', async () => {
    const answer = await askDemo('what is the average ratio of revenue to orders by region');
    expect(answer.status).not.toBe('answer');
    expect(answer.message).toContain('ratio');
  });

  it('changes both sides on a follow-up', async () => {
    const id = 'ratio-follow-up';
    const first = await askDemo('what is the proportion of online orders out of all orders in 2025', id);
    expect(first.status).toBe('answer');
    const next = await askDemo('now by region', id);
    expect(next.status).toBe('answer');
    expect(next.interpretation?.text).toMatch(
      /^ratio of orders \(channel is Online\) to orders by region; 2025 \(/i,
    );
    const online = byKey(await askDemo('online orders by region in 2025'), 'orders');
    const all = byKey(await askDemo('orders by region in 2025'), 'orders');
    for (const [region, share] of byKey(next, 'ratio'))
      expect(share).toBeCloseTo((online.get(region) ?? 0) / (all.get(region) as number), 6);
  });
});

describe('access to a ratio', () => {
  it('is checked on both sides: a metric only the denominator uses is still refused', async () => {
    const demo = await readFile(
      path.join(import.meta.dirname, '..', 'catalog', 'demo', 'catalog.yaml'),
      'utf8',
    );
    const catalog = parseCatalog(
      `${demo}\naccess:\n  default: nothing\n  groups:\n    - { name: sales, members: [u-sales] }\n    - { name: finance, members: [u-finance], tables: [finance.gl_entries, finance.gl_accounts, finance.cost_centers] }\n`,
    );
    const read = understand('ratio of revenue to opex in 2025', catalog, buildLexicon(catalog), '2026-06-15');
    if (read.kind !== 'query') throw new Error(read.message);
    expect(read.query.ratio?.over.metrics).toEqual(['opex']);
    const sales = resolveAccess(catalog, { id: 'u-sales' });
    expect(queryAccessProblem(read.query, catalog, sales)).toBe('metric opex');
    const { ratio: _, ...numerator } = read.query;
    expect(queryAccessProblem(numerator, catalog, sales)).toBeUndefined();
    expect(
      queryAccessProblem(read.query, catalog, resolveAccess(catalog, { id: 'u-finance' })),
    ).toBeUndefined();
  });
});
