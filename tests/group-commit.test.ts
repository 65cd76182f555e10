/**
 * Issue 17, load: audit rows, conversation states and outbox rows written by answers finishing
 * together go in one statement (app-db/group-commit.ts) — and still every caller waits for its
 * own row, gets its own outcome, and a bad row never fails or hides another's.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { groupCommit } from '../app-db/group-commit.ts';
import { OutboxStore } from '../app-db/outbox.ts';
import type { Runtime } from '../bot/runtime.ts';
import { testRuntime } from './helpers.ts';

describe('groupCommit', () => {
  it('runs the first call at once and the calls that wait behind it together', async () => {
    const run = vi.fn(async (items: number[]) => items.map((n) => n * 2));
    const double = groupCommit(run);
    expect(await Promise.all(Array.from({ length: 50 }, (_, i) => double(i)))).toEqual(
      Array.from({ length: 50 }, (_, i) => i * 2),
    );
    expect(run.mock.calls.map(([items]) => items.length)).toEqual([1, 49]);
  });

  it('gives a failed batch one try per item: only the bad one fails', async () => {
    const write = groupCommit(async (items: string[]) => {
      if (items.includes('bad')) throw new Error('refused');
      return items.map((item) => `${item} written`);
    });
    const outcomes = await Promise.allSettled(['a', 'b', 'bad', 'c'].map(write));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'a written',
      'b written',
      'refused',
      'c written',
    ]);
  });
});

describe('the app database under many answers at once', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(async () => runtime?.close());

  it('writes a hundred audit rows in a few statements, each as given, NUL and lone surrogates removed', async () => {
    const conversation = `group-${randomUUID()}`;
    const query = vi.spyOn(runtime.appDb.pool, 'query');
    try {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          runtime.appDb.audit({
            channel: 'teams',
            conversationId: conversation,
            question: i === 7 ? 'revenue\0 by \ud800region' : `question ${i}`,
            status: 'answer',
            rowCount: i,
          }),
        ),
      );
      expect(query.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      query.mockRestore();
    }
    const rows = (
      await runtime.appDb.pool.query(
        'SELECT question, row_count FROM audit_log WHERE conversation_id = $1 ORDER BY row_count',
        [conversation],
      )
    ).rows;
    expect(rows).toHaveLength(100);
    expect(rows[7]).toEqual({ question: 'revenue by region', row_count: 7 });
    expect(rows[42]).toEqual({ question: 'question 42', row_count: 42 });
  });

  it('keeps each conversation its own state, the later save winning', async () => {
    const ids = Array.from({ length: 40 }, () => `teams:${randomUUID()}`);
    await Promise.all(
      ids.flatMap((id, i) => [
        runtime.appDb.saveConversation(id, { lastQuestion: `first ${i}` }),
        runtime.appDb.saveConversation(id, { lastQuestion: `question ${i}` }),
      ]),
    );
    const states = await Promise.all(ids.map((id) => runtime.appDb.loadConversation(id)));
    expect(states).toEqual(ids.map((_, i) => ({ lastQuestion: `question ${i}` })));
    expect(await runtime.appDb.loadConversation(`teams:${randomUUID()}`)).toBeUndefined();
  });

  it('records, claims and marks sent many outbox rows at once, each only for its owner and once', async () => {
    const mine = new OutboxStore(runtime.appDb.pool, `test-${randomUUID()}`);
    const other = new OutboxStore(runtime.appDb.pool, `test-${randomUUID()}`);
    const conversation = `c-${randomUUID()}`;
    const ids = Array.from({ length: 30 }, () => randomUUID());
    await Promise.all(
      ids.map((id, i) =>
        mine.receive({
          id,
          channel: 'teams',
          conversationId: `teams:${conversation}`,
          question: `question ${i}`,
          reference: { conversation: { id: conversation }, serviceUrl: `http://connector.test/${i}` },
          referenceId: `teams:${conversation}`,
        }),
      ),
    );
    const kept = await runtime.appDb.loadReference<{ serviceUrl: string }>(`teams:${conversation}`);
    expect(kept?.reference.serviceUrl).toBe('http://connector.test/29');
    const claims = await Promise.all([
      ...ids.map((id, i) => mine.readyToSend(id, { type: 'message', text: `answer ${i}` })),
      other.readyToSend(ids[0] as string, { text: 'not mine' }),
      mine.readyToSend(ids[1] as string, { text: 'twice' }),
    ]);
    expect(claims).toEqual([...ids.map(() => true), false, false]);
    await Promise.all(ids.map((id) => mine.sent(id)));
    expect(await mine.row(ids[1] as string)).toMatchObject({ state: 'sent', reply: { text: 'answer 1' } });
  });
});
