/**
 * Two replicas, one app database: real `tally start` processes with pg-boss schedules that fire
 * every minute. Each slot runs once across both (pg-boss makes one job, one worker takes it), the
 * alert and the digest are posted once, and after both stop a new replica finds the schedules
 * still there and repeats nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../warehouse/free-port.ts';
import { isolatedAppUrl, spawnTally } from './helpers.ts';
import { SlackApiStub } from './slack-api.ts';
import { until } from './wait.ts';

const root = path.resolve(import.meta.dirname, '..');
let api: SlackApiStub;
let appUrl: string;
let catalogDir: string;
const replicas: Replica[] = [];

interface Replica {
  name: string;
  child: ChildProcess;
  /** Parsed JSON log lines (stderr). */
  logs: Record<string, unknown>[];
  /** Everything else it wrote to stderr (a crash's stack trace). */
  other: string[];
  /** Stopped by the test, not crashed. */
  stopped?: boolean;
}

beforeAll(async () => {
  api = await new SlackApiStub().start();
  appUrl = await isolatedAppUrl('replicas_test');
  catalogDir = await mkdtemp(path.join(tmpdir(), 'tally-replicas-'));
  await copyFile(path.join(root, 'catalog', 'demo', 'catalog.yaml'), path.join(catalogDir, 'catalog.yaml'));
  await writeFile(
    path.join(catalogDir, 'alerts.yaml'),
    `alerts:
  - name: opex-every-minute
    metric: opex
    slices: [department]
    schedule: "* * * * *"
    timezone: Europe/London
    audience: { channel: slack, target: CREPLICAS }
`,
  );
  await writeFile(
    path.join(catalogDir, 'digests.yaml'),
    `digests:
  - name: finance-every-minute
    title: Finance digest
    period: week
    kpis: [revenue, opex]
    schedule: "* * * * *"
    timezone: America/New_York
    audience: { channel: slack, target: CREPLICAS }
`,
  );
});
afterAll(async () => {
  for (const r of replicas) r.child.kill('SIGKILL');
  await api?.stop();
});

async function startReplica(name: string): Promise<Replica> {
  const child = spawnTally(
    ['start'],
    {
      PORT: String(await freePort()),
      DATABASE_URL: appUrl,
      TALLY_CATALOG: catalogDir,
      // The demo's duplicate vendor payment was on 12 May: the alert has something to say.
      TALLY_NOW: '2026-05-13',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: api.url,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    },
    ['ignore', 'ignore', 'pipe'],
  );
  const replica: Replica = { name, child, logs: [], other: [] };
  let buffer = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      try {
        replica.logs.push(JSON.parse(line));
      } catch {
        replica.other.push(line);
      }
    }
  });
  replicas.push(replica);
  return replica;
}

const tail = (r: Replica) =>
  `${r.name} (exit ${r.child.exitCode}): ${[...r.other, ...r.logs.map((l) => JSON.stringify(l))].slice(-8).join('\n')}`;

/** Waits for what the replicas should do; a replica that dies meanwhile fails at once, with its last output. */
function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> {
  return until(
    () => {
      const crashed = replicas.find((r) => !r.stopped && r.child.exitCode !== null);
      if (crashed)
        throw new Error(`replica ${crashed.name} exited while waiting for ${what}\n${tail(crashed)}`);
      return check();
    },
    timeoutMs,
    () => `timed out waiting for ${what}\n${replicas.map(tail).join('\n')}`,
    250,
  );
}

const jobsDone = (r: Replica) => r.logs.filter((l) => l.msg === 'scheduled job done');
const postsTo = (channel: string) =>
  api.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel);

