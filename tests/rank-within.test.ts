/**
 * "The top customer in each region": the ranking restarts in every group — on the embedded demo
 * warehouse, against SQL written here, and kept through a follow-up.
 */
import { describe, expect, it } from 'vitest';
import { useDemo } from './helpers.ts';

const demo = useDemo();

const TOP_PER_REGION = `SELECT region_name, customer_name FROM (
  SELECT r.region_name, c.customer_name, c.customer_id, sum(o.net_amount) AS revenue,
         row_number() OVER (PARTITION BY r.region_name ORDER BY sum(o.net_amount) DESC, c.customer_name) AS n
  FROM sales.orders o JOIN sales.customers c USING (customer_id) JOIN sales.regions r USING (region_id)
  WHERE o.status = 'completed' AND o.order_date >= $1 AND o.order_date < $2
  GROUP BY r.region_name, c.customer_name, c.customer_id) ranked WHERE n = 1`;

describe('a top within each group', () => {
  it('names the top customer of every region, and says so', async () => {
    const answer = await demo.ask('which customer in each region had the most revenue in 2025?');
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toMatch(/top 1 by revenue within each region/);
    const { rows } = await demo.admin.query<{ region_name: string; customer_name: string }>(TOP_PER_REGION, [
      '2025-01-01',
      '2026-01-01',
    ]);
    expect(rows.length).toBeGreaterThan(1);
    expect(answer.rows).toHaveLength(rows.length);
    for (const row of rows)
      expect(answer.rows.some((r) => r.includes(row.customer_name) && r.includes(row.region_name))).toBe(
        true,
      );
  });

  it('stays within each region through a follow-up', async () => {
    const id = 'rank-within-follow-up';
    await demo.ask('which customer in each region had the most revenue in 2025?', id);
    const next = await demo.ask('and in 2024?', id);
    expect(next.interpretation?.text).toMatch(/2024.*top 1 by revenue within each region/);
    const { rows } = await demo.admin.query(TOP_PER_REGION, ['2024-01-01', '2025-01-01']);
    expect(next.rows).toHaveLength(rows.length);
  });
});
