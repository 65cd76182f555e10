/**
 * `npm run bench:load` (or `npm run bench -- --load`): concurrent Teams questions through the real
 * door of a built `tally start`, on a throwaway embedded PostgreSQL seeded at scale 1, replies
 * caught by a local Bot Connector stand-in that fetches each reply's chart image as a Teams client
 * would (and checks it is a PNG). Two cases, each on a fresh server:
 *   - warm: the 40 golden questions cycled, so after the first warm-up round every chart is in the
 *     chart cache (a team asking the same things all morning);
 *   - distinct: every question of the run is different (metric × breakdown × period), so every
 *     answer draws its own chart.
 * Rounds are paired: each round of questions is followed at once by raw `pg` running exactly the
 * statements that round answered, all at once on a pool of the reader pool's size, so a machine
 * shared with other work slows both sides of a pair alike. The bot's share of raw throughput is
 * raw pg's time over the bot's time for the same statements (refusals, which run none, stay in the
 * bot's time). CPU per answer and per raw statement (server, PostgreSQL, this harness) says where
 * the time went. Memory is the server's after each round past the warm-up — as sampled, and after
 * a full collection (the server runs with --expose-gc and collects on SIGUSR2) — JS heap and RSS
 * apart, since the allocator may keep freed pages that a leak would not explain.
 *   LOAD_CONCURRENCY (200) questions at once; LOAD_ROUNDS (5) measured rounds after
 *   LOAD_WARMUP_ROUNDS (1) warm-up rounds; LOAD_PG_STATS=1: pg_stat_statements per answer;
 *   LOAD_CASES (warm,distinct); LOAD_SERVER_ARGS: more node flags for the server, e.g.
 *   "--cpu-prof --cpu-prof-dir=/tmp/prof"; LOAD_SERVER_ENV: more environment for the server, e.g.
 *   "MALLOC_ARENA_MAX=2"; LOAD_SERVER_STDOUT: a file for the server's standard output (what
 *   --trace-gc or --trace-opt print), which is otherwise dropped.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { build } from '../scripts/build.mjs';
import { monthName } from '../semantic-catalog/dates.ts';
import { loadGoldenFile } from '../skills/eval.ts';
import { seedDemo } from '../warehouse/demo/seed.ts';
import { ensureDatabase, startEmbedded } from '../warehouse/embedded.ts';
import { freePort } from '../warehouse/free-port.ts';
import { READER_POOL_SIZE } from '../warehouse/grants.ts';
import {
  type Connector,
  type LoadServer,
  ownCpuSeconds,
  postgresCpuByPart,
  postgresCpuSeconds,
  round,
  startConnector,
  startServer,
} from './load-harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 200);
const rounds = Number(process.env.LOAD_ROUNDS ?? 5);
const cases = (process.env.LOAD_CASES ?? 'warm,distinct').split(',');
/**
 * Warm-up rounds before anything is measured (the first draws every chart of the warm case and
 * fills the caches). Memory is judged over the measured answers after them, each sample after a
 * full collection (bot/start.ts collects twice: after one, V8 still held ~70 MB of emptied pages,
 * which read as a 13–16% fall from the first sample to the rest).
 */
const warmUps = Number(process.env.LOAD_WARMUP_ROUNDS ?? 1);
const golden = await loadGoldenFile(path.resolve(root, '..', 'shared', 'eval', 'dev.yaml'));
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
const ms = (seconds: number, count: number) => `${((1000 * seconds) / Math.max(1, count)).toFixed(1)} ms`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

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
  // One breakdown (bars), then two (grouped bars) once those run out: 1,200 and 2,400 questions.
  const pairs = breakdowns.flatMap((a, i) => breakdowns.slice(i + 1).map((b) => `${a} and ${b}`));
  const all = [breakdowns, pairs].flatMap((by) =>
    shuffled(metrics.flatMap((m) => by.flatMap((b) => periods.map((p) => `${m} by ${b} ${p}`)))),
  );
  if (all.length < count) throw new Error(`only ${all.length} distinct questions for ${count} asks`);
  return all.slice(0, count);
}

