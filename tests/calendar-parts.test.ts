/**
 * Parts of a date that repeat — the day of the week, the month of the year — as fields of every
 * fact dated finely enough; on the embedded demo warehouse, against SQL written here.
 */
import { describe, expect, it } from 'vitest';
import { useDemo } from './helpers.ts';

const demo = useDemo();

const askDemo = demo.ask;

describe('calendar parts', () => {
  it('breaks orders down by day of the week', async () => {
    const answer = await askDemo('orders by day of the week in 2025');
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toMatch(/^orders by day of week/i);
    const { rows } = await demo.admin.query<{ day: string; orders: string }>(
      `SELECT trim(to_char(order_date, 'Day')) AS day, count(*) AS orders FROM sales.orders
       WHERE status = 'completed' AND order_date >= '2025-01-01' AND order_date < '2026-01-01' GROUP BY 1`,
    );
    expect(answer.rows).toHaveLength(7);
    for (const row of rows) expect(answer.rows).toContainEqual([row.day, Number(row.orders)]);
  });

  it('names the month of the year with the most revenue, not a month of one year', async () => {
    const answer = await askDemo('which month of the year had the most revenue?');
    expect(answer.status).toBe('answer');
    const { rows } = await demo.admin.query<{ month: string }>(
      `SELECT trim(to_char(order_date, 'Month')) AS month FROM sales.orders WHERE status = 'completed'
       GROUP BY 1 ORDER BY sum(net_amount) DESC LIMIT 1`,
    );
    expect(answer.rows).toHaveLength(1);
    expect(answer.rows[0]?.[0]).toBe(rows[0]?.month);
  });
});

describe('time buckets ranked', () => {
  it('names the month of one year with the most revenue, and says which it was', async () => {
    const answer = await askDemo('which month had the most revenue in 2025?');
    expect(answer.status).toBe('answer');
    const { rows } = await demo.admin.query<{ month: string; revenue: string }>(
      `SELECT to_char(date_trunc('month', order_date), 'YYYY-MM-DD') AS month, sum(net_amount) AS revenue
       FROM sales.orders WHERE status = 'completed' AND order_date >= '2025-01-01' AND order_date < '2026-01-01'
       GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
    );
    expect(answer.rows).toHaveLength(1);
    expect(String(answer.rows[0]?.[0])).toContain(rows[0]?.month);
    expect(answer.summary).toMatch(/^\w+ 2025 had the highest revenue in 2025: \$/);
  });

  it('lists the top 3 weeks, highest first, not as a series from first to last', async () => {
    const answer = await askDemo('top 3 weeks by orders in Q1 2025');
    expect(answer.status).toBe('answer');
    expect(answer.rows).toHaveLength(3);
    const values = answer.rows.map((r) => Number(r[1]));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(answer.summary).toMatch(/highest first/);
    expect(answer.summary).not.toMatch(/peaking/);
  });
});
