/** What a chart is chosen from, and what the choice is: plain data shared by the chart builders. */
import type { TopLevelSpec } from 'vega-lite';
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import type { ChartPeriod } from './periods.ts';

export type ChartKind = 'line' | 'bar' | 'grouped-bar';

export interface ChartInput {
  title: string;
  subtitle?: string;
  fields: OutputColumn[];
  rows: unknown[][];
  /** The range asked and compared, and today: names the periods and finds one not over yet. */
  period?: ChartPeriod;
}

export interface ChartChoice {
  kind: ChartKind;
  spec: TopLevelSpec;
  alt: string;
}
