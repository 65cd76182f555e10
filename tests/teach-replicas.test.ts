/**
 * What an admin teaches on one replica is in effect on every replica within seconds: two real
 * `tally start` processes on one app database, Slack events signed and posted to each. The
 * synonym is taught on A; the very next question on B uses it (LISTEN/NOTIFY, no restart).
 */
import type { ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../warehouse/free-port.ts';
import { isolatedAppUrl, spawnTally } from './helpers.ts';
import { SlackApiStub } from './slack-api.ts';
import { mentionEvent, signed } from './slack-door.ts';
import { until } from './wait.ts';

const root = path.resolve(import.meta.dirname, '..');
const SECRET = 'replica-secret';
let api: SlackApiStub;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await api?.stop();
});

interface Replica {
  url: string;
  output: string[];
  child: ChildProcess;
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child = spawnTally(['start'], { ...env, PORT: String(port), LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, [
    'ignore',
    'ignore',
    'pipe',
  ]);
  children.push(child);
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { url: `http://127.0.0.1:${port}`, output, child };
}

const ready = (r: Replica) =>
  until(
    () => {
      if (r.child.exitCode !== null) throw new Error(`replica exited: ${r.output.join('').slice(-2000)}`);
      return r.output.join('').includes('Tally listening on');
    },
    180_000,
    () => `replica did not start: ${r.output.join('').slice(-2000)}`,
    100,
  );

/** Mentions Tally on one replica; resolves with the reply that replaces "Working on it…". */
async function ask(replica: Replica, text: string, channel: string): Promise<string> {
  const body = JSON.stringify(
    mentionEvent(text, { event: { ...mentionEvent(text).event, user: 'UADMIN', channel } }),
  );
  const before = api.calls.length;
  const response = await fetch(`${replica.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed(body, { secret: SECRET }) },
    body,
  });
  expect(response.status).toBe(200);
  const reply = await api.waitFor(
    (c) => api.calls.indexOf(c) >= before && c.method === 'chat.update' && c.args.channel === channel,
  );
  return String(reply.args.text);
}

let a: Replica;
let b: Replica;

beforeAll(async () => {
  api = await new SlackApiStub().start();
  const catalogDir = await mkdtemp(path.join(tmpdir(), 'tally-teach-replicas-'));
  await copyFile(path.join(root, 'catalog', 'demo', 'catalog.yaml'), path.join(catalogDir, 'catalog.yaml'));
  const env = {
    DATABASE_URL: await isolatedAppUrl('teach_replicas'),
    TALLY_CATALOG: catalogDir,
    TALLY_ADMINS: 'UADMIN',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: api.url,
  };
  [a, b] = [await startReplica(env), await startReplica(env)];
  await Promise.all([ready(a), ready(b)]);
}, 240_000);

describe('a synonym taught on one replica', () => {
  it('is used by the next question on another replica within 5 s', async () => {
    expect(await ask(b, 'bookings last month', 'CB1')).toContain('I don’t know what “bookings” means');
    expect(await ask(a, 'teach: bookings means revenue', 'CA1')).toContain(
      'Learned: “bookings” means the metric Revenue',
    );
    const taught = Date.now();
    let n = 0;
    const answer = await until(
      async () => {
        const text = await ask(b, 'bookings last month', `CB2${++n}`);
        return text.startsWith('Revenue') ? text : undefined;
      },
      5_000,
      () => 'replica B did not use the synonym taught on replica A within 5 s of the teach reply',
      100,
    );
    expect(answer).toMatch(/^Revenue last month \(May 2026\) was \$/);
    expect(Date.now() - taught).toBeLessThan(5_000);
  });
});
