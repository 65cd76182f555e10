/**
 * "Which region grew the most", "the biggest drop", "top 3 products by revenue growth": ranked by
 * the change against the compared period, never by the value itself — on the embedded demo
 * warehouse, against Tally's own breakdowns of the two periods.
 */
import { describe, expect, it } from 'vitest';
import { useDemo } from './helpers.ts';

const demo = useDemo();

async function changes(question: string): Promise<Map<string, number>> {
  const answer = await demo.ask(question);
  const key = answer.columns.findIndex((c) => c.name === 'region');
  const value = answer.columns.findIndex((c) => c.name === 'revenue');
  return new Map(answer.rows.map((r) => [String(r[key]), Number(r[value])]));
}

describe('ranked by change', () => {
  it('names the region that grew the most, not the one with the most revenue', async () => {
    const now = await changes('revenue by region in 2025');
    const before = await changes('revenue by region in 2024');
    const growth = [...now].map(
      ([region, value]) => [region, value / (before.get(region) ?? Number.NaN) - 1] as const,
    );
    const fastest = growth.sort((a, b) => b[1] - a[1])[0]?.[0];
    const answer = await demo.ask('which region grew the most in 2025?');
    expect(answer.status).toBe('answer');
    expect(answer.rows).toHaveLength(1);
    expect(answer.rows[0]?.[0]).toBe(fastest);
    expect(answer.interpretation?.text).toMatch(/top 1 by change in revenue/);
    expect(answer.summary).toMatch(
      new RegExp(`^${fastest} had the (largest rise|smallest fall) in revenue in 2025`),
    );
  });

  it('ranks a drop from the largest fall', async () => {
    const answer = await demo.ask('which region had the biggest drop in revenue in Q1 2026?');
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toMatch(
      /compared with the previous quarter.*bottom 1 by change in revenue/,
    );
  });

  it('lists the fastest growing, each with its change', async () => {
    const answer = await demo.ask('top 3 products by revenue growth in 2025');
    expect(answer.status).toBe('answer');
    const change = answer.columns.findIndex((c) => c.name === 'revenue_change_pct');
    const values = answer.rows.map((r) => Number(r[change]));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(answer.summary).toMatch(
      /ranked by change against the same period a year earlier \(2024\): .+ \(up [\d.]+%\)/,
    );
  });
});
