/**
 * What a person sees of a model-read answer (issue 13): its card says it was read with AI, offers
 * Helpful / Not helpful, and offers an admin the teach skill's own Verify (skills/teach.ts) — one
 * click stores the model's reading as the verified one, after which the question is answered that
 * way without asking the model again. Through the chat skill and the Teams card renderer, with the
 * real `openai` client and the local chat-completions stand-in.
 */
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { chatDeps, DEFAULT_CATALOG, type Runtime } from '../bot/runtime.ts';
import { chatTurn } from '../skills/chat.ts';
import { messages } from '../skills/teach.ts';
import { isolatedAppUrl, testRuntime } from './helpers.ts';
import { completion, reading, type StandIn, startStandIn } from './openai-stand-in.ts';

const TAKINGS = 'takings by region last quarter';
const TAKINGS_READ = reading({
  metrics: [{ name: 'revenue', said: 'takings' }],
  dimensions: [{ name: 'region', said: 'region' }],
  time: { phrase: 'last quarter', said: 'last quarter' },
});

let model: StandIn;
let runtime: Runtime;

beforeAll(async () => {
  model = await startStandIn();
  // Its own catalog folder and app database: a verified question must not reach other test files.
  const catalog = await mkdtemp(path.join(tmpdir(), 'tally-model-card-'));
  await copyFile(path.join(DEFAULT_CATALOG, 'catalog.yaml'), path.join(catalog, 'catalog.yaml'));
  await writeFile(path.join(catalog, 'model.yaml'), 'model:\n  sql: true\n');
  runtime = await testRuntime({
    OPENAI_BASE_URL: `${model.url}/v1`,
    OPENAI_MAX_RETRIES: '0',
    TALLY_CATALOG: catalog,
    DATABASE_URL: await isolatedAppUrl('model_card'),
    TALLY_ADMINS: 'aad-admin',
  });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await model?.close();
});

const says = (text: string, userId: string, conversationId: string) =>
  chatTurn(chatDeps(runtime), { text, channel: 'msteams', userId, userName: userId, conversationId });

describe('the card of a model-read answer', () => {
  it('says it was read with AI and offers Helpful / Not helpful; Verify only to an admin', async () => {
    model.script(completion(TAKINGS_READ), completion(TAKINGS_READ));
    const someone = await says(TAKINGS, 'aad-dana', 'conv-dana');
    const admin = await says(TAKINGS, 'aad-admin', 'conv-admin');
    expect(model.requests).toHaveLength(2);
    for (const reply of [someone, admin]) {
      expect(reply.status).toBe('answer');
      expect(reply.context[0]).toMatch(/^Answered: Read with AI \(gpt-4o-mini\): /);
      const card = JSON.stringify(renderAdaptiveCard(reply));
      expect(card).toContain('"verb":"feedback","value":"up"');
      expect(card).toContain('"verb":"feedback","value":"down"');
    }
    expect(JSON.stringify(renderAdaptiveCard(someone))).not.toContain('verify:');
    expect(admin.actions).toContainEqual({ type: 'ask', label: 'Verify', question: `verify: ${TAKINGS}` });
  });

  it('saves the model’s reading as verified in one click; asked again, no model is asked', async () => {
    model.script(completion(TAKINGS_READ));
    const read = await says(TAKINGS, 'aad-admin', 'conv-verify');
    const verify = read.actions.find((a) => a.type === 'ask' && a.label === 'Verify');
    const saved = await says(verify?.type === 'ask' ? verify.question : '', 'aad-admin', 'conv-verify');
    expect(saved.summary).toMatch(/^Learned: “takings by region last quarter” is verified/);

    const requests = model.requests.length;
    const again = await says(TAKINGS, 'aad-dana', 'conv-later');
    expect(model.requests).toHaveLength(requests);
    expect(again.status).toBe('answer');
    expect(again.context[0]).toBe('✓ Verified by aad-admin on 15 Jun 2026');
    expect(again.context.join('\n')).not.toContain('Read with AI');
    expect(again.table?.rows).toEqual(read.table?.rows);
  });

  it('stores nothing when an admin verifies an answer the model wrote as SQL: there is no reading to keep', async () => {
    const churn = 'which accounts churned after their first invoice';
    model.script(
      completion(
        reading({
          sql: {
            query: 'SELECT channel, count(*) AS orders FROM sales.orders GROUP BY channel',
            explanation: '',
          },
        }),
      ),
    );
    const read = await says(churn, 'aad-admin', 'conv-sql');
    expect(read.status).toBe('answer');
    const saved = await says(`verify: ${churn}`, 'aad-admin', 'conv-sql');
    expect(saved.status).toBe('refuse');
    expect(saved.summary).toBe(messages.refused(`I can’t answer “${churn}” yet`));
    const overlays = await runtime.live?.store.active();
    expect(overlays?.filter((o) => o.change.kind === 'verified' && o.change.question === churn)).toEqual([]);
  });
});
