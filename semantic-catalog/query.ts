/** The semantic query: what a question asks, in catalog terms. The compiler turns it into SQL. */
import type { IsoDate } from './dates.ts';
import type { Grain } from './schema.ts';

export interface TimeRange {
  /** Inclusive. */
  from: IsoDate;
  /** Exclusive. */
  to: IsoDate;
  /** How the question said it: "last quarter". */
  label: string;
}

export interface SemanticQuery {
  metrics: string[];
  dimensions: string[];
  grain?: Grain;
  /** Values of one dimension are alternatives (OR); filters on different dimensions all apply (AND);
   * an excluding filter ("not from Partner") keeps every other member, blank ones included; a
   * matching one picks members by part of their text, as typed ("starts with J"); a `present` one
   * keeps the rows where the field has any value ("students who have declared a major"), or, with
   * `exclude`, where it has none (its `values` is [""]). */
  filters: {
    dimension: string;
    values: string[];
    exclude?: boolean;
    match?: 'prefix' | 'suffix' | 'contains' | 'present';
  }[];
  time?: TimeRange;
  compare?: { kind: 'previous_year' | 'previous_period'; range: TimeRange };
  /** By a metric, a field, or a metric's change against the compared period ("grew the most"). */
  order?: {
    by: 'metric' | 'dimension' | 'change';
    metric?: string;
    dimension?: string;
    direction: 'asc' | 'desc';
    /** By the length of the field's text ("ordered by the length of the name"), not the text. */
    length?: boolean;
  };
  limit?: number;
  /** "orders over $1,000" (each fact row), "customers with revenue over $1M" (each group). */
  conditions?: Condition[];
  /** Count the groups (each the first dimension's member) that meet the conditions, not their metric. */
  countGroups?: { name: string; label: string };
  /** "the average number of orders per customer": the metric taken for each member of this field,
   * then averaged over them (within each group of the other dimensions). */
  averageOver?: { dimension: string } | { grain: Grain };
  /** A list with no metric: the table its rows come from. */
  listFrom?: string;
  /** "the top customer in each region": the limit applies within each group of these output keys
   * (dimensions, or the time grain), not over every pair at once. */
  rankWithin?: string[];
  /** "cumulative revenue by month", "the 3-month moving average of orders": each time bucket's
   * value taken with the buckets before it (all of them from the range's start, or the last
   * `periods` including itself, counted back before the range when it needs them). */
  running?: Running;
  /** Show amounts in thousands, millions or billions. */
  unit?: Unit;
  /** "the ratio of A to B": this query's one metric (A) divided by another's (B), row by row on
   * the dimensions B shares; a B without dimensions is one total for every row (a share of it). */
  ratio?: { over: SemanticQuery /** "the percentage of …": shown out of 100. */; percent?: boolean };
}

export type Unit = 'thousand' | 'million' | 'billion';

export type Running = { kind: 'total' } | { kind: 'average'; periods: number };

export interface Condition {
  metric: string;
  level: 'row' | 'group';
  op: '>' | '>=' | '<' | '<=' | '=';
  value: number;
}