describe('two replicas on one app database', () => {
  it('run each slot once, post once, and a restart keeps the schedules and repeats nothing', async () => {
    const a = await startReplica('a');
    const b = await startReplica('b');
    for (const r of [a, b])
      await waitFor(
        `replica ${r.name} to start its scheduler`,
        () => r.logs.find((l) => String(l.msg).startsWith('scheduler started')),
        180_000,
      );

    // The first slot after both are up: both queues run, each exactly once across the two.
    const slotStart = Date.now();
    await waitFor(
      'the first slot to run both jobs',
      () => {
        const done = [...jobsDone(a), ...jobsDone(b)].filter((l) => (l.time as number) >= slotStart);
        const queues = new Set(done.map((l) => l.queue));
        return queues.has('tally-alert-opex-every-minute') && queues.has('tally-digest-finance-every-minute');
      },
      100_000,
    );
    // The posts follow the jobs through the delivery outbox: on a loaded machine, seconds later.
    const posted = (prefix: string) =>
      postsTo('CREPLICAS').filter((c) => String(c.args.text).startsWith(prefix)).length > 0;
    await waitFor(
      'the alert and the digest to be posted',
      () => posted('Opex on 12 May 2026') && posted('Finance digest for'),
      60_000,
    );
    // Let the other replica have its chance at a duplicate before counting.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const client = new pg.Client({ connectionString: appUrl });
    await client.connect();
    try {
      const jobs = await client.query(
        `SELECT name, date_trunc('minute', created_on) AS slot, count(*)::int AS n
           FROM (SELECT name, created_on FROM pgboss.job UNION ALL SELECT name, created_on FROM pgboss.archive) j
          WHERE name LIKE 'tally-%' GROUP BY 1, 2`,
      );
      expect(jobs.rows.length).toBeGreaterThanOrEqual(2);
      for (const row of jobs.rows) expect(row.n, `${row.name} at ${row.slot}`).toBe(1);
      const runs = [...jobsDone(a), ...jobsDone(b)];
      for (const queue of ['tally-alert-opex-every-minute', 'tally-digest-finance-every-minute']) {
        const slots = jobs.rows.filter((r) => r.name === queue).length;
        expect(runs.filter((l) => l.queue === queue).length).toBeLessThanOrEqual(slots);
      }
      const alertPosts = postsTo('CREPLICAS').filter((c) =>
        String(c.args.text).startsWith('Opex on 12 May 2026'),
      );
      const digestPosts = postsTo('CREPLICAS').filter((c) =>
        String(c.args.text).startsWith('Finance digest for'),
      );
      expect(alertPosts).toHaveLength(1);
      expect(digestPosts).toHaveLength(1);

      // Both replicas go; the schedules stay in the database.
      for (const r of [a, b]) {
        r.stopped = true;
        r.child.kill('SIGTERM');
      }
      await waitFor(
        'both replicas to stop',
        () => a.child.exitCode !== null && b.child.exitCode !== null,
        30_000,
      );
      const schedules = await client.query(
        "SELECT name, cron, timezone FROM pgboss.schedule WHERE name LIKE 'tally-%' ORDER BY name",
      );
      expect(schedules.rows).toEqual([
        { name: 'tally-alert-opex-every-minute', cron: '* * * * *', timezone: 'Europe/London' },
        { name: 'tally-digest-finance-every-minute', cron: '* * * * *', timezone: 'America/New_York' },
      ]);
    } finally {
      await client.end();
    }

    // A new replica runs the next slot: the anomaly and this week's digest were already sent.
    const c = await startReplica('c');
    const rerun = await waitFor(
      'the restarted replica to run the alert',
      () => jobsDone(c).find((l) => l.queue === 'tally-alert-opex-every-minute'),
      130_000,
    );
    expect(rerun.result).toMatchObject({ status: 'already-sent', posted: 0, period: '2026-05-12' });
    const digestRerun = await waitFor(
      'the restarted replica to run the digest',
      () => jobsDone(c).find((l) => l.queue === 'tally-digest-finance-every-minute'),
      30_000,
    );
    expect(digestRerun.result).toMatchObject({ status: 'ran', posted: 0 });
    expect(postsTo('CREPLICAS')).toHaveLength(2);
    c.stopped = true;
    c.child.kill('SIGTERM');
  }, 600_000);
});
