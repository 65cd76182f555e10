/**
 * `npm run bench:load` (or `npm run bench -- --load`): concurrent Teams questions through the real
 * door of a built `tally start`, on a throwaway embedded PostgreSQL seeded at scale 1, replies
 * caught by a local Bot Connector stand-in. Two cases, each on a fresh server:
 *   - warm: the 40 golden questions cycled, so after the warm-up round every chart is in the
 *     chart cache (a team asking the same things all morning);
 *   - distinct: every question of the run is different (metric × breakdown × period), so every
 *     answer draws its own chart.
 * For each: answers/s and p50/p95 from question to final reply over the measured rounds, where the
 * server's time went (its own /metrics), raw `pg` running the answered SQL at the same
 * concurrency with the same pool size right after, and the server's memory after each round of
 * answers past the warm-up — as sampled, and after a full collection (the server runs with
 * --expose-gc and collects on SIGUSR2), so GC timing and growth can be told apart.
 *   LOAD_CONCURRENCY (200) questions at once; LOAD_ROUNDS (5) measured rounds after one warm-up;
 *   LOAD_CASES (warm,distinct); LOAD_SERVER_ARGS: more node flags for the server, e.g.
 *   "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import pg from 'pg';
import { build } from '../scripts/build.mjs';
import { monthName } from '../semantic-catalog/dates.ts';
import { loadGoldenFile } from '../skills/eval.ts';
import { seedDemo } from '../warehouse/demo/seed.ts';
import { ensureDatabase, startEmbedded } from '../warehouse/embedded.ts';
import { freePort } from '../warehouse/free-port.ts';
import { READER_POOL_SIZE } from '../warehouse/grants.ts';

const root = path.resolve(import.meta.dirname, '..');
const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 200);
const rounds = Number(process.env.LOAD_ROUNDS ?? 5);
const cases = (process.env.LOAD_CASES ?? 'warm,distinct').split(',');
const golden = await loadGoldenFile(path.resolve(root, '..', 'shared', 'eval', 'dev.yaml'));
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Questions no two alike, each with a breakdown (so a chart): metric × breakdown × period over
 * the demo's data (2024-01 … 2026-05), in a fixed shuffled order so each round mixes them.
 */
function distinctQuestions(count: number): string[] {
  const metrics = [
    'revenue',
    'orders',
    'units sold',
    'gross profit',
    'average order value',
    'gross margin %',
  ];
  const breakdowns = ['region', 'channel', 'category', 'segment', 'country'];
  const periods: string[] = [];
  for (let m = 0; m < 29; m++) periods.push(`in ${monthName((m % 12) + 1)} ${2024 + Math.floor(m / 12)}`);
  for (let q = 0; q < 9; q++) periods.push(`in Q${(q % 4) + 1} ${2024 + Math.floor(q / 4)}`);
  periods.push('in 2024', 'in 2025');
  const all = metrics.flatMap((m) => breakdowns.flatMap((b) => periods.map((p) => `${m} by ${b} ${p}`)));
  let seed = 17;
  for (let i = all.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [all[i], all[j]] = [all[j] as string, all[i] as string];
  }
  if (all.length < count) throw new Error(`only ${all.length} distinct questions for ${count} asks`);
  return all.slice(0, count);
}

/** Final replies by conversation: a card, a card put into "Working on it…", or a plain sentence. */
const waiting = new Map<string, (at: number) => void>();
const connector = express();
connector.use(express.json({ limit: '5mb' }));
connector.all('/v3/conversations/:conversation/activities{/:activityId}', (req, res) => {
  const body = req.body as { type?: string; text?: string };
  if (body.type === 'message' && body.text !== 'Working on it…')
    waiting.get(String(req.params.conversation))?.(performance.now());
  res.json({ id: `a-${Math.random().toString(36).slice(2)}` });
});
const connectorServer = await new Promise<Server>((resolve) => {
  const s = connector.listen(0, '127.0.0.1', () => resolve(s));
});
const serviceUrl = `http://127.0.0.1:${(connectorServer.address() as { port: number }).port}/`;

