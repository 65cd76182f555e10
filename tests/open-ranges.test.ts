/**
 * Ranges open at one end ("before 2025", "up to March 2025", "since 2025", "to date") on the
 * embedded demo warehouse, against SQL written here; and a comparison whose earlier period has
 * no data, which is said, never called "no change".
 */
import { describe, expect, it } from 'vitest';
import { useDemo } from './helpers.ts';

const demo = useDemo();

const completedRevenue = async (where: string) => {
  const { rows } = await demo.admin.query<{ revenue: string }>(
    `SELECT sum(net_amount) AS revenue FROM sales.orders WHERE status = 'completed' AND ${where}`,
  );
  return Number(rows[0]?.revenue);
};

describe('ranges open at one end', () => {
  it('"up to March 2025" is everything through the end of March, not March alone', async () => {
    const answer = await demo.ask('revenue up to March 2025');
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toMatch(/up to March 2025 \(up to 31 Mar 2025/);
    expect(Number(answer.rows[0]?.[0])).toBeCloseTo(await completedRevenue(`order_date < '2025-04-01'`), 0);
  });

  it('"before 2025" stops before the year named', async () => {
    const answer = await demo.ask('revenue before 2025');
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toMatch(/before 2025 \(up to 31 Dec 2024/);
    expect(Number(answer.rows[0]?.[0])).toBeCloseTo(await completedRevenue(`order_date < '2025-01-01'`), 0);
  });

  it('"after March 2025" starts the day after March ends', async () => {
    const answer = await demo.ask('revenue after March 2025');
    expect(answer.status).toBe('answer');
    expect(Number(answer.rows[0]?.[0])).toBeCloseTo(await completedRevenue(`order_date >= '2025-04-01'`), 0);
  });

  it('a span open to the past has no period before it to compare with', async () => {
    const answer = await demo.ask('revenue before 2025 vs the previous period');
    expect(answer.status).toBe('refuse');
    expect(answer.summary).toMatch(/no period before it/);
  });
});

describe('a comparison with an earlier period that has no data', () => {
  it('says there is nothing to compare with, not "no change"', async () => {
    const answer = await demo.ask('revenue in 2024 vs 2023');
    expect(answer.status).toBe('answer');
    expect(answer.summary).toMatch(/no data in the same period a year earlier \(2023\) to compare with/);
    expect(answer.summary).not.toMatch(/no change/);
  });
});

describe('a balance asked for today', () => {
  it('"our AR outstanding today" is the balance as of today, not the invoices issued today', async () => {
    const today = await demo.ask('what is our ar outstanding today');
    const balance = await demo.ask('ar outstanding');
    expect(today.status).toBe('answer');
    expect(today.interpretation?.text).toMatch(/as of today/);
    expect(Number(today.rows[0]?.[0])).toBeCloseTo(Number(balance.rows[0]?.[0]), 2);
  });
});
