/**
 * Which chart an answer deserves, as a vega-lite spec (pure: no rendering here).
 *   one number            → none (a KPI tile)
 *   a time series         → line (one line per value of a second dimension; dashed previous period)
 *   one category          → horizontal bar, sorted, labelled
 *   two categories        → grouped bars
 *   anything wider        → none (the table says it better)
 */
import type { TopLevelSpec } from 'vega-lite';
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import type { MetricFormat } from '../semantic-catalog/schema.ts';

export type ChartKind = 'line' | 'bar' | 'grouped-bar';

export interface ChartInput {
  title: string;
  subtitle?: string;
  fields: OutputColumn[];
  rows: unknown[][];
}

export interface ChartChoice {
  kind: ChartKind;
  spec: TopLevelSpec;
  alt: string;
}

export const CHART_FONT = 'DejaVu Sans';
const MAX_BARS = 25;
const PALETTE = ['#2563eb', '#f97316', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777'];

/** d3-format strings for axes and labels; percent metrics are already 0–100. */
function numberFormat(format: MetricFormat | undefined): string {
  switch (format) {
    case 'currency':
      return '$.3~s';
    case 'percent':
      return '.1f';
    case 'integer':
      return ',.3~s';
    default:
      return '.3~s';
  }
}

const config = {
  font: CHART_FONT,
  background: 'white',
  padding: 16,
  title: {
    fontSize: 18,
    fontWeight: 'bold',
    anchor: 'start',
    subtitleFontSize: 13,
    subtitleColor: '#555',
    offset: 12,
  },
  axis: {
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 'normal',
    gridColor: '#e5e7eb',
    domainColor: '#9ca3af',
  },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom', labelLimit: 320 },
  view: { stroke: null },
} as const;

/** What every chart shares: schema, title, size, look and inline data. */
function frame(
  title: { text: string; subtitle?: string },
  values: object[],
  width = 640,
  height: number | { step: number } = 320,
) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width,
    height,
    config,
    data: { values },
  };
}

