/**
 * An anomaly, told to a person: what happened in one sentence, a chart of the recent days with the
 * expected band and the day highlighted, and the likely drivers (the slice values that explain most
 * of the deviation). The actions Acknowledge / Snooze / Not an anomaly come with the scheduler that
 * posts alerts and keeps their state.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT } from '../charts/choose.ts';
import { formatDay } from '../semantic-catalog/dates.ts';
import type { MetricFormat } from '../semantic-catalog/schema.ts';
import { formatValue } from '../skills/format.ts';
import type { Reply } from '../skills/reply.ts';
import type { Judgement } from './detector.ts';

export interface SliceJudgement {
  /** "department = Operations". */
  slice: string;
  value: number;
  expected: number;
}

export interface Driver {
  slice: string;
  deviation: number;
  /** Share of the total deviation this slice explains, 0–1. */
  share: number;
}

/** The slices whose deviation points the same way as the total's, largest first. */
export function drivers(total: Judgement, slices: SliceJudgement[], max = 3): Driver[] {
  const deviation = total.value - total.expected;
  if (deviation === 0) return [];
  return slices
    .map((s) => ({
      slice: s.slice,
      deviation: s.value - s.expected,
      share: (s.value - s.expected) / deviation,
    }))
    .filter((d) => d.share > 0.1)
    .sort((a, b) => b.share - a.share)
    .slice(0, max);
}

export function anomalySentence(label: string, judgement: Judgement, format: MetricFormat): string {
  const value = formatValue(judgement.value, format);
  const expected = formatValue(judgement.expected, format);
  const ratio = judgement.expected > 0 ? judgement.value / judgement.expected : Number.POSITIVE_INFINITY;
  const size =
    ratio >= 1.5 && Number.isFinite(ratio)
      ? `${ratio.toFixed(1)}× the expected ${expected}`
      : `${Math.abs(100 * (ratio - 1)).toFixed(0)}% ${judgement.direction === 'up' ? 'above' : 'below'} the expected ${expected}`;
  return `${label} on ${formatDay(judgement.date)} was ${value}, ${size}.`;
}

/** The recent days as a line, the expected band shaded, the anomalous day marked. */
export function anomalyChartSpec(label: string, recent: Judgement[], day: string): TopLevelSpec {
  const values = recent.map((j) => ({
    date: j.date,
    value: j.value,
    low: j.low,
    high: j.high,
    flagged: j.date === day,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${label}, last ${recent.length} days`, subtitle: 'shaded: the expected range' },
    width: 640,
    height: 280,
    config: {
      font: CHART_FONT,
      background: 'white',
      padding: 16,
      title: { fontSize: 18, anchor: 'start', subtitleColor: '#555' },
      view: { stroke: null },
    },
    data: { values },
    encoding: {
      x: {
        field: 'date',
        type: 'temporal',
        title: null,
        axis: { format: '%d %b', formatType: 'utc', labelAngle: 0 },
        scale: { type: 'utc' },
      },
    },
    layer: [
      {
        mark: { type: 'area', color: '#bfdbfe', opacity: 0.7 },
        encoding: {
          y: { field: 'low', type: 'quantitative', title: label, axis: { format: '.3~s' } },
          y2: { field: 'high' },
        },
      },
      {
        mark: { type: 'line', color: '#2563eb', strokeWidth: 2 },
        encoding: { y: { field: 'value', type: 'quantitative' } },
      },
      {
        transform: [{ filter: 'datum.flagged' }],
        mark: { type: 'point', filled: true, size: 160, color: '#dc2626' },
        encoding: { y: { field: 'value', type: 'quantitative' } },
      },
    ],
  };
}

export function alertReply(options: {
  alert: string;
  label: string;
  format: MetricFormat;
  judgement: Judgement;
  drivers: Driver[];
  chart?: { url: string; alt: string; title: string };
}): Reply {
  const { judgement, format } = options;
  const driverLines = options.drivers.map(
    (d) =>
      `${d.slice}: ${d.deviation >= 0 ? '+' : ''}${formatValue(d.deviation, format)} (${Math.round(100 * d.share)}% of the difference)`,
  );
  return {
    status: 'answer',
    question: `alert ${options.alert} ${judgement.date}`,
    summary: anomalySentence(options.label, judgement, format),
    kpis: [
      {
        label: options.label,
        value: formatValue(judgement.value, format),
        delta: `expected ${formatValue(judgement.expected, format)} (range ${formatValue(judgement.low, format)}–${formatValue(judgement.high, format)})`,
        direction: judgement.direction,
      },
    ],
    chart: options.chart,
    context: driverLines.length > 0 ? [`Likely drivers — ${driverLines.join('; ')}`] : [],
    choices: [],
    actions: [],
  };
}
