/**
 * Issue 17, load: each Teams question cost the app database eight statements. Two pairs are now
 * one statement each, with the same guarantees: the question is recorded together with the
 * conversation reference that digests and alerts post to, and the in-turn reply is stored and
 * claimed for sending at once — only by the row's owner, only from `received`, so a row a replica
 * adopted is never answered twice. Against the real app database.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxStore } from '../app-db/outbox.ts';
import type { Runtime } from '../bot/runtime.ts';
import { testRuntime } from './helpers.ts';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
});
afterAll(async () => runtime?.close());

const question = (id: string, conversation: string) => ({
  id,
  channel: 'teams',
  conversationId: `teams:${conversation}`,
  question: 'revenue by region',
  reference: { conversation: { id: conversation }, serviceUrl: 'http://connector.test/' },
  referenceId: `teams:${conversation}`,
});

describe('outbox statements', () => {
  it('records the question and keeps its conversation reference in one statement', async () => {
    const store = new OutboxStore(runtime.appDb.pool, `test-${randomUUID()}`);
    const conversation = `c-${randomUUID()}`;
    await store.receive(question(randomUUID(), conversation));
    const kept = await runtime.appDb.loadReference<{ serviceUrl: string }>(`teams:${conversation}`);
    expect(kept?.channel).toBe('teams');
    expect(kept?.reference.serviceUrl).toBe('http://connector.test/');
    // A later question in the same conversation replaces the reference (a moved service URL).
    await store.receive({
      ...question(randomUUID(), conversation),
      reference: { conversation: { id: conversation }, serviceUrl: 'http://moved.test/' },
    });
    const moved = await runtime.appDb.loadReference<{ serviceUrl: string }>(`teams:${conversation}`);
    expect(moved?.reference.serviceUrl).toBe('http://moved.test/');
  });

  it('stores and claims the in-turn reply at once, only for its owner and only once', async () => {
    const mine = new OutboxStore(runtime.appDb.pool, `test-${randomUUID()}`);
    const other = new OutboxStore(runtime.appDb.pool, `test-${randomUUID()}`);
    const id = randomUUID();
    await mine.receive(question(id, `c-${randomUUID()}`));
    expect(await other.readyToSend(id, { text: 'not mine' })).toBe(false);
    expect(await mine.readyToSend(id, { type: 'message', text: 'the answer' })).toBe(true);
    expect(await mine.readyToSend(id, { type: 'message', text: 'again' })).toBe(false);
    const row = await mine.row(id);
    expect(row).toMatchObject({ state: 'sending', attempts: 1, reply: { text: 'the answer' } });
    await mine.sent(id);
    expect((await mine.row(id))?.state).toBe('sent');
  });
});
