/**
 * Which chart an answer deserves, as a vega-lite spec (pure: no rendering here).
 *   one number            → none (a KPI tile)
 *   a time series         → line (line.ts: one line per value of a second dimension, or the
 *                           period asked against the period compared; a period not over is dashed)
 *   one category          → horizontal bar, sorted, labelled
 *   two categories        → grouped bars
 *   anything wider        → none (the table says it better)
 * Every number carries the metric's unit (units.ts); the size is the full image's or the card's (frame.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import { memberName, NO_MEMBER } from '../semantic-catalog/members.ts';
import { type ChartSize, FULL_SIZE, frame, PALETTE } from './frame.ts';
import { lineChart } from './line.ts';
import type { ChartChoice, ChartInput } from './types.ts';
import { unitLabelExpr } from './units.ts';

export { CARD_SIZE, CHART_FONT, type ChartSize, FULL_SIZE } from './frame.ts';
export type { ChartPeriod } from './periods.ts';
export type { ChartChoice, ChartInput, ChartKind } from './types.ts';

const MAX_BARS = 25;

export function chooseChart(input: ChartInput, size: ChartSize = FULL_SIZE): ChartChoice | undefined {
  const time = input.fields.find((f) => f.role === 'time');
  const dimensions = input.fields.filter((f) => f.role === 'dimension');
  const metric = input.fields.find((f) => f.role === 'metric');
  if (!metric || input.rows.length === 0) return undefined;
  if (time && dimensions.length <= 1) {
    const previous = input.fields.find((f) => f.role === 'previous' && f.metric === metric.metric);
    return lineChart(input, size, { time, series: dimensions[0], metric, previous });
  }
  if (!time && dimensions.length === 1) return barChart(input, size, dimensions[0] as OutputColumn, metric);
  if (!time && dimensions.length === 2)
    return groupedBarChart(input, size, dimensions as [OutputColumn, OutputColumn], metric);
  return undefined;
}

function titleOf(input: ChartInput) {
  return { text: input.title, ...(input.subtitle ? { subtitle: input.subtitle } : {}) };
}

function valueAxis(metric: OutputColumn) {
  return { title: metric.label, labelExpr: unitLabelExpr(metric.format, 'datum.value') };
}

function barChart(input: ChartInput, size: ChartSize, dim: OutputColumn, metric: OutputColumn): ChartChoice {
  const at = (f: OutputColumn) => input.fields.indexOf(f);
  const values = input.rows
    .slice(0, MAX_BARS)
    .map((row) => ({ c: memberName(row[at(dim)]), v: row[at(metric)] }));
  const spec: TopLevelSpec = {
    ...frame(size, titleOf(input), values, { step: 28 }),
    transform: [{ calculate: unitLabelExpr(metric.format, 'datum.v'), as: 'text' }],
    encoding: {
      y: {
        field: 'c',
        type: 'nominal',
        title: null,
        sort: { field: 'v', order: 'descending' },
        axis: { labelLimit: size.labelLimit, labelFontSize: size.font + 1 },
      },
      x: { field: 'v', type: 'quantitative', axis: valueAxis(metric) },
    },
    layer: [
      { mark: { type: 'bar', color: PALETTE[0], cornerRadiusEnd: 3 } },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: size.font, color: '#111827' },
        encoding: { text: { field: 'text', type: 'nominal' } },
      },
    ],
  };
  const shown =
    values.length < input.rows.length
      ? `the top ${values.length} of ${input.rows.length}`
      : `${values.length}`;
  // The bars are sorted largest first whatever order the rows came in ("lowest … by …" is ascending).
  const first = values.reduce<(typeof values)[number] | undefined>(
    (best, x) => (!best || (x.v as number) > (best.v as number) ? x : best),
    undefined,
  )?.c;
  const largest = first === NO_MEMBER ? `no ${dim.label.toLowerCase()} recorded` : first;
  return {
    kind: 'bar',
    spec,
    alt: `Bar chart of ${metric.label.toLowerCase()} by ${dim.label.toLowerCase()}, ${shown} bars, largest first: ${largest}.`,
  };
}

function groupedBarChart(
  input: ChartInput,
  size: ChartSize,
  [outer, inner]: [OutputColumn, OutputColumn],
  metric: OutputColumn,
): ChartChoice {
  const at = (f: OutputColumn) => input.fields.indexOf(f);
  const values = input.rows
    .slice(0, MAX_BARS * 4)
    .map((row) => ({ o: memberName(row[at(outer)]), i: memberName(row[at(inner)]), v: row[at(metric)] }));
  const spec: TopLevelSpec = {
    ...frame(size, titleOf(input), values),
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      x: { field: 'o', type: 'nominal', title: outer.label, axis: { labelAngle: 0 } },
      xOffset: { field: 'i', type: 'nominal' },
      y: { field: 'v', type: 'quantitative', axis: valueAxis(metric) },
      color: { field: 'i', type: 'nominal', title: inner.label, scale: { range: PALETTE } },
    },
  };
  return {
    kind: 'grouped-bar',
    spec,
    alt: `Grouped bar chart of ${metric.label.toLowerCase()} by ${outer.label.toLowerCase()} and ${inner.label.toLowerCase()}.`,
  };
}
