/**
 * Names too many to learn, looked up at question time through the gate and the reader role: one
 * match answers (the restatement names the filter), several are offered as choices, none keeps
 * the honest clarification. On the embedded demo warehouse, whose customer names aren't learned.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { ask } from '../skills/ask.ts';
import { runtimeWithAdmin } from './helpers.ts';

let runtime: Runtime;
let close: () => Promise<void>;
let admin: pg.Client;
beforeAll(async () => {
  ({ runtime, admin, close } = await runtimeWithAdmin());
});
afterAll(() => close());

const askDemo = (text: string) => ask(askDeps(runtime), { text, channel: 'test' });

describe('looking up a name the catalog could not learn', () => {
  it('answers for the one customer a typed name matches, and says which', async () => {
    const { rows } = await admin.query<{ customer_name: string }>(
      'SELECT customer_name FROM sales.customers ORDER BY customer_id LIMIT 1',
    );
    const name = rows[0]?.customer_name as string;
    const answer = await askDemo(`revenue of ${name} last year`);
    expect(answer.status).toBe('answer');
    expect(answer.interpretation?.text).toContain(`customer is ${name}`);
    const direct = await admin.query<{ total: string }>(
      `SELECT sum(o.net_amount) AS total FROM sales.orders o JOIN sales.customers c USING (customer_id)
       WHERE c.customer_name = $1 AND o.status = 'completed' AND o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'`,
      [name],
    );
    expect(Number((answer.rows[0] as unknown[])[0])).toBeCloseTo(Number(direct.rows[0]?.total), 2);
  });

  it('offers the candidates when a typed name matches several', async () => {
    const { rows } = await admin.query<{ stem: string }>(
      `SELECT split_part(customer_name, ' ', 1) || ' ' || split_part(customer_name, ' ', 2) AS stem
       FROM sales.customers GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 1`,
    );
    const stem = rows[0]?.stem as string;
    const answer = await askDemo(`revenue of ${stem} last year`);
    expect(answer.status).toBe('clarify');
    expect(answer.choices?.length).toBeGreaterThan(1);
    for (const choice of answer.choices ?? [])
      expect(choice.label.toLowerCase()).toContain(stem.toLowerCase());
  });

  it('keeps asking when nothing matches', async () => {
    const answer = await askDemo('revenue of Zyxwv Holdings last year');
    expect(answer.status).not.toBe('answer');
    expect(answer.summary).toMatch(/zyxwv/i);
  });
});
