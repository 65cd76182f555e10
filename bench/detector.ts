/**
 * Detector quality, measured: event-level precision, recall and F1 of Tally's detector next to the
 * two naive baselines (rolling 28-day z-score > 3, week-over-week change > 30%), on
 *   - synthetic daily business series (seeds no test or tuning used),
 *   - the labelled public NAB series long enough to judge by day (aggregated to daily means),
 *   - the demo warehouse's injected anomalies (daily revenue and opex, in total and per slice).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { rollingZScore, weekOverWeek } from '../alerts/baselines.ts';
import { parseSeriesCsv } from '../alerts/csv.ts';
import { detect, type Point } from '../alerts/detector.ts';
import { scoreEvents, type Window } from '../alerts/scoring.ts';
import { syntheticSeries } from '../alerts/synthetic.ts';

export interface LabelledSet {
  name: string;
  points: Point[];
  anomalies: Window[];
}

type Flagger = (points: Point[]) => string[];

export const DETECTORS: Record<string, Flagger> = {
  tally: (points) => detect(points).map((j) => j.date),
  'z-score 28d > 3': (points) => rollingZScore(points),
  'week-over-week > 30%': (points) => weekOverWeek(points),
};

/** Pools detections and windows over the sets: one precision, recall and F1 per detector. */
export function evaluate(
  sets: LabelledSet[],
): Record<string, { precision: number; recall: number; f1: number }> {
  const result: Record<string, { precision: number; recall: number; f1: number }> = {};
  for (const [name, flag] of Object.entries(DETECTORS)) {
    let detections = 0;
    let hits = 0;
    let windows = 0;
    let found = 0;
    for (const set of sets) {
      const score = scoreEvents(flag(set.points), set.anomalies);
      detections += score.detections;
      hits += score.precision * score.detections;
      windows += score.windows;
      found += score.recall * score.windows;
    }
    const precision = detections ? hits / detections : 0;
    const recall = windows ? found / windows : 0;
    result[name] = {
      precision,
      recall,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    };
  }
  return result;
}

export function report(title: string, sets: LabelledSet[]): void {
  const scores = evaluate(sets);
  console.log(
    `\n${title} (${sets.length} series, ${sets.reduce((n, s) => n + s.anomalies.length, 0)} labelled events)`,
  );
  for (const [name, s] of Object.entries(scores)) {
    console.log(
      `  ${name.padEnd(22)} precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}`,
    );
  }
  const best = Math.max(scores['z-score 28d > 3']?.f1 ?? 0, scores['week-over-week > 30%']?.f1 ?? 0);
  if (best > 0) console.log(`  tally / better baseline: ${((scores.tally?.f1 ?? 0) / best).toFixed(2)}×`);
}

export function syntheticSets(count = 100): LabelledSet[] {
  return Array.from({ length: count }, (_, i) => syntheticSeries(900_001 + i * 7919));
}

/** NAB series spanning at least 90 days, as daily means, with their labelled windows as dates. */
export async function nabSets(nabDir: string): Promise<LabelledSet[]> {
  const labels = JSON.parse(
    await readFile(path.join(nabDir, 'labels', 'combined_windows.json'), 'utf8'),
  ) as Record<string, string[][]>;
  const sets: LabelledSet[] = [];
  for (const folder of await readdir(path.join(nabDir, 'data'))) {
    const dir = path.join(nabDir, 'data', folder);
    for (const file of await readdir(dir).catch(() => [] as string[])) {
      if (!file.endsWith('.csv')) continue;
      const raw = parseSeriesCsv(
        (await readFile(path.join(dir, file), 'utf8')).replace(/^(\d{4}-\d{2}-\d{2})[ T][^,]*/gm, '$1'),
        file,
      );
      const byDay = new Map<string, number[]>();
      for (const p of raw) byDay.set(p.date, [...(byDay.get(p.date) ?? []), p.value]);
      const points = [...byDay].map(([date, values]) => ({
        date,
        value: values.reduce((a, b) => a + b, 0) / values.length,
      }));
      if (points.length < 90) continue;
      const windows = (labels[`${folder}/${file}`] ?? []).map(([from, to]) => ({
        from: String(from).slice(0, 10),
        to: String(to).slice(0, 10),
      }));
      sets.push({ name: `${folder}/${file}`, points, anomalies: windows });
    }
  }
  return sets;
}