export function chooseChart(input: ChartInput): ChartChoice | undefined {
  const time = input.fields.find((f) => f.role === 'time');
  const dimensions = input.fields.filter((f) => f.role === 'dimension');
  const metric = input.fields.find((f) => f.role === 'metric');
  if (!metric || input.rows.length === 0) return undefined;
  const index = (f: OutputColumn) => input.fields.indexOf(f);
  const title = { text: input.title, ...(input.subtitle ? { subtitle: input.subtitle } : {}) };
  const yFormat = numberFormat(metric.format);
  const percentSuffix = metric.format === 'percent' ? " + '%'" : '';
  const valueAxis = {
    title: metric.label,
    format: yFormat,
    labelExpr: `format(datum.value, '${yFormat}')${percentSuffix}`,
  };

  if (time && dimensions.length <= 1) {
    const series = dimensions[0];
    const previous = input.fields.find((f) => f.role === 'previous' && f.metric === metric.metric);
    // Months of a single year need no year on every label: the subtitle says it.
    const oneYear = new Set(input.rows.map((row) => String(row[index(time)]).slice(0, 4))).size === 1;
    const values = input.rows.flatMap((row) => {
      const t = String(row[index(time)]);
      const base = {
        t,
        label: timeLabel(t, time.name, oneYear),
        s: series ? String(row[index(series)]) : metric.label,
      };
      const points = [{ ...base, v: row[index(metric)] }];
      if (previous && !series) points.push({ ...base, s: previous.label, v: row[index(previous)] });
      return points;
    });
    const seriesCount = new Set(values.map((v) => v.s)).size;
    const daily = time.name === 'day' || time.name === 'week';
    const spec: TopLevelSpec = {
      ...frame(title, values),
      mark: { type: 'line', point: input.rows.length <= 40, strokeWidth: 2.5 },
      encoding: {
        // Calendar buckets are categories on the axis, so every label sits on its point.
        x: daily
          ? {
              field: 't',
              type: 'temporal',
              title: time.label,
              axis: { labelAngle: 0, format: '%d %b', formatType: 'utc' },
              scale: { type: 'utc' },
            }
          : {
              field: 'label',
              type: 'ordinal',
              title: time.label,
              sort: { field: 't' },
              axis: { labelAngle: new Set(values.map((v) => v.t)).size > 8 ? -40 : 0 },
            },
        y: { field: 'v', type: 'quantitative', axis: valueAxis },
        color: {
          field: 's',
          type: 'nominal',
          title: series?.label ?? null,
          scale: { range: PALETTE },
          legend: seriesCount > 1 ? {} : null,
        },
        strokeDash:
          previous && !series
            ? {
                field: 's',
                type: 'nominal',
                legend: null,
                scale: {
                  range: [
                    [1, 0],
                    [6, 4],
                  ],
                },
              }
            : { value: [1, 0] },
      },
    };
    return {
      kind: 'line',
      spec,
      alt: `Line chart of ${metric.label.toLowerCase()} by ${time.label.toLowerCase()}${series ? ` for each ${series.label.toLowerCase()}` : ''}, ${input.rows.length} points.`,
    };
  }

  if (!time && dimensions.length === 1) {
    const dim = dimensions[0] as OutputColumn;
    const values = input.rows
      .slice(0, MAX_BARS)
      .map((row) => ({ c: String(row[index(dim)]), v: row[index(metric)] }));
    const spec: TopLevelSpec = {
      ...frame(title, values, 560, { step: 28 }),
      encoding: {
        y: {
          field: 'c',
          type: 'nominal',
          title: null,
          sort: { field: 'v', order: 'descending' },
          axis: { labelLimit: 320, labelFontSize: 13 },
        },
        x: { field: 'v', type: 'quantitative', axis: valueAxis },
      },
      layer: [
        { mark: { type: 'bar', color: PALETTE[0], cornerRadiusEnd: 3 } },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 12, color: '#111827' },
          encoding: { text: { field: 'v', type: 'quantitative', format: yFormat } },
        },
      ],
    };
    const shown =
      values.length < input.rows.length
        ? `the top ${values.length} of ${input.rows.length}`
        : `${values.length}`;
    return {
      kind: 'bar',
      spec,
      alt: `Bar chart of ${metric.label.toLowerCase()} by ${dim.label.toLowerCase()}, ${shown} bars, largest first: ${values[0]?.c}.`,
    };
  }

  if (!time && dimensions.length === 2) {
    const [outer, inner] = dimensions as [OutputColumn, OutputColumn];
    const values = input.rows
      .slice(0, MAX_BARS * 4)
      .map((row) => ({ o: String(row[index(outer)]), i: String(row[index(inner)]), v: row[index(metric)] }));
    const spec: TopLevelSpec = {
      ...frame(title, values),
      mark: { type: 'bar', cornerRadiusEnd: 2 },
      encoding: {
        x: { field: 'o', type: 'nominal', title: outer.label, axis: { labelAngle: 0 } },
        xOffset: { field: 'i', type: 'nominal' },
        y: { field: 'v', type: 'quantitative', axis: valueAxis },
        color: { field: 'i', type: 'nominal', title: inner.label, scale: { range: PALETTE } },
      },
    };
    return {
      kind: 'grouped-bar',
      spec,
      alt: `Grouped bar chart of ${metric.label.toLowerCase()} by ${outer.label.toLowerCase()} and ${inner.label.toLowerCase()}.`,
    };
  }
  return undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mar 2026" ("Mar" within one year), "Q1 2026", "2026" for a bucket's first day. */
function timeLabel(date: string, grain: string, oneYear: boolean): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const year = oneYear ? '' : ` ${y}`;
  if (grain === 'year') return String(y);
  if (grain === 'quarter') return `Q${Math.floor((m - 1) / 3) + 1}${year}`;
  return `${MONTHS[m - 1]}${year}`;
}