/** A fixed shuffle, so each round mixes metrics, breakdowns and periods the same way every run. */
function shuffled(all: string[]): string[] {
  let seed = 17;
  for (let i = all.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [all[i], all[j]] = [all[j] as string, all[i] as string];
  }
  return all;
}

const connector: Connector = await startConnector();
await build();
const home = await mkdtemp(path.join(tmpdir(), 'tally-load-'));
await chmod(home, 0o755);
const pgPort = await freePort();
// LOAD_PG_STATS=1: pg_stat_statements in both databases, printed per answer after each case.
const pgStats = process.env.LOAD_PG_STATS === '1';
const cluster = await startEmbedded({
  home,
  port: pgPort,
  throwaway: true,
  settings: pgStats
    ? [
        'shared_preload_libraries=pg_stat_statements',
        'pg_stat_statements.track=all',
        'pg_stat_statements.track_planning=on',
      ]
    : [],
});
await ensureDatabase(cluster.superuserUrl('postgres'), 'warehouse');
await ensureDatabase(cluster.superuserUrl('postgres'), 'tally');
const seedClient = new pg.Client({ connectionString: cluster.superuserUrl('warehouse') });
await seedClient.connect();
await seedDemo(seedClient, { seed: 42, scale: 1, end: '2026-06-14' });
await seedClient.end();
const pgCpu = () => postgresCpuSeconds(path.join(home, 'pg'));
const serverEnv = Object.fromEntries(
  (process.env.LOAD_SERVER_ENV ?? '')
    .split(' ')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

const launch = () =>
  startServer({
    root,
    args: ['--expose-gc', ...(process.env.LOAD_SERVER_ARGS ?? '').split(' ').filter(Boolean)],
    env: {
      ...serverEnv,
      TALLY_HOME: home,
      TALLY_PG_PORT: String(pgPort),
      TALLY_NOW: golden.now,
      TALLY_PLAYGROUND: '0',
      LOG_LEVEL: 'error',
    },
  });

/** The statements the bot ran for one round's conversations, and how its replies ended. */
async function answered(prefix: string): Promise<{ sqls: string[]; statuses: Map<string, number> }> {
  const app = new pg.Client({ connectionString: cluster.superuserUrl('tally') });
  await app.connect();
  const rows = (
    await app.query('SELECT status, sql FROM audit_log WHERE conversation_id LIKE $1', [`teams:${prefix}-%`])
  ).rows as { status: string; sql: string | null }[];
  await app.end();
  const statuses = new Map<string, number>();
  for (const row of rows) statuses.set(row.status, (statuses.get(row.status) ?? 0) + 1);
  return { sqls: rows.filter((r) => r.status === 'answer' && r.sql).map((r) => r.sql as string), statuses };
}

/**
 * Raw `pg` on the same statements, all at once, on a pool the size of the reader pool; a
 * statement that needs the bot's session (its access settings) can't run as plain pg and is
 * left out (counted). Timed after the pool has connected, as the bot's pool has.
 */
async function rawRound(
  sqls: string[],
): Promise<{ seconds: number; ran: number; pgCpu: number; ownCpu: number }> {
  const raw = new pg.Pool({ connectionString: cluster.superuserUrl('warehouse'), max: READER_POOL_SIZE });
  await Promise.all(Array.from({ length: READER_POOL_SIZE }, () => raw.query('SELECT 1')));
  const pgBefore = await pgCpu();
  const ownBefore = ownCpuSeconds();
  const started = performance.now();
  const results = await Promise.all(
    sqls.map((sql) =>
      raw.query(sql).then(
        () => true,
        () => false,
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const ownAfter = ownCpuSeconds();
  const pgAfter = await pgCpu();
  await raw.end();
  return {
    seconds,
    ran: results.filter(Boolean).length,
    pgCpu: pgAfter - pgBefore,
    ownCpu: ownAfter - ownBefore,
  };
}

/**
 * LOAD_PG_STATS=1: the bot's statements since the reset, per answer — calls, and execution and
 * planning time — in the app database and as the reader in the warehouse (raw pg's, run as the
 * superuser, are left out).
 */
async function statementStats(answers: number | 'reset'): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.superuserUrl('tally') });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    if (answers === 'reset') {
      await client.query('SELECT pg_stat_statements_reset()');
      return;
    }
    const { rows } = await client.query(
      `SELECT d.datname AS db, s.calls::float8 AS calls, s.total_exec_time AS exec, s.total_plan_time AS plan,
              s.rows::float8 AS rows, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 110) AS query
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.userid
       WHERE d.datname = 'tally' OR NOT r.rolsuper
       ORDER BY s.total_exec_time + s.total_plan_time DESC LIMIT 40`,
    );
    const byDb = new Map<string, number>();
    for (const r of rows) byDb.set(r.db, (byDb.get(r.db) ?? 0) + r.calls / answers);
    console.log(
      `  statements per answer (pg_stat_statements): ${[...byDb].map(([db, n]) => `${db} ${n.toFixed(2)}`).join(', ')}`,
    );
    const parallel = await client.query(
      "SELECT datname, parallel_workers_launched::float8 AS workers, sessions::float8 AS sessions FROM pg_stat_database WHERE datname IN ('warehouse', 'tally')",
    );
    console.log(
      `  whole run, bot and raw pg: ${parallel.rows.map((r) => `${r.datname}: ${r.sessions} sessions, ${r.workers} parallel workers`).join('; ')}`,
    );
    const tables = await client.query(
      `SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, autovacuum_count, autoanalyze_count
       FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd > 0 AND schemaname = 'public' ORDER BY relname`,
    );
    console.log(
      `  app tables (inserted, updated, of which HOT, autovacuums, autoanalyzes): ${tables.rows
        .map(
          (t) =>
            `${t.relname} ${t.n_tup_ins}/${t.n_tup_upd}/${t.n_tup_hot_upd}/${t.autovacuum_count}/${t.autoanalyze_count}`,
        )
        .join(', ')}`,
    );
    for (const r of rows)
      console.log(
        `    ${r.db.padEnd(9)} ${(r.calls / answers).toFixed(3).padStart(6)}/answer  exec ${((r.exec ?? 0) / answers).toFixed(3)} ms  plan ${((r.plan ?? 0) / answers).toFixed(3)} ms  rows/call ${(r.rows / Math.max(1, r.calls)).toFixed(1)}  ${r.query}`,
      );
  } finally {
    await client.end();
  }
}

