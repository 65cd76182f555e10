/**
 * "revenue not from Partner": an excluding filter, through the real pipeline on the embedded demo
 * warehouse. It keeps every other member (blank ones too), adds up with the included part to the
 * whole, and says so in the restatement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { ask } from '../skills/ask.ts';
import { runtimeWithAdmin } from './helpers.ts';

let runtime: Runtime;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ runtime, close } = await runtimeWithAdmin());
});
afterAll(() => close());

const total = async (question: string) => {
  const answer = await ask(askDeps(runtime), { text: question, channel: 'test' });
  expect(answer.status, `${question}: ${answer.summary}`).toBe('answer');
  return { answer, value: Number((answer.rows[0] as unknown[] | undefined)?.[0]) };
};

describe('excluding a value', () => {
  it('answers "revenue not from Partner" as all revenue but Partner’s, and says so', async () => {
    const all = await total('revenue last year');
    const partner = await total('revenue from Partner last year');
    const rest = await total('revenue not from Partner last year');
    expect(rest.value).toBeGreaterThan(0);
    expect(rest.value + partner.value).toBeCloseTo(all.value, 2);
    expect(rest.answer.interpretation?.text).toMatch(/channel is not Partner/);
    expect(rest.answer.sql).toMatch(/NOT IN \('Partner'\)/);
  });

  it('reads "excluding", "other than" and "not including" the same way', async () => {
    const rest = (await total('revenue not from Partner last year')).value;
    for (const said of ['excluding Partner', 'other than Partner', 'not including Partner'])
      expect((await total(`revenue last year ${said}`)).value).toBeCloseTo(rest, 2);
  });

  it('never drops a negation it cannot attach to a value', async () => {
    const answer = await ask(askDeps(runtime), { text: 'revenue not refunded last year', channel: 'test' });
    expect(answer.status).not.toBe('answer');
  });
});
