/**
 * The optional language model in operation (issue 13): rate limits and server errors retried by
 * the real `openai` client, then the offline reply; a slow model never holds a question; a daily
 * budget per person counted in the app database, so a second replica sees it; each question's
 * model outcome, calls, latency and tokens on its audit row and in /metrics. Through the real
 * composition root and a local HTTP server speaking the chat-completions API.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../bot/metrics.ts';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import * as say from '../model-reader/wording.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import { ask } from '../skills/ask.ts';
import { isolatedAppUrl, testRuntime } from './helpers.ts';
import {
  completion,
  rateLimited,
  reading,
  type StandIn,
  serverError,
  startStandIn,
} from './openai-stand-in.ts';

const TAKINGS = 'takings by region last quarter';
const TAKINGS_READ = reading({
  metrics: [{ name: 'revenue', said: 'takings' }],
  dimensions: [{ name: 'region', said: 'region' }],
  time: { phrase: 'last quarter', said: 'last quarter' },
});
const LIMIT = 2;

let model: StandIn;
let replica: Runtime;
let otherReplica: Runtime;
let db: pg.Client;

beforeAll(async () => {
  model = await startStandIn();
  const settings = {
    OPENAI_BASE_URL: `${model.url}/v1`,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_MAX_RETRIES: '2',
    OPENAI_TIMEOUT_SECONDS: '1',
    OPENAI_DAILY_CALLS_PER_USER: String(LIMIT),
    DATABASE_URL: await isolatedAppUrl('model_ops'),
  };
  replica = await testRuntime(settings);
  otherReplica = await testRuntime(settings);
  db = new pg.Client({ connectionString: settings.DATABASE_URL });
  await db.connect();
}, 60_000);
afterAll(async () => {
  await db?.end();
  await replica?.close();
  await otherReplica?.close();
  await model?.close();
});
beforeEach(() => model.reset());

const asked = (runtime: Runtime, user: string, today?: string) =>
  ask(today ? { ...askDeps(runtime), today: () => today } : askDeps(runtime), {
    text: TAKINGS,
    channel: 'test',
    userId: user,
  });

async function auditRows(user: string) {
  const result = await db.query(
    `SELECT status, model_outcome, model_calls, model_ms, model_prompt_tokens, model_completion_tokens
     FROM audit_log WHERE user_id = $1 ORDER BY id`,
    [user],
  );
  return result.rows;
}

const offlineMessage = () => {
  const offline = understand(TAKINGS, replica.catalog, replica.lexicon, replica.today());
  return offline.kind === 'query' ? '' : offline.message;
};

describe('failures end in an answer or the offline reply', () => {
  it('retries a rate limit (429) and answers with the reply that follows', async () => {
    model.script(rateLimited, completion(TAKINGS_READ));
    const answer = await asked(replica, 'rate-limited');
    expect(answer.status).toBe('answer');
    expect(model.requests).toHaveLength(2);
    expect(answer.model).toMatchObject({ outcome: 'read', calls: 1 });
  });

  it('gives up after three server errors (500) with the offline clarification', async () => {
    model.script(serverError, serverError, serverError, completion(TAKINGS_READ));
    const answer = await asked(replica, 'server-errors');
    expect(model.requests).toHaveLength(3);
    expect(answer.status).toBe('clarify');
    expect(answer.message).toBe(offlineMessage());
    expect(answer.model).toMatchObject({ outcome: 'unavailable', calls: 1 });
  });

  it('does not wait for a model that never answers', async () => {
    const never = { ...completion(TAKINGS_READ), delayMs: 600_000 };
    model.script(never, never, never);
    const answer = await asked(replica, 'slow-model');
    expect(answer.status).toBe('clarify');
    expect(answer.model?.outcome).toBe('unavailable');
  }, 15_000);
});

describe('a daily budget per person', () => {
  it('stops asking the model once a person’s calls are spent, on every replica, until the next day', async () => {
    model.script(completion(TAKINGS_READ), completion(TAKINGS_READ));
    expect((await asked(replica, 'budgeted')).status).toBe('answer');
    expect((await asked(otherReplica, 'budgeted')).status).toBe('answer');
    expect(model.requests).toHaveLength(LIMIT);

    for (const runtime of [replica, otherReplica]) {
      const over = await asked(runtime, 'budgeted');
      expect(over.status).toBe('clarify');
      expect(over.message).toBe(`${offlineMessage()} ${say.overBudget(LIMIT)}`);
      expect(over.model).toMatchObject({ outcome: 'over_budget', calls: 0 });
    }
    expect(model.requests).toHaveLength(LIMIT);

    model.script(completion(TAKINGS_READ), completion(TAKINGS_READ));
    expect((await asked(replica, 'someone-else')).status).toBe('answer');
    expect((await asked(replica, 'budgeted', '2026-06-16')).status).toBe('answer');
    expect(model.requests).toHaveLength(LIMIT + 2);
  });
});

describe('each model call in the audit log and /metrics', () => {
  it('records outcome, calls, latency and the API’s token usage on the question’s audit row', async () => {
    model.script(completion(TAKINGS_READ));
    await asked(replica, 'audited');
    model.script(completion(reading({ answerable: false, reason: 'no such metric' })));
    await asked(replica, 'audited');
    const rows = await auditRows('audited');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      status: 'answer',
      model_outcome: 'read',
      model_calls: 1,
      model_prompt_tokens: 100,
      model_completion_tokens: 20,
    });
    expect(rows[0].model_ms).toBeGreaterThanOrEqual(0);
    expect(rows[1]).toMatchObject({ status: 'clarify', model_outcome: 'declined', model_calls: 1 });

    const offline = await ask(askDeps(replica), {
      text: 'revenue by region last quarter',
      channel: 'test',
      userId: 'audited-offline',
    });
    expect(offline.model).toBeUndefined();
    expect(await auditRows('audited-offline')).toEqual([
      expect.objectContaining({ status: 'answer', model_outcome: null, model_calls: null }),
    ]);
  });

  it('counts tokens and each question’s outcome in /metrics', async () => {
    replica.metrics = createMetrics();
    model.script(completion(TAKINGS_READ), serverError, serverError, serverError);
    await asked(replica, 'metered');
    await asked(replica, 'metered-2');
    const text = await replica.metrics.registry.metrics();
    replica.metrics = undefined;
    expect(text).toMatch(/tally_model_tokens_total\{kind="prompt"\} 100\n/);
    expect(text).toMatch(/tally_model_tokens_total\{kind="completion"\} 20\n/);
    expect(text).toMatch(/tally_model_call_seconds_count\{outcome="ok"\} 1\n/);
    expect(text).toMatch(/tally_model_call_seconds_count\{outcome="error"\} 1\n/);
    expect(text).toMatch(/tally_model_readings_total\{outcome="read"\} 1\n/);
    expect(text).toMatch(/tally_model_readings_total\{outcome="unavailable"\} 1\n/);
  });
});