const flat = (values: number[]) => {
  const first = values[0] as number;
  const spread = Math.max(...values.map((v) => Math.abs(v - first) / first));
  return `max change ${(100 * spread).toFixed(1)}% → ${spread <= 0.1 ? 'flat (±10%)' : 'NOT flat'}`;
};

/** Growth over the last half of the rounds: a leak keeps growing, an allocator's high-water mark stops. */
const lastHalf = (values: number[]) => {
  const from = values[Math.floor(values.length / 2)] as number;
  const to = values.at(-1) as number;
  return `${to >= from ? '+' : ''}${((100 * (to - from)) / from).toFixed(1)}% over the last ${values.length - Math.floor(values.length / 2)} rounds`;
};

interface Sample {
  rss: number;
  heap: number;
  gcRss: number;
  gcHeap: number;
  /** After the collection: the heap V8 keeps (used or not), and memory outside it (Buffers: PNGs). */
  gcCommitted: number;
  gcExternal: number;
}

async function memorySample(server: LoadServer): Promise<Sample> {
  const m = await server.metrics();
  await server.collect();
  const g = await server.metrics();
  return {
    rss: m.get('process_resident_memory_bytes') ?? 0,
    heap: m.get('nodejs_heap_size_used_bytes') ?? 0,
    gcRss: g.get('process_resident_memory_bytes') ?? 0,
    gcHeap: g.get('nodejs_heap_size_used_bytes') ?? 0,
    gcCommitted: g.get('nodejs_heap_size_total_bytes') ?? 0,
    gcExternal: g.get('nodejs_external_memory_bytes') ?? 0,
  };
}

