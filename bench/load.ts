/**
 * `npm run bench:load` (or `npm run bench -- --load`): concurrent Teams questions through the real
 * door of a built `tally start`, on a throwaway embedded PostgreSQL seeded at scale 1, replies
 * caught by a local Bot Connector stand-in. Reports answers/s, p50/p95 from question to final
 * reply, where the server's time went (its own /metrics), raw `pg` running the same SQL at the
 * same concurrency, and the server's memory after each round of 1,000 answers past a warm-up.
 *   LOAD_CONCURRENCY (200) questions at once; LOAD_ROUNDS (5) measured rounds after one warm-up.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import pg from 'pg';
import { build } from '../scripts/build.mjs';
import { loadGoldenFile } from '../skills/eval.ts';
import { seedDemo } from '../warehouse/demo/seed.ts';
import { ensureDatabase, startEmbedded } from '../warehouse/embedded.ts';
import { freePort } from '../warehouse/free-port.ts';
import { READER_POOL_SIZE } from '../warehouse/grants.ts';

const root = path.resolve(import.meta.dirname, '..');
const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 200);
const rounds = Number(process.env.LOAD_ROUNDS ?? 5);
const golden = await loadGoldenFile(path.resolve(root, '..', 'shared', 'eval', 'dev.yaml'));
const questions = golden.questions.map((q) => q.question);
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;

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

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [path.join(root, 'bin', 'tally.js'), 'start'], {
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

async function metrics(): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return new Map(
    [...text.matchAll(/^(\w+(?:\{[^}]*\})?) (\S+)$/gm)].map((m) => [m[1] as string, Number(m[2])]),
  );
}

/** One round: `concurrency` questions at once, each in its own conversation; latencies in ms. */
async function round(name: string): Promise<{ seconds: number; latencies: number[] }> {
  const started = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: concurrency }, (_, i) => {
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
          text: questions[i % questions.length],
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

try {
  for (let ready = false; !ready; await new Promise((r) => setTimeout(r, 250)))
    ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
  console.log(`\n== load: ${concurrency} concurrent Teams questions (${questions.length} distinct)`);
  await round('warm');
  const stagesBefore = await metrics();
  const memory: { rss: number; heap: number }[] = [];
  let measured: Awaited<ReturnType<typeof round>> | undefined;
  for (let r = 0; r < rounds; r++) {
    const result = await round(`r${r}`);
    measured ??= result;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const m = await metrics();
    memory.push({
      rss: m.get('process_resident_memory_bytes') ?? 0,
      heap: m.get('nodejs_heap_size_used_bytes') ?? 0,
    });
    if (r === 0) {
      const stage = (s: string) =>
        (m.get(`tally_stage_seconds_sum{stage="${s}"}`) ?? 0) -
        (stagesBefore.get(`tally_stage_seconds_sum{stage="${s}"}`) ?? 0);
      console.log(
        `server stage seconds over the round: ${['understand', 'gate', 'database', 'chart'].map((s) => `${s} ${stage(s).toFixed(1)}`).join(', ')}`,
      );
    }
  }
  const { seconds, latencies } = measured as NonNullable<typeof measured>;
  const throughput = concurrency / seconds;
  console.log(
    `bot: ${throughput.toFixed(1)} answers/s; p50 ${(quantile(latencies, 0.5) / 1000).toFixed(2)} s, p95 ${(quantile(latencies, 0.95) / 1000).toFixed(2)} s`,
  );

  const app = new pg.Client({ connectionString: cluster.superuserUrl('tally') });
  await app.connect();
  const sqls = (
    await app.query(
      "SELECT sql FROM audit_log WHERE channel = 'teams' AND status = 'answer' AND sql IS NOT NULL LIMIT $1",
      [concurrency],
    )
  ).rows.map((r) => r.sql as string);
  await app.end();
  const raw = new pg.Pool({ connectionString: cluster.superuserUrl('warehouse'), max: READER_POOL_SIZE });
  await Promise.all(sqls.slice(0, 20).map((sql) => raw.query(sql)));
  const rawStarted = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, (_, i) => raw.query(sqls[i % sqls.length] as string)),
  );
  const rawRate = concurrency / ((performance.now() - rawStarted) / 1000);
  await raw.end();
  console.log(
    `raw pg, same SQL, pool of ${READER_POOL_SIZE}: ${rawRate.toFixed(1)} queries/s → bot at ${((100 * throughput) / rawRate).toFixed(0)}% of raw`,
  );
  const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
  const first = memory[0] as { rss: number };
  const spread = Math.max(...memory.map((m) => Math.abs(m.rss - first.rss) / first.rss));
  console.log(
    `memory after each ${concurrency} answers: RSS ${memory.map((m) => mb(m.rss)).join(', ')} (max change ${(100 * spread).toFixed(1)}%); heap ${memory.map((m) => mb(m.heap)).join(', ')}`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  connectorServer.close();
  await cluster.stop();
  await rm(home, { recursive: true, force: true });
}
