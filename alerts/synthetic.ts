/**
 * Synthetic daily business series with labelled anomalies, for tests and benchmarks: weekly and
 * yearly seasonality, trend, 3–10% noise, spikes, dips, multi-day level shifts and zero-value outages.
 */
import { Random } from '../warehouse/demo/random.ts';
import type { Point } from './detector.ts';
import type { Window } from './scoring.ts';

export interface LabelledSeries {
  name: string;
  points: Point[];
  anomalies: Window[];
}

export function syntheticSeries(seed: number, days = 730): LabelledSeries {
  const rng = new Random(seed);
  const base = 1000 * (1 + rng.next() * 50);
  const noise = 0.03 + rng.next() * 0.07;
  const growth = (rng.next() * 0.5 - 0.1) / 365;
  const weekly = [1.1, 1.12, 1.1, 1.08, 1.0, 0.6 + rng.next() * 0.2, 0.5 + rng.next() * 0.2];
  const yearlyAmplitude = rng.next() * 0.25;
  const start = Date.UTC(2024, 0, 1);
  const values: number[] = [];
  for (let t = 0; t < days; t++) {
    const season = 1 + yearlyAmplitude * Math.sin((2 * Math.PI * (t - 250)) / 365);
    values.push(base * (1 + growth * t) * (weekly[t % 7] as number) * season * (1 + noise * rng.normal()));
  }
  const anomalies: Window[] = [];
  const taken = new Set<number>();
  const place = (length: number) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const at = 120 + Math.floor(rng.next() * (days - 130));
      let free = true;
      for (let d = at - 14; d < at + length + 14; d++) if (taken.has(d)) free = false;
      if (free) {
        for (let d = at; d < at + length; d++) taken.add(d);
        return at;
      }
    }
    return -1;
  };
  const date = (t: number) => new Date(start + t * 86_400_000).toISOString().slice(0, 10);
  const kinds = ['spike', 'dip', 'shift', 'outage'] as const;
  const count = 3 + Math.floor(rng.next() * 4);
  for (let k = 0; k < count; k++) {
    const kind = kinds[Math.floor(rng.next() * kinds.length)] as (typeof kinds)[number];
    const length =
      kind === 'shift'
        ? 5 + Math.floor(rng.next() * 10)
        : kind === 'outage'
          ? 1 + Math.floor(rng.next() * 3)
          : 1;
    const at = place(length);
    if (at < 0) continue;
    const size =
      kind === 'spike'
        ? 1.6 + rng.next() * 2
        : kind === 'dip'
          ? 0.25 + rng.next() * 0.3
          : kind === 'shift'
            ? rng.next() < 0.5
              ? 0.55
              : 1.5
            : 0;
    for (let d = at; d < at + length; d++) values[d] = (values[d] as number) * size;
    anomalies.push({ from: date(at), to: date(at + length - 1) });
  }
  return {
    name: `synthetic-${seed}`,
    points: values.map((value, t) => ({ date: date(t), value })),
    anomalies,
  };
}