async function runCase(name: string): Promise<void> {
  const all = name === 'warm' ? [] : distinctQuestions(concurrency * (rounds + warmUps));
  const perRound = (r: number): string[] =>
    name === 'warm'
      ? Array.from(
          { length: concurrency },
          (_, i) => golden.questions[i % golden.questions.length]?.question ?? '',
        )
      : all.slice(r * concurrency, (r + 1) * concurrency);
  console.log(
    name === 'warm'
      ? `\n-- warm chart cache: the ${golden.questions.length} golden questions cycled; every chart drawn in the first warm-up round`
      : `\n-- distinct questions: ${concurrency * (rounds + warmUps)} different questions, every answer draws its chart`,
  );
  const server = await launch();
  try {
    const imageFailures: string[] = [];
    for (let w = 0; w < warmUps; w++) {
      const warmUp = await round(connector, server.base, `${name}-warm${w}`, perRound(w));
      imageFailures.push(...warmUp.imageFailures);
      // Raw pg's warm-up: each statement once, so its cache is as warm as the bot's.
      await rawRound([...new Set((await answered(`${name}-warm${w}`)).sqls)]);
    }
    if (pgStats) await statementStats('reset');
    const before = await server.metrics();
    const parts = new Map<string, number>();
    const memory: Sample[] = [];
    const latencies: number[] = [];
    const bot = { seconds: [] as number[], serverCpu: 0, pgCpu: 0, ownCpu: 0 };
    const raw = { seconds: [] as number[], statements: 0, ran: 0, pgCpu: 0, ownCpu: 0 };
    const statuses = new Map<string, number>();
    const images = { fetched: 0, failed: imageFailures };
    for (let r = 0; r < rounds; r++) {
      // This process's CPU is read right around the round: reading PostgreSQL's (a scan of
      // /proc) and the server's /metrics cost this process tens of ms, which is not the round's.
      const serverBefore = (await server.metrics()).get('process_cpu_seconds_total') ?? 0;
      const partsBefore = await postgresCpuByPart(path.join(home, 'pg'));
      const pgBefore = await pgCpu();
      const ownBefore = ownCpuSeconds();
      const result = await round(connector, server.base, `${name}-r${r}`, perRound(r + warmUps));
      bot.ownCpu += ownCpuSeconds() - ownBefore;
      bot.pgCpu += (await pgCpu()) - pgBefore;
      for (const [part, seconds] of await postgresCpuByPart(path.join(home, 'pg')))
        parts.set(part, (parts.get(part) ?? 0) + seconds - (partsBefore.get(part) ?? 0));
      bot.serverCpu += ((await server.metrics()).get('process_cpu_seconds_total') ?? 0) - serverBefore;
      bot.seconds.push(result.seconds);
      latencies.push(...result.latencies);
      images.fetched += result.imagesFetched;
      images.failed.push(...result.imageFailures);
      const done = await answered(`${name}-r${r}`);
      for (const [status, n] of done.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
      const rawResult = await rawRound(done.sqls);
      raw.seconds.push(rawResult.seconds);
      raw.statements += done.sqls.length;
      raw.ran += rawResult.ran;
      raw.pgCpu += rawResult.pgCpu;
      raw.ownCpu += rawResult.ownCpu;
      await sleep(1000);
      memory.push(await memorySample(server));
    }
    const after = await server.metrics();
    const stage = (s: string) =>
      (after.get(`tally_stage_seconds_sum{stage="${s}"}`) ?? 0) -
      (before.get(`tally_stage_seconds_sum{stage="${s}"}`) ?? 0);
    const answers = rounds * concurrency;
    const botSeconds = sum(bot.seconds);
    const rawSeconds = sum(raw.seconds);
    const shares = bot.seconds.map((s, i) => (raw.seconds[i] as number) / s);
    console.log(
      `server stage seconds over ${answers} answers: ${['understand', 'gate', 'database', 'chart'].map((s) => `${s} ${stage(s).toFixed(1)}`).join(', ')}`,
    );
    console.log(
      `replies: ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}; chart images fetched ${images.fetched}, ${images.failed.length ? `FAILED ${images.failed.length}: ${images.failed.slice(0, 3).join('; ')}` : 'every one a PNG'}`,
    );
    console.log(
      `bot: ${(answers / botSeconds).toFixed(1)} answers/s over ${rounds} rounds; p50 ${(quantile(latencies, 0.5) / 1000).toFixed(2)} s, p95 ${(quantile(latencies, 0.95) / 1000).toFixed(2)} s`,
    );
    console.log(
      `raw pg, each round's ${raw.statements / rounds} answered statements right after it, all at once, pool of ${READER_POOL_SIZE}: ${(raw.statements / rawSeconds).toFixed(1)} queries/s${raw.ran < raw.statements ? ` (${raw.statements - raw.ran} need the bot's session and failed here)` : ''}`,
    );
    console.log(
      `  → bot at ${((100 * rawSeconds) / botSeconds).toFixed(0)}% of raw pg (raw's time over the bot's for the same statements; rounds ${Math.round(100 * Math.min(...shares))}–${Math.round(100 * Math.max(...shares))}%)`,
    );
    console.log(
      `CPU per answer: server ${ms(bot.serverCpu, answers)}, PostgreSQL ${ms(bot.pgCpu, answers)}, harness ${ms(bot.ownCpu, answers)}; per raw statement: PostgreSQL ${ms(raw.pgCpu, raw.statements)}, harness ${ms(raw.ownCpu, raw.statements)}`,
    );
    // The same share by the CPU each side used rather than the time it took: what the two cores
    // would give each if nothing else ran on them (other work on a shared machine moves the time).
    const botCpu = bot.serverCpu + bot.pgCpu + bot.ownCpu;
    console.log(
      `  → by CPU: raw pg's CPU for the statements over the bot's for its rounds: ${((100 * (raw.pgCpu + raw.ownCpu)) / botCpu).toFixed(0)}% (a guide beside the timed share, not the target's measure)`,
    );
    console.log(
      `  PostgreSQL's per answer by part: ${[...parts]
        .filter(([, seconds]) => seconds >= 0.005)
        .sort((a, b) => b[1] - a[1])
        .map(([part, seconds]) => `${part} ${ms(seconds, answers)}`)
        .join(', ')}`,
    );
    if (pgStats) await statementStats(answers);
    const row = (pick: (s: Sample) => number) => memory.map((m) => mb(pick(m))).join(', ');
    const judged = (pick: (s: Sample) => number) =>
      `${flat(memory.map(pick))}; ${lastHalf(memory.map(pick))}`;
    console.log(
      `memory after each ${concurrency} answers past the warm-up (${warmUps} round${warmUps === 1 ? '' : 's'}, ${warmUps * concurrency} answers), ${rounds * concurrency} answers in all; flat = every sample within ±10% of the first:`,
    );
    console.log(`  JS heap after a full GC: ${row((m) => m.gcHeap)} (${judged((m) => m.gcHeap)})`);
    console.log(`  RSS after a full GC:     ${row((m) => m.gcRss)} (${judged((m) => m.gcRss)})`);
    console.log(
      `  heap V8 keeps after it:  ${row((m) => m.gcCommitted)}; outside the heap: ${row((m) => m.gcExternal)}`,
    );
    console.log(`  as sampled: heap ${row((m) => m.heap)}; RSS ${row((m) => m.rss)}`);
  } finally {
    await server.stop();
  }
}

try {
  console.log(
    `\n== load: ${concurrency} concurrent Teams questions, ${rounds} rounds after ${warmUps} warm-up round${warmUps === 1 ? '' : 's'}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' ',
      )} on ${cpus().length} cores${Object.keys(serverEnv).length ? `; server env ${process.env.LOAD_SERVER_ENV}` : ''}`,
  );
  for (const name of cases) await runCase(name);
  console.log(`(load average at the end: ${loadavg()[0]?.toFixed(1)})`);
} finally {
  connector.close();
  await cluster.stop();
  await rm(home, { recursive: true, force: true });
}
