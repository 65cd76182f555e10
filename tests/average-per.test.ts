/**
 * "The average number of orders per customer": each customer's orders counted, then averaged —
 * never the catalog's average order (a value) nor orders broken down by customer. On the embedded
 * demo warehouse, against SQL written here.
 */
import { describe, expect, it } from 'vitest';
import { useDemo } from './helpers.ts';

const demo = useDemo();

const askDemo = demo.ask;

const PER_CUSTOMER = `SELECT avg(n) AS average FROM (
  SELECT o.customer_id, count(*) AS n FROM sales.orders o
  WHERE o.status = 'completed' AND o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'
  GROUP BY o.customer_id) each_customer`;

describe('an average over a field', () => {
  it('counts each customer’s orders, then averages them, and says so', async () => {
    const answer = await askDemo('what was the average number of orders per customer in 2025?');
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toMatch(/^average orders per customer/i);
    const direct = await demo.admin.query(PER_CUSTOMER);
    expect(Number(answer.rows[0]?.[0])).toBeCloseTo(Number(direct.rows[0].average), 6);
    expect(Number(direct.rows[0].average)).toBeGreaterThan(1);
  });

  it('averages within each group of another breakdown, and keeps the average through a follow-up', async () => {
    const id = 'average-per-follow-up';
    await askDemo('average revenue per customer in 2025', id);
    const next = await askDemo('now by region', id);
    expect(next.status).toBe('answer');
    expect(next.interpretation?.text).toMatch(/^average revenue per customer .* by region/i);
    const direct = await demo.admin.query<{ region_name: string; average: string }>(
      `SELECT region_name, avg(total) AS average FROM (
         SELECT r.region_name, o.customer_id, sum(o.net_amount) AS total FROM sales.orders o
         JOIN sales.customers c USING (customer_id) JOIN sales.regions r USING (region_id)
         WHERE o.status = 'completed' AND o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'
         GROUP BY r.region_name, o.customer_id) each_customer GROUP BY region_name`,
    );
    expect(next.rows.length).toBe(direct.rows.length);
    for (const row of direct.rows) {
      const mine = next.rows.find((r) => r[0] === row.region_name);
      expect(Number(mine?.[1])).toBeCloseTo(Number(row.average), 4);
    }
  });

  it('never reads "the average number of orders" as the average order’s value', async () => {
    const answer = await askDemo('what is the average number of orders in 2025');
    expect(answer.status).toBe('clarify');
    expect(answer.message).toContain('average');
  });

  it('keeps the catalog’s own average metrics as they are', async () => {
    const answer = await askDemo('average order value per region in 2025');
    expect(answer.interpretation?.text).toMatch(/^average order value by region/i);
  });
});

describe('an average over a period', () => {
  it('totals each month, then averages the months, by region', async () => {
    const answer = await askDemo('average revenue per month by region in 2025');
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toMatch(/^average revenue per month \(each month’s total, averaged/i);
    const direct = await demo.admin.query<{ region_name: string; average: string }>(
      `SELECT region_name, avg(total) AS average FROM (
         SELECT r.region_name, date_trunc('month', o.order_date) AS month, sum(o.net_amount) AS total
         FROM sales.orders o JOIN sales.customers c USING (customer_id) JOIN sales.regions r USING (region_id)
         WHERE o.status = 'completed' AND o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'
         GROUP BY 1, 2) each_month GROUP BY region_name`,
    );
    expect(direct.rows.length).toBeGreaterThan(1);
    expect(matched(answer.rows, direct.rows)).toBe(direct.rows.length);
  });
});

/** How many of the direct rows the answer holds, region and average alike. */
function matched(rows: unknown[][], direct: { region_name: string; average: string }[]): number {
  return direct.filter((d) =>
    rows.some((r) => r[0] === d.region_name && Math.abs(Number(r[1]) - Number(d.average)) < 1e-4),
  ).length;
}
