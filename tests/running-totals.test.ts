/**
 * Running totals and moving averages ("cumulative revenue by month", "the 3-month moving average
 * of revenue") on the embedded demo warehouse, against SQL written here; and the readings they
 * must not give (a running total of an average or of a distinct count).
 */
import { describe, expect, it } from 'vitest';
import { useDemo } from './helpers.ts';

const demo = useDemo();

const monthly = async (from: string, to: string) => {
  const { rows } = await demo.admin.query<{ month: string; revenue: string }>(
    `SELECT to_char(date_trunc('month', order_date), 'YYYY-MM-DD') AS month, sum(net_amount) AS revenue
     FROM sales.orders WHERE status = 'completed' AND order_date >= $1 AND order_date < $2 GROUP BY 1 ORDER BY 1`,
    [from, to],
  );
  return rows.map((r) => Number(r.revenue));
};

describe('running totals', () => {
  it('adds each month to the months before it, from the range’s start', async () => {
    const answer = await demo.ask('cumulative revenue by month in 2025');
    expect(answer.status).toBe('answer');
    const months = await monthly('2025-01-01', '2026-01-01');
    const running = months.map((_, i) => months.slice(0, i + 1).reduce((a, b) => a + b, 0));
    expect(answer.rows.map((r) => Number(r[1]))).toEqual(running.map((v) => expect.closeTo(v, 2)));
    expect(answer.interpretation?.text).toMatch(/^Running total of revenue by month; 2025/);
    // It only grows: its end is its peak, said once.
    expect(answer.summary).not.toMatch(/peaking/);
  });

  it('restarts for each member of a breakdown', async () => {
    const answer = await demo.ask('running total of revenue by region by quarter in 2025');
    expect(answer.status).toBe('answer');
    // Each region's last quarter holds its whole year, as the plain breakdown gives it.
    const totals = await demo.ask('revenue by region in 2025');
    const region = answer.columns.findIndex((c) => c.name === 'region');
    const value = answer.columns.findIndex((c) => c.name === 'revenue');
    expect(totals.rows.length).toBeGreaterThan(1);
    for (const [name, revenue] of totals.rows) {
      const last = answer.rows.filter((r) => r[region] === name).at(-1);
      expect(Number(last?.[value])).toBeCloseTo(Number(revenue), 2);
    }
  });

  it('keeps the running total through a follow-up', async () => {
    const conversation = 'running-follow-up';
    await demo.ask('cumulative revenue by month in 2025', conversation);
    const next = await demo.ask('what about 2024', conversation);
    expect(next.status).toBe('answer');
    expect(next.interpretation?.text).toMatch(/^Running total of revenue by month; 2024/);
  });

  it('never adds up an average or a distinct count over time', async () => {
    for (const question of [
      'cumulative average order value by month',
      'cumulative active customers by month',
    ]) {
      const answer = await demo.ask(question);
      expect(answer.status).toBe('refuse');
      expect(answer.summary).toMatch(/not added up over time/);
    }
  });
});

describe('moving averages', () => {
  it('averages each month with the months before it, reading before the range when it must', async () => {
    const answer = await demo.ask('3-month moving average of revenue in 2025');
    expect(answer.status).toBe('answer');
    const months = await monthly('2024-11-01', '2026-01-01');
    const averages = months.slice(2).map((_, i) => months.slice(i, i + 3).reduce((a, b) => a + b, 0) / 3);
    expect(answer.rows).toHaveLength(12);
    expect(answer.rows.map((r) => Number(r[1]))).toEqual(averages.map((v) => expect.closeTo(v, 2)));
    expect(answer.interpretation?.text).toMatch(/^3-month moving average of revenue by month; 2025/);
  });

  it('never shows a window that starts before the data (the demo’s starts in January 2024)', async () => {
    const answer = await demo.ask('3-month moving average of revenue in 2024');
    expect(answer.status).toBe('answer');
    expect(answer.rows).toHaveLength(10);
    expect(String(answer.rows[0]?.[0])).toMatch(/^2024-03-01/);
  });

  it('takes its buckets from the window’s unit', async () => {
    const answer = await demo.ask('7-day moving average of orders in March 2025');
    expect(answer.status).toBe('answer');
    expect(answer.columns[0]?.name).toBe('day');
    expect(answer.rows).toHaveLength(31);
  });
});
