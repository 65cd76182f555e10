/**
 * A time series as a line: one line per value of a second dimension, or the period asked against
 * the period compared, each named by its period ("Revenue 2026", "Revenue 2025"). A bucket that is
 * not over (this month so far) is joined by a dashed segment and named "… to date" in the legend, so
 * it is not read as a full period that fell.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import type { IsoDate, Period } from '../semantic-catalog/dates.ts';
import { memberName } from '../semantic-catalog/members.ts';
import { columnPeriodName } from '../semantic-catalog/period-words.ts';
import { type ChartSize, frame, PALETTE } from './frame.ts';
import { isGrain, isPartialBucket, isPartialComparedBucket } from './periods.ts';
import { bucketLabel, dateTicks, maxDateTicks, thinLabels } from './time-axis.ts';
import type { ChartChoice, ChartInput } from './types.ts';
import { unitLabelExpr } from './units.ts';

export interface LineFields {
  time: OutputColumn;
  series?: OutputColumn;
  metric: OutputColumn;
  previous?: OutputColumn;
}

interface Point {
  t: IsoDate;
  x: number;
  label: string;
  s: string;
  v: unknown;
  part: string;
}

const COMPLETE = 'complete';
const SOLID = [1, 0];
const DASHED = [5, 4];

/** "Jun 2026 to date", "week of 8 Jun to date", "15 Jun so far". */
function partialName(date: IsoDate, grain: Period): string {
  const label = bucketLabel(date, grain);
  if (grain === 'day') return `${label} so far`;
  return grain === 'week' ? `week of ${label} to date` : `${label} to date`;
}

export function lineChart(input: ChartInput, size: ChartSize, fields: LineFields): ChartChoice {
  const { time, series, metric, previous } = fields;
  const at = (f: OutputColumn) => input.fields.indexOf(f);
  const grain: Period = isGrain(time.name) ? time.name : 'day';
  const period = input.period;
  // Named as the table's columns are, so two weeks of one month are told apart ("9–15 Nov 2026").
  const current =
    previous && period?.range
      ? `${metric.label} ${columnPeriodName(period.range, period.compared)}`
      : metric.label;
  const before =
    previous && period?.compared
      ? `${metric.label} ${columnPeriodName(period.compared, period.range)}`
      : previous?.label;

  const partialDates = new Set<IsoDate>();
  const points: Point[] = input.rows.flatMap((row) => {
    const t = String(row[at(time)]);
    const base = { t, x: Date.parse(t), label: bucketLabel(t, grain) };
    const partial = isPartialBucket(t, grain, period);
    if (partial) partialDates.add(t);
    const own = series ? memberName(row[at(series)]) : current;
    const out: Point[] = [{ ...base, s: own, v: row[at(metric)], part: partial ? 'partial' : COMPLETE }];
    if (previous && before && !series) {
      const cut = isPartialComparedBucket(t, grain, period);
      out.push({ ...base, s: before, v: row[at(previous)], part: cut ? 'partial' : COMPLETE });
    }
    return out;
  });
  const lastPartial = [...partialDates].sort().at(-1);
  const dashName = lastPartial ? partialName(lastPartial, grain) : undefined;
  const values = dashName ? joinPartialSegments(points, dashName) : points;
  const names = [...new Set(points.map((p) => p.s))];
  const dates = [...new Set(points.map((p) => p.t))].sort();

  const spec: TopLevelSpec = {
    ...frame(size, titleOf(input), values),
    mark: { type: 'line', point: input.rows.length <= 40, strokeWidth: 2.5 },
    encoding: {
      x: xEncoding(grain, dates, time.label, size),
      y: {
        field: 'v',
        type: 'quantitative',
        axis: { title: metric.label, labelExpr: unitLabelExpr(metric.format, 'datum.value') },
      },
      color: {
        field: 's',
        type: 'nominal',
        title: series?.label ?? null,
        scale: { domain: names, range: PALETTE },
        legend: names.length > 1 ? {} : null,
      },
      strokeDash: dashName
        ? {
            field: 'part',
            type: 'nominal',
            title: null,
            scale: { domain: [COMPLETE, dashName], range: [SOLID, DASHED] },
            legend: {
              values: [dashName],
              // Above the plot: beside the series legend at the bottom it ran off a card.
              orient: 'top',
              symbolType: 'stroke',
              symbolSize: 400,
              // A fill colour keeps vega-lite from painting this line symbol's stroke transparent.
              symbolFillColor: 'transparent',
              symbolStrokeColor: '#4b5563',
              symbolStrokeWidth: 2.5,
            },
          }
        : { value: SOLID },
    },
  };
  const over = series ? ` for each ${series.label.toLowerCase()}` : before ? `, against ${before}` : '';
  return {
    kind: 'line',
    spec,
    alt: `Line chart of ${metric.label.toLowerCase()} by ${time.label.toLowerCase()}${over}, ${input.rows.length} points${dashName ? `; the last, ${dashName}, is not a full ${grain}` : ''}.`,
  };
}

/**
 * A partial point and the point before it form their own dashed line; the rest of the series
 * stays solid. The partial point's label names the period so far (the legend explains the dash).
 */
function joinPartialSegments(points: Point[], dashName: string): Point[] {
  const out: Point[] = [];
  for (const name of new Set(points.map((p) => p.s))) {
    const own = points.filter((p) => p.s === name).sort((a, b) => a.x - b.x);
    own.forEach((point, i) => {
      const before = own[i - 1];
      if (point.part === COMPLETE) out.push(point);
      else {
        if (before && before.part === COMPLETE) out.push({ ...before, part: dashName });
        out.push({ ...point, part: dashName });
      }
    });
  }
  return out;
}

function titleOf(input: ChartInput) {
  return { text: input.title, ...(input.subtitle ? { subtitle: input.subtitle } : {}) };
}

/** Days and weeks on a time scale with chosen ticks; months and longer as one label per bucket. */
function xEncoding(grain: Period, dates: IsoDate[], title: string, size: ChartSize) {
  if (grain === 'day' || grain === 'week') {
    // A card's plot is its width less the y axis and padding; the full image's plot is its width.
    const plot = size.fit ? size.width - 100 : size.width;
    const ticks = dateTicks(dates, grain, maxDateTicks(plot, size.font));
    const ms = ticks.dates.map((d) => Date.parse(d));
    return {
      field: 'x',
      type: 'temporal' as const,
      title,
      scale: { type: 'utc' as const },
      axis: {
        values: ms,
        labelAngle: 0,
        // The ticks are already spaced for their labels; vega's overlap check hid every other one.
        labelOverlap: false,
        // A temporal axis hands labelExpr a Date: time() makes it the number the ticks are.
        labelExpr: `${JSON.stringify(ticks.labels)}[indexof(${JSON.stringify(ms)}, time(datum.value))]`,
      },
    };
  }
  const labels = dates.map((d) => bucketLabel(d, grain));
  // Upright while the labels fit side by side (about 0.6 em a character, plus a gap); slanted beyond.
  const longest = Math.max(...labels.map((l) => l.length));
  const fits = labels.length * (0.6 * size.font * longest + 10) <= size.width - 90;
  return {
    field: 'label',
    type: 'ordinal' as const,
    title,
    sort: labels,
    axis: {
      labelAngle: fits ? 0 : -40,
      ...(labels.length > 24 ? { values: thinLabels(labels, 12) } : {}),
    },
  };
}
