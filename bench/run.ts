/**
 * `npm run bench`: speed figures from one run, on a throwaway embedded PostgreSQL.
 *   - whole-process CLI timings next to `node -e 0` (bench/cli.ts), `npm start` to the first answer
 *     (bench/startup.ts) and the access rules' database overhead (bench/access-overhead.ts);
 *   - gate validations per second (compiled golden-question SQL);
 *   - `tally ask` split into understanding, gate and database time, at scale 1 and scale 10;
 *   - understanding time per question (median, p95) over every golden set.
 *   - chart render time per chart type, and Adaptive Card + Block Kit build time;
 *   - detector quality next to two naive baselines (bench/detector.ts).
 */
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { renderBlockKit } from '../adaptive-cards/block-kit.ts';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { dailySeries } from '../alerts/backtest.ts';
import { loadAlerts } from '../alerts/definitions.ts';
import { scoreEvents } from '../alerts/scoring.ts';
import { loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/logger.ts';
import { askDeps, createRuntime, DEFAULT_CATALOG, presentDeps } from '../bot/runtime.ts';
import { benchCatalogInit } from '../catalog-admin/bench.ts';
import { chooseChart } from '../charts/choose.ts';
import { renderPng } from '../charts/render.ts';
import { evaluateText2Sql, reportTable } from '../eval/text2sql/evaluate.ts';
import { text2sqlAvailable } from '../eval/text2sql/load.ts';
import { compile } from '../semantic-catalog/compile.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { buildLexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import { ask } from '../skills/ask.ts';
import { loadGoldenFile } from '../skills/eval.ts';
import { chartTitle, present } from '../skills/present.ts';
import { INJECTED_ANOMALIES } from '../warehouse/demo/anomalies.ts';
import { seedDemo } from '../warehouse/demo/seed.ts';
import { ensureDatabase, startEmbedded } from '../warehouse/embedded.ts';
import { freePort } from '../warehouse/free-port.ts';
import { checkSql } from '../warehouse/gate.ts';
import { benchCli } from './cli.ts';
import { DETECTORS, type LabelledSet, nabSets, report, syntheticSets } from './detector.ts';
import { benchTargets } from './targets.ts';

const root = path.resolve(import.meta.dirname, '..');
const goldenFiles = [
  path.resolve(root, '..', 'shared', 'eval', 'dev.yaml'),
  ...(await readdir(path.join(root, 'eval')).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(root, 'eval', f)),
];
const scales = (process.env.BENCH_SCALES ?? '1,10').split(',').map(Number);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;

report('Detector on synthetic daily business series', syntheticSets());
report(
  'Detector on NAB (series of 90+ days, daily means)',
  await nabSets(path.resolve(root, '..', 'shared', 'data', 'nab')),
);

const home = await mkdtemp(path.join(tmpdir(), 'tally-bench-'));
await chmod(home, 0o755);
const port = await freePort();
const cluster = await startEmbedded({ home, port, throwaway: true });
try {
  await ensureDatabase(cluster.superuserUrl('postgres'), 'warehouse');
  await ensureDatabase(cluster.superuserUrl('postgres'), 'tally');
  await benchCatalogInit(cluster.superuserUrl('postgres'));
  for (const [index, scale] of scales.entries()) {
    const golden = await loadGoldenFile(goldenFiles[0] as string);
    const client = new pg.Client({ connectionString: cluster.superuserUrl('warehouse') });
    await client.connect();
    const seeded = await seedDemo(client, { seed: 42, scale, end: '2026-06-14' });
    await client.end();
    console.log(
      `\n== scale ${scale}: seeded ${seeded.rows['sales.orders']?.toLocaleString('en-US')} orders in ${seeded.seconds.toFixed(1)} s`,
    );

    const config = loadConfig({
      TALLY_HOME: home,
      TALLY_PG_PORT: String(port),
      TALLY_NOW: golden.now,
      LOG_LEVEL: 'silent',
    });
    const runtime = await createRuntime(config, createLogger(config));
    const deps = askDeps(runtime);

    if (index === 0) {
      console.log('\nCLI, whole process (built bin/tally.js; joins this warehouse through TALLY_HOME):');
      await benchCli({
        ...process.env,
        TALLY_HOME: home,
        TALLY_PG_PORT: String(port),
        TALLY_NOW: golden.now,
        LOG_LEVEL: 'warn',
      });
      await benchTargets({
        env: {
          ...process.env,
          TALLY_HOME: home,
          TALLY_PG_PORT: String(port),
          TALLY_NOW: golden.now,
          LOG_LEVEL: 'warn',
        },
        serverUrl: cluster.superuserUrl('postgres'),
        golden,
        scale,
        end: '2026-06-14',
      });

      const sqls = golden.questions.flatMap((q) => {
        const u = understand(q.question, runtime.catalog, runtime.lexicon, golden.now);
        return u.kind === 'query' ? [compile(u.query, runtime.catalog, golden.now).sql] : [];
      });
      const started = performance.now();
      let count = 0;
      while (performance.now() - started < 3000) {
        for (const sql of sqls) checkSql(sql, runtime.catalog, { maxRows: 5000 });
        count += sqls.length;
      }
      console.log(
        `gate: ${Math.round(count / ((performance.now() - started) / 1000)).toLocaleString('en-US')} validations/s (compiled golden SQL, parse + checks + deparse + re-check)`,
      );

      const understandTimes: number[] = [];
      // The support catalog's golden set has no warehouse here: its lexicon uses the catalog's own values.
      const supportCatalog = await loadCatalog(
        path.join(root, 'tests', 'fixtures', 'support', 'catalog.yaml'),
      );
      const sets = [
        ...goldenFiles.map((file) => ({ file, catalog: runtime.catalog, lexicon: runtime.lexicon })),
        {
          file: path.join(root, 'tests', 'fixtures', 'support', 'golden.yaml'),
          catalog: supportCatalog,
          lexicon: buildLexicon(supportCatalog),
        },
      ];
      for (const { file, catalog, lexicon } of sets) {
        const set = await loadGoldenFile(file);
        for (let round = 0; round < 5; round++) {
          for (const q of set.questions) {
            const t = performance.now();
            understand(q.question, catalog, lexicon, set.now);
            understandTimes.push(performance.now() - t);
          }
        }
      }
      console.log(
        `understanding: median ${ms(quantile(understandTimes, 0.5))}, p95 ${ms(quantile(understandTimes, 0.95))} over ${understandTimes.length / 5} golden questions × 5`,
      );
    }

    if (index === 0) await benchCharts(askDeps(runtime), runtime);
    if (index === 0) await benchDemoAlerts(runtime);

    const parts = { understand: [] as number[], gate: [] as number[], database: [] as number[] };
    for (const q of golden.questions) {
      const answer = await ask(deps, { text: q.question, channel: 'bench' });
      if (answer.status !== 'answer') continue;
      parts.understand.push(answer.timings.understandMs);
      parts.gate.push(answer.timings.gateMs);
      parts.database.push(answer.timings.databaseMs);
    }
    for (const [name, values] of Object.entries(parts)) {
      console.log(
        `ask ${name.padEnd(10)} median ${ms(quantile(values, 0.5)).padStart(10)}  p95 ${ms(quantile(values, 0.95)).padStart(10)}  (${values.length} answers)`,
      );
    }
    await runtime.close();
  }
} finally {
  await cluster.stop();
  await rm(home, { recursive: true, force: true });
}

/** Chart render time per chart type (spec + SVG, then PNG) and card build time, on real answers. */
async function benchCharts(
  deps: ReturnType<typeof askDeps>,
  runtime: Awaited<ReturnType<typeof createRuntime>>,
) {
  const questions: Record<string, string> = {
    line: 'monthly revenue in 2025',
    'line (4 series)': 'monthly revenue by region in 2025',
    bar: 'revenue by country last year',
    'grouped-bar': 'revenue by category and channel in 2025',
  };
  for (const [kind, question] of Object.entries(questions)) {
    const answer = await ask(deps, { text: question, channel: 'bench' });
    const choice = chooseChart({ title: chartTitle(answer), fields: answer.fields ?? [], rows: answer.rows });
    if (!choice) continue;
    const svg: number[] = [];
    const png: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 15; i++) {
      const rendered = await renderPng(choice.spec);
      svg.push(rendered.svgMs);
      png.push(rendered.pngMs);
      bytes = rendered.png.length;
    }
    console.log(
      `chart ${kind.padEnd(16)} spec+SVG median ${ms(quantile(svg, 0.5))} p95 ${ms(quantile(svg, 0.95))}; PNG median ${ms(quantile(png, 0.5))} p95 ${ms(quantile(png, 0.95))}; ${Math.round(bytes / 1024)} KB`,
    );
  }
  const answer = await ask(deps, { text: 'top 10 products by revenue this year', channel: 'bench' });
  const { reply } = await present(presentDeps(runtime), answer);
  const builds: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    renderAdaptiveCard(reply);
    renderBlockKit(reply);
    builds.push(performance.now() - t);
  }
  console.log(`card + blocks build: median ${ms(quantile(builds, 0.5))}, p95 ${ms(quantile(builds, 0.95))}`);
}

