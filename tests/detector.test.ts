import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollingZScore, weekOverWeek } from '../alerts/baselines.ts';
import { detect, judgeAll, type Point } from '../alerts/detector.ts';
import { scoreEvents } from '../alerts/scoring.ts';
import { syntheticSeries } from '../alerts/synthetic.ts';
import { runTally } from './helpers.ts';

/** Pools detections and windows over many series, as event-level F1. */
function pooled(flag: (points: Point[]) => string[], seeds: number[]) {
  let detections = 0;
  let hits = 0;
  let windows = 0;
  let found = 0;
  for (const seed of seeds) {
    const series = syntheticSeries(seed);
    const score = scoreEvents(flag(series.points), series.anomalies);
    detections += score.detections;
    hits += score.precision * score.detections;
    windows += score.windows;
    found += score.recall * score.windows;
  }
  const precision = hits / detections;
  const recall = found / windows;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

describe('the anomaly detector', () => {
  const seeds = Array.from({ length: 16 }, (_, i) => 5003 + i * 131);

  it('finds spikes, dips, level shifts and outages on synthetic business series (event F1 ≥ 0.85), beating both baselines', () => {
    const tally = pooled((points) => detect(points).map((j) => j.date), seeds);
    const zscore = pooled((points) => rollingZScore(points), seeds);
    const wow = pooled((points) => weekOverWeek(points), seeds);
    expect(tally.f1).toBeGreaterThanOrEqual(0.85);
    expect(tally.f1).toBeGreaterThan(Math.max(zscore.f1, wow.f1));
  });

  it('judges each day with data before it only: a longer series never changes an earlier judgement', () => {
    const series = syntheticSeries(777).points;
    const full = judgeAll(series);
    const prefix = judgeAll(series.slice(0, 400));
    expect(prefix.length).toBeGreaterThan(300);
    expect(full.slice(0, prefix.length)).toEqual(prefix);
  });

  it('is not blinded by one outlier: a second, smaller spike a week later is still flagged', () => {
    const points: Point[] = Array.from({ length: 200 }, (_, t) => ({
      date: new Date(Date.UTC(2025, 0, 1 + t)).toISOString().slice(0, 10),
      value: 1000 * (t % 7 >= 5 ? 0.6 : 1.1) * (1 + 0.04 * Math.sin(t * 1.7)),
    }));
    (points[150] as Point).value *= 10;
    (points[157] as Point).value *= 1.6;
    const flagged = detect(points).map((j) => j.date);
    expect(flagged).toContain(points[150]?.date);
    expect(flagged).toContain(points[157]?.date);
  });

  it('reports value, expected, band, score and direction', () => {
    const series = syntheticSeries(4242);
    const [first] = detect(series.points);
    expect(first).toMatchObject({
      date: expect.any(String),
      value: expect.any(Number),
      expected: expect.any(Number),
      direction: expect.stringMatching(/up|down/),
    });
    expect(first?.low).toBeLessThanOrEqual(first?.expected as number);
    expect(first?.high).toBeGreaterThanOrEqual(first?.expected as number);
  });

  it('runs from the CLI on a date,value CSV', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tally-csv-'));
    const file = path.join(dir, 'series.csv');
    const series = syntheticSeries(99);
    await writeFile(file, `date,value\n${series.points.map((p) => `${p.date},${p.value}`).join('\n')}\n`);
    const { stdout } = await runTally(['alerts', 'detect', '--csv', file, '--json']);
    const { anomalies } = JSON.parse(stdout);
    expect(anomalies.length).toBeGreaterThan(0);
    expect(Object.keys(anomalies[0]).sort()).toEqual([
      'date',
      'direction',
      'expected',
      'high',
      'low',
      'score',
      'value',
    ]);
    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, 'date,value\n2025-01-01,abc\n');
    const error = await runTally(['alerts', 'detect', '--csv', bad]).catch((e) => e);
    expect(error.code).toBe(2);
    expect(error.stderr).toMatch(/bad\.csv:2: "abc" is not a number/);
  });
});
