/**
 * Operating `tally start` as a platform engineer does, through real HTTP on the built CLI:
 * /readyz, /metrics after a few questions (and its bearer token), and SIGTERM in the middle of an
 * answer — the answer still arrives and the process exits 0.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../warehouse/free-port.ts';
import { spawnTally } from './helpers.ts';
import { SlowConnector } from './slow-connector.ts';
import { until } from './wait.ts';

const TOKEN = 'metrics-secret';

const connector = new SlowConnector();
let child: ChildProcess;
let base: string;
let exited: Promise<number | null>;
let sequence = 0;

function ask(text: string, conversation: string) {
  return fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `op${++sequence}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      text,
      from: { id: '29:ops', name: 'Ops' },
      recipient: { id: '28:tally', name: 'Tally' },
      conversation: { id: conversation, conversationType: 'personal' },
      channelData: { tenant: { id: 'tenant' } },
    }),
  });
}

const cardIn = (conversation: string) => () =>
  connector.sent.some((s) => s.conversation === conversation && s.card);

beforeAll(async () => {
  await connector.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawnTally(['start'], { PORT: String(port), METRICS_TOKEN: TOKEN, LOG_LEVEL: 'warn' });
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  await until(
    () =>
      fetch(`${base}/readyz`)
        .then((r) => r.ok)
        .catch(() => false),
    60_000,
    () => `tally start never became ready (exit ${child.exitCode})`,
    200,
  );
});
afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await connector.stop();
});

describe('tally start, operated', () => {
  it('is ready: warehouse, app database and catalog checked', async () => {
    const body = await (await fetch(`${base}/readyz`)).json();
    expect(body).toEqual({
      status: 'ready',
      checks: { warehouse: true, appDatabase: true, catalog: true, accepting: true },
    });
  });

  it('exposes the series after a few questions, only with the bearer token', async () => {
    await ask('revenue by region last quarter', 'a:ops-1');
    await ask('show me employee salaries', 'a:ops-2');
    await ask('monthly revenue in 2025', 'a:ops-3');
    for (const c of ['a:ops-1', 'a:ops-2', 'a:ops-3'])
      await until(cardIn(c), 20_000, () => `no card in ${c}`);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    const value = (series: string) => Number(text.match(new RegExp(`^${series} (\\S+)$`, 'm'))?.[1]);
    expect(value('tally_questions_total{door="teams",status="answer"}')).toBe(2);
    expect(value('tally_questions_total{door="teams",status="refuse"}')).toBe(1);
    expect(value('tally_gate_refusals_total{rule="personal_data"}')).toBe(1);
    for (const stage of ['understand', 'gate', 'database', 'chart'])
      expect(value(`tally_stage_seconds_count{stage="${stage}"}`)).toBeGreaterThanOrEqual(1);
    expect(value('tally_answers_in_flight')).toBe(0);
    expect(text).toMatch(/^tally_queue_depth\{queue="tally-alert-daily-revenue"\} \d+$/m);
    for (const declared of [
      'tally_executor_stops_total',
      'tally_deliveries_total',
      'process_cpu_seconds_total',
    ])
      expect(text).toContain(`# TYPE ${declared} counter`);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });

  it('finishes the answer in flight on SIGTERM, refuses new work, and exits 0', async () => {
    connector.holding = true;
    const asked = ask('orders by channel last week', 'a:ops-term');
    await until(
      () => connector.held,
      20_000,
      () => 'the turn never reached the connector',
    );
    child.kill('SIGTERM');
    // Draining: no new connections (or a 503) while the held turn is still open.
    await until(
      () =>
        fetch(`${base}/readyz`)
          .then((r) => r.status === 503)
          .catch(() => true),
      5_000,
      () => 'still ready after SIGTERM',
    );
    expect(child.exitCode).toBeNull();
    connector.letGo();
    expect((await asked).status).toBe(200);
    expect(await exited).toBe(0);
    expect(cardIn('a:ops-term')()).toBe(true);
  });
});