await build();
const home = await mkdtemp(path.join(tmpdir(), 'tally-load-'));
await chmod(home, 0o755);
const pgPort = await freePort();
const cluster = await startEmbedded({ home, port: pgPort, throwaway: true });
await ensureDatabase(cluster.superuserUrl('postgres'), 'warehouse');
await ensureDatabase(cluster.superuserUrl('postgres'), 'tally');
const seedClient = new pg.Client({ connectionString: cluster.superuserUrl('warehouse') });
await seedClient.connect();
await seedDemo(seedClient, { seed: 42, scale: 1, end: '2026-06-14' });
await seedClient.end();
const serverArgs = ['--expose-gc', ...(process.env.LOAD_SERVER_ARGS ?? '').split(' ').filter(Boolean)];

async function startServer() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...serverArgs, path.join(root, 'bin', 'tally.js'), 'start'], {
    cwd: root,
    env: {
      ...process.env,
      TALLY_HOME: home,
      TALLY_PG_PORT: String(pgPort),
      TALLY_NOW: golden.now,
      TALLY_PLAYGROUND: '0',
      PORT: String(port),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let ready = false; !ready; await sleep(250))
    ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
  return {
    base,
    async metrics(): Promise<Map<string, number>> {
      const text = await (await fetch(`${base}/metrics`)).text();
      return new Map(
        [...text.matchAll(/^(\w+(?:\{[^}]*\})?) (\S+)$/gm)].map((m) => [m[1] as string, Number(m[2])]),
      );
    },
    /** A full collection in the server (bot/start.ts listens for SIGUSR2 under --expose-gc). */
    async collect(): Promise<void> {
      child.kill('SIGUSR2');
      await sleep(1000);
    },
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One round: `concurrency` questions at once, each in its own conversation; latencies in ms. */
async function round(
  base: string,
  name: string,
  questions: string[],
): Promise<{ seconds: number; latencies: number[] }> {
  const started = performance.now();
  const latencies = await Promise.all(
    questions.map((text, i) => {
      const conversation = `${name}-${i}`;
      const sent = performance.now();
      const replied = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply in ${conversation}`)), 180_000);
        waiting.set(conversation, (at) => {
          clearTimeout(timer);
          waiting.delete(conversation);
          resolve(at - sent);
        });
      });
      void fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: `m-${conversation}`,
          channelId: 'msteams',
          serviceUrl,
          text,
          from: { id: `29:${conversation}`, aadObjectId: `aad-${conversation}` },
          recipient: { id: '28:tally' },
          conversation: { id: conversation, conversationType: 'personal' },
          channelData: { tenant: { id: 'tenant' } },
        }),
      }).catch(() => undefined);
      return replied;
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
}

/** The SQL the bot answered with in these conversations, run by plain `pg` at the same concurrency. */
async function rawPg(
  prefix: string,
): Promise<{ rate: number; statuses: string; distinct: number; skipped: number }> {
  const app = new pg.Client({ connectionString: cluster.superuserUrl('tally') });
  await app.connect();
  const audited = (
    await app.query('SELECT status, sql FROM audit_log WHERE conversation_id LIKE $1', [`teams:${prefix}%`])
  ).rows as { status: string; sql: string | null }[];
  await app.end();
  const counts = new Map<string, number>();
  for (const row of audited) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  const answered = audited.filter((r) => r.status === 'answer' && r.sql).map((r) => r.sql as string);
  // Each different statement once first (warming the cache as the bot's warm-up did); one that
  // needs the bot's session (its access settings) can't run as plain pg and is left out, said below.
  const runs = new Map<string, boolean>();
  const check = new pg.Client({ connectionString: cluster.superuserUrl('warehouse') });
  await check.connect();
  for (const sql of new Set(answered))
    runs.set(
      sql,
      await check.query(sql).then(
        () => true,
        () => false,
      ),
    );
  await check.end();
  const sqls = answered.filter((sql) => runs.get(sql));
  const raw = new pg.Pool({ connectionString: cluster.superuserUrl('warehouse'), max: READER_POOL_SIZE });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, (_, i) => raw.query(sqls[i % sqls.length] as string)),
  );
  const rate = concurrency / ((performance.now() - started) / 1000);
  await raw.end();
  return {
    rate,
    statuses: [...counts].map(([s, n]) => `${n} ${s}`).join(', '),
    distinct: runs.size,
    skipped: answered.length - sqls.length,
  };
}

const flat = (values: number[]) => {
  const first = values[0] as number;
  const spread = Math.max(...values.map((v) => Math.abs(v - first) / first));
  return `max change ${(100 * spread).toFixed(1)}% → ${spread <= 0.1 ? 'flat (±10%)' : 'NOT flat'}`;
};

async function runCase(name: string): Promise<void> {
  const perRound = (r: number): string[] =>
    name === 'warm'
      ? Array.from(
          { length: concurrency },
          (_, i) => golden.questions[i % golden.questions.length]?.question ?? '',
        )
      : distinctQuestions(concurrency * (rounds + 1)).slice(r * concurrency, (r + 1) * concurrency);
  console.log(
    name === 'warm'
      ? `\n-- warm chart cache: the ${golden.questions.length} golden questions cycled; every chart drawn in the warm-up round`
      : `\n-- distinct questions: ${concurrency * (rounds + 1)} different questions, every answer draws its chart`,
  );
  const server = await startServer();
  try {
    await round(server.base, `${name}-warm`, perRound(0));
    const before = await server.metrics();
    const memory: { rss: number; heap: number; gcRss: number; gcHeap: number }[] = [];
    const latencies: number[] = [];
    let seconds = 0;
    for (let r = 0; r < rounds; r++) {
      const result = await round(server.base, `${name}-r${r}`, perRound(r + 1));
      latencies.push(...result.latencies);
      seconds += result.seconds;
      await sleep(2000);
      const m = await server.metrics();
      await server.collect();
      const g = await server.metrics();
      memory.push({
        rss: m.get('process_resident_memory_bytes') ?? 0,
        heap: m.get('nodejs_heap_size_used_bytes') ?? 0,
        gcRss: g.get('process_resident_memory_bytes') ?? 0,
        gcHeap: g.get('nodejs_heap_size_used_bytes') ?? 0,
      });
      if (r === rounds - 1) {
        const stage = (s: string) =>
          (m.get(`tally_stage_seconds_sum{stage="${s}"}`) ?? 0) -
          (before.get(`tally_stage_seconds_sum{stage="${s}"}`) ?? 0);
        console.log(
          `server stage seconds over ${rounds * concurrency} answers: ${['understand', 'gate', 'database', 'chart'].map((s) => `${s} ${stage(s).toFixed(1)}`).join(', ')}`,
        );
      }
    }
    const throughput = (rounds * concurrency) / seconds;
    const raw = await rawPg(`${name}-r`);
    console.log(
      `replies: ${raw.statuses} (${raw.distinct} different statements answered${raw.skipped ? `; ${raw.skipped} answers' SQL needs the bot's session and is not in the raw run` : ''})`,
    );
    console.log(
      `bot: ${throughput.toFixed(1)} answers/s over ${rounds} rounds; p50 ${(quantile(latencies, 0.5) / 1000).toFixed(2)} s, p95 ${(quantile(latencies, 0.95) / 1000).toFixed(2)} s`,
    );
    console.log(
      `raw pg, the same answered SQL, ${concurrency} at once, pool of ${READER_POOL_SIZE}: ${raw.rate.toFixed(1)} queries/s → bot at ${((100 * throughput) / raw.rate).toFixed(0)}% of raw`,
    );
    console.log(
      `memory after each ${concurrency} answers, as sampled: RSS ${memory.map((m) => mb(m.rss)).join(', ')} (${flat(memory.map((m) => m.rss))}); heap ${memory.map((m) => mb(m.heap)).join(', ')}`,
    );
    console.log(
      `  after a full GC: RSS ${memory.map((m) => mb(m.gcRss)).join(', ')} (${flat(memory.map((m) => m.gcRss))}); heap ${memory.map((m) => mb(m.gcHeap)).join(', ')} (${flat(memory.map((m) => m.gcHeap))})`,
    );
  } finally {
    await server.stop();
  }
}

try {
  console.log(
    `\n== load: ${concurrency} concurrent Teams questions, ${rounds} rounds after a warm-up; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  );
  for (const name of cases) await runCase(name);
  console.log(`(load average at the end: ${loadavg()[0]?.toFixed(1)})`);
} finally {
  connectorServer.close();
  await cluster.stop();
  await rm(home, { recursive: true, force: true });
}
