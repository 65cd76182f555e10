/**
 * Replays an alert definition over history: the metric's daily series (and one per slice value)
 * from the warehouse through the gate and the read-only executor, judged day by day.
 */

import { compile } from '../semantic-catalog/compile.ts';
import { addDays, daysBetween, type IsoDate } from '../semantic-catalog/dates.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Executor } from '../warehouse/executor.ts';
import { checkSql } from '../warehouse/gate.ts';
import type { AlertDefinition } from './definitions.ts';
import { type Judgement, judgeAll, type Point } from './detector.ts';

export interface AlertHit extends Judgement {
  alert: string;
  metric: string;
  /** "region = APAC", or "total". */
  slice: string;
}

/** History the detector sees before the first day judged. */
const HISTORY_DAYS = 400;

export interface WarehouseAccess {
  catalog: Catalog;
  executor: Executor;
  maxRows: number;
}

export async function dailySeries(
  access: WarehouseAccess,
  query: SemanticQuery,
  today: IsoDate,
): Promise<Map<string, Point[]>> {
  const compiled = compile(query, access.catalog, today);
  const verdict = checkSql(compiled.sql, access.catalog, { maxRows: access.maxRows });
  if (!verdict.ok) throw new Error(`the alert's query was refused by the gate: ${verdict.reason}`);
  const result = await access.executor.run(verdict.sql);
  const dayIndex = compiled.columns.findIndex((c) => c.role === 'time');
  const sliceIndex = compiled.columns.findIndex((c) => c.role === 'dimension');
  const valueIndex = compiled.columns.findIndex((c) => c.role === 'metric');
  const bySlice = new Map<string, Map<string, number>>();
  for (const row of result.rows) {
    const slice = sliceIndex >= 0 ? String(row[sliceIndex]) : 'total';
    const values = bySlice.get(slice) ?? new Map<string, number>();
    values.set(String(row[dayIndex]), Number(row[valueIndex] ?? 0));
    bySlice.set(slice, values);
  }
  // Days without rows are zero, not missing: an outage must look like one.
  const from = query.time?.from as IsoDate;
  const days = daysBetween(from, query.time?.to as IsoDate);
  const series = new Map<string, Point[]>();
  for (const [slice, values] of bySlice) {
    const points = Array.from({ length: days }, (_, i) => {
      const date = addDays(from, i);
      return { date, value: values.get(date) ?? 0 };
    });
    // Before its first day with data a series hasn't started; those zeros aren't history.
    const first = points.findIndex((p) => p.value !== 0);
    series.set(slice, first < 0 ? [] : points.slice(first));
  }
  return series;
}

/**
 * Judges the alert's daily series — the total and one per slice value — from HISTORY_DAYS before
 * `from` to `to`; keyed "total" or "region = APAC".
 */
export async function judgeSeries(
  access: WarehouseAccess,
  alert: AlertDefinition,
  from: IsoDate,
  to: IsoDate,
  sensitivity = alert.sensitivity,
): Promise<Map<string, (Judgement & { flagged: boolean })[]>> {
  const time = { from: addDays(from, -HISTORY_DAYS), to: addDays(to, 1), label: alert.name };
  const judged = new Map<string, (Judgement & { flagged: boolean })[]>();
  for (const slice of [undefined, ...alert.slices]) {
    const query: SemanticQuery = {
      metrics: [alert.metric],
      dimensions: slice ? [slice] : [],
      filters: [],
      grain: 'day',
      time,
    };
    for (const [value, points] of await dailySeries(access, query, to)) {
      judged.set(slice ? `${slice} = ${value}` : 'total', judgeAll(points, { sensitivity }));
    }
  }
  return judged;
}

/** What the alert would have flagged from `from` to `to`, in date order. */
export async function backtest(
  access: WarehouseAccess,
  alert: AlertDefinition,
  from: IsoDate,
  to: IsoDate,
  sensitivity = alert.sensitivity,
): Promise<AlertHit[]> {
  const hits: AlertHit[] = [];
  for (const [slice, judgements] of await judgeSeries(access, alert, from, to, sensitivity)) {
    for (const { flagged, ...judgement } of judgements) {
      if (flagged && judgement.date >= from && judgement.date <= to)
        hits.push({ ...judgement, alert: alert.name, metric: alert.metric, slice });
    }
  }
  return hits.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
