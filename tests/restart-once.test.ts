/**
 * Nothing is posted twice across a SIGTERM and a restart (issue 14), through the built CLI on an
 * app database of this file's own: a digest already delivered to a channel is not delivered again
 * when run again after the restart (the deliveries table, which every scheduled or by-hand run of
 * a digest or alert claims first), and the answer in flight at SIGTERM arrives once — the next
 * process's outbox recovery, finished before it says it is ready, must not send it again.
 */
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../warehouse/free-port.ts';
import { isolatedAppUrl, runTally, spawnTally } from './helpers.ts';
import { SlowConnector } from './slow-connector.ts';
import { until } from './wait.ts';

const CHANNEL = '19:restart@thread.tacv2';
const IN_FLIGHT = 'a:restart-term';
const connector = new SlowConnector();
const servers: ChildProcess[] = [];
let env: Record<string, string>;
let sequence = 0;

interface Server {
  child: ChildProcess;
  base: string;
  exited: Promise<number | null>;
}

/** `tally start`, returned once it says it is ready: after the outbox has recovered what was left. */
async function startServer(): Promise<Server> {
  const port = await freePort();
  const child = spawnTally(['start'], { ...env, PORT: String(port) }, ['ignore', 'ignore', 'pipe']);
  servers.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  await until(
    () => stderr.includes('Tally is ready at'),
    60_000,
    () => `tally start never became ready (exit ${child.exitCode}): ${stderr}`,
    100,
  );
  return { child, base: `http://127.0.0.1:${port}`, exited };
}

function say(server: Server, text: string, conversation: { id: string; conversationType: string }) {
  return fetch(`${server.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `restart${++sequence}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      text,
      from: { id: '29:ops', name: 'Ops', aadObjectId: 'aad-ops' },
      recipient: { id: '28:tally', name: 'Tally' },
      conversation,
      channelData: {
        tenant: { id: 'tenant' },
        ...(conversation.id === CHANNEL ? { channel: { id: CHANNEL } } : {}),
      },
    }),
  });
}

const postsTo = (conversation: string) => connector.sent.filter((s) => s.conversation === conversation);
const digestRun = async () => (await runTally(['digest', 'run', 'weekly-finance'], env)).stdout;

beforeAll(async () => {
  await connector.start();
  env = { DATABASE_URL: await isolatedAppUrl('restart_once'), LOG_LEVEL: 'warn' };
});
afterAll(async () => {
  for (const child of servers)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await connector.stop();
});

describe('a SIGTERM mid-answer and a restart', () => {
  it('post the digest already sent and the answer in flight exactly once', async () => {
    const first = await startServer();
    await say(first, 'subscribe this channel to finance alerts', {
      id: CHANNEL,
      conversationType: 'channel',
    });
    await until(
      () => postsTo(CHANNEL).some((p) => /finance alerts/.test(p.text)),
      20_000,
      () => `no subscription reply: ${JSON.stringify(postsTo(CHANNEL))}`,
    );
    const beforeDigest = postsTo(CHANNEL).length;
    expect(await digestRun()).toMatch(/posted to 1, already sent to 0/);
    expect(postsTo(CHANNEL).length).toBe(beforeDigest + 1);

    connector.holding = true;
    const asked = say(first, 'orders by channel last week', { id: IN_FLIGHT, conversationType: 'personal' });
    await until(
      () => connector.held,
      20_000,
      () => 'the turn never reached the connector',
    );
    first.child.kill('SIGTERM');
    await until(
      () =>
        fetch(`${first.base}/readyz`)
          .then((r) => r.status === 503)
          .catch(() => true),
      5_000,
      () => 'still ready after SIGTERM',
    );
    connector.letGo();
    expect((await asked).status).toBe(200);
    expect(await first.exited).toBe(0);
    expect(postsTo(IN_FLIGHT).filter((p) => p.card)).toHaveLength(1);

    const second = await startServer();
    expect(await digestRun()).toMatch(/posted to 0, already sent to 1/);
    expect(postsTo(CHANNEL).length).toBe(beforeDigest + 1);
    expect(postsTo(IN_FLIGHT).filter((p) => p.card)).toHaveLength(1);
    // The outbox's own record: sent, on the first attempt, so no later sweep takes it up again.
    const app = new pg.Client({ connectionString: env.DATABASE_URL });
    await app.connect();
    try {
      const { rows } = await app.query('SELECT state, attempts FROM outbox WHERE conversation_id = $1', [
        `teams:${IN_FLIGHT}`,
      ]);
      expect(rows).toEqual([{ state: 'sent', attempts: 1 }]);
    } finally {
      await app.end();
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