/** The shipped alerts and the baselines on the demo warehouse's daily series, against its injected anomalies. */
async function benchDemoAlerts(runtime: Awaited<ReturnType<typeof createRuntime>>) {
  const definitions = await loadAlerts(DEFAULT_CATALOG, runtime.catalog);
  const sets: LabelledSet[] = [];
  for (const definition of definitions) {
    const windows = INJECTED_ANOMALIES.filter((a) => a.metric === definition.metric).map((a) => ({
      from: a.from,
      to: a.to,
    }));
    const access = { catalog: runtime.catalog, executor: runtime.executor, maxRows: 100_000 };
    for (const slice of [undefined, ...definition.slices]) {
      const query = {
        metrics: [definition.metric],
        dimensions: slice ? [slice] : [],
        filters: [],
        grain: 'day' as const,
        time: { from: '2024-01-01', to: '2026-06-15', label: '' },
      };
      // Each injected anomaly lives in the total and in one slice; label every series with it.
      for (const [key, points] of await dailySeries(access, query, '2026-06-15')) {
        sets.push({ name: `${definition.name}/${key}`, points, anomalies: windows });
      }
    }
  }
  // Per definition, an anomaly counts as found if any of its series flags it: pool by definition.
  for (const definition of definitions) {
    const mine = sets.filter((s) => s.name.startsWith(`${definition.name}/`));
    const merged: LabelledSet = { name: definition.name, points: [], anomalies: mine[0]?.anomalies ?? [] };
    const scores = Object.fromEntries(
      Object.entries(DETECTORS).map(([name, flag]) => [
        name,
        scoreEvents([...new Set(mine.flatMap((s) => flag(s.points)))], merged.anomalies),
      ]),
    );
    console.log(
      `\nDemo warehouse, alert ${definition.name} (total and per ${definition.slices.join(', ')}; injected: ${merged.anomalies.length})`,
    );
    for (const [name, s] of Object.entries(scores)) {
      console.log(
        `  ${name.padEnd(22)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  (${s.detections} alert events)`,
      );
    }
  }
}

if (text2sqlAvailable()) {
  console.log(
    '\nWarehouses nobody here designed (text2sql-dev: 221 questions, catalogs written from the schemas):',
  );
  const report = await evaluateText2Sql({});
  console.log(reportTable(report));
  console.log(
    `(asked on ${report.today}; ${(report.durationMs / 1000).toFixed(1)} s; npm run eval:text2sql -- --show wrong lists the wrong answers)`,
  );
}

// The load bench starts its own servers and takes a few minutes, so it runs on request.
if (process.argv.includes('--load')) {
  await import('./load.ts');
} else {
  console.log(
    '\nLoad (200 concurrent Teams questions against raw pg, memory over 1,000 answers): npm run bench:load, or npm run bench -- --load',
  );
}
