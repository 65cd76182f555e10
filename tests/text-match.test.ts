/**
 * Part of a name matched as typed ("customers whose names start with 'A'"): read from the typed
 * text, compiled as a pattern with the typed wildcards taken literally, restated, kept through a
 * follow-up — on the embedded demo warehouse, checked against SQL written here.
 */
import { describe, expect, it } from 'vitest';
import { useDemo } from './helpers.ts';

const demo = useDemo();

const askDemo = demo.ask;

const REVENUE_2025 = `SELECT coalesce(sum(o.net_amount), 0) AS total FROM sales.orders o JOIN sales.customers c USING (customer_id)
  WHERE o.status = 'completed' AND o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'`;

describe('matching part of a name', () => {
  it('answers for the customers whose names start with the typed letter, and says so', async () => {
    const answer = await askDemo("revenue from customers whose names start with 'B' in 2025");
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toContain('customer starts with “B”');
    const direct = await demo.admin.query(`${REVENUE_2025} AND c.customer_name ILIKE 'b%'`);
    expect(Number(answer.rows[0]?.[0])).toBeCloseTo(Number(direct.rows[0].total), 2);
    const all = await demo.admin.query(REVENUE_2025);
    expect(Number(direct.rows[0].total)).toBeLessThan(Number(all.rows[0].total));
  });

  it('matches text containing the typed words anywhere, and wildcards only as themselves', async () => {
    const { rows } = await demo.admin.query<{ word: string }>(
      `SELECT split_part(customer_name, ' ', 2) AS word FROM sales.customers ORDER BY customer_id LIMIT 1`,
    );
    const word = rows[0]?.word as string;
    const answer = await askDemo(`revenue by customer in 2025 for customers whose name contains "${word}"`);
    const direct = await demo.admin.query(
      `SELECT count(DISTINCT c.customer_id) AS n FROM sales.orders o JOIN sales.customers c USING (customer_id)
       WHERE o.status = 'completed' AND o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'
       AND c.customer_name ILIKE $1`,
      [`%${word}%`],
    );
    expect(answer.rows.length).toBe(Number(direct.rows[0].n));
    const wildcard = await askDemo('revenue in 2025 from customers whose names contain "%"');
    expect(wildcard.status).toBe('answer');
    const literal = await demo.admin.query(`${REVENUE_2025} AND c.customer_name LIKE '%\\%%'`);
    expect(Number(wildcard.rows[0]?.[0] ?? 0)).toBeCloseTo(Number(literal.rows[0].total), 2);
  });

  it('keeps the match through a follow-up', async () => {
    const id = 'text-match-follow-up';
    await askDemo("revenue from customers whose names start with 'B' in 2025", id);
    const next = await askDemo('now by region', id);
    expect(next.status).toBe('answer');
    expect(next.interpretation?.text).toContain('customer starts with “B”');
  });

  it('asks rather than dropping a match it cannot place', async () => {
    const answer = await askDemo("how many orders containing 'zz'");
    expect(answer.status).not.toBe('answer');
    expect(answer.message).toContain('containing “zz”');
  });
});
