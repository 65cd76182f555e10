/**
 * The catalog format: one zod schema per entity. A catalog describes a warehouse in business
 * terms; the question parser, the SQL compiler, the gate and the grants all read it, so nothing
 * about a particular warehouse lives in code.
 *
 * SQL expressions (metric expressions, filters, dimension expressions) refer to columns through
 * the table aliases declared here, e.g. `SUM(o.amount)`; `{today}` stands for the clock's date.
 */
import { z } from 'zod';
import { accessSchema } from './access-schema.ts';
import { namedFilterSchema } from './named-filters.ts';

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be lower_snake_case');
const qualifiedTable = z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be schema.table');
const words = z.array(z.string().min(1)).default([]);

export const columnSchema = z.strictObject({
  name: identifier,
  type: z.string().min(1),
  description: z.string().default(''),
  synonyms: words,
  sample_values: z.array(z.union([z.string(), z.number()])).default([]),
  /** Personal data: never selected, filtered on, aggregated or granted to the read-only role. */
  personal: z.boolean().default(false),
  /** Hidden from questions and listings, but usable in joins and metric definitions. */
  hidden: z.boolean().default(false),
});

export const tableSchema = z.strictObject({
  name: qualifiedTable,
  alias: identifier,
  description: z.string().default(''),
  synonyms: words,
  columns: z.array(columnSchema).min(1),
});

export const joinSchema = z.strictObject({
  /** The many side (e.g. orders) … */
  from: qualifiedTable,
  /** … and the one side (e.g. customers): following joins from a fact never multiplies its rows. */
  to: qualifiedTable,
  on: z.array(z.tuple([identifier, identifier])).min(1),
});

export const formatSchema = z.enum(['currency', 'number', 'percent', 'integer']);
export const grainSchema = z.enum(['day', 'week', 'month', 'quarter', 'year']);

export const metricSchema = z
  .strictObject({
    name: identifier,
    label: z.string().min(1),
    description: z.string().default(''),
    synonyms: words,
    /** An aggregate over `table` (`SUM(o.amount)`), or an expression of other metrics (`{revenue} / {orders}`). */
    expression: z.string().min(1),
    table: qualifiedTable.optional(),
    filters: z.array(z.string().min(1)).default([]),
    /** The date or timestamp column the facts happen at. */
    time_column: identifier.optional(),
    /**
     * When no column holds it: the time as an SQL expression over the table's alias, compiled in
     * place of a column — `TIMESTAMP 'epoch' + f.departure_time * INTERVAL '1 second'` (Unix
     * seconds), `to_date(r.year || ' ' || r.month, 'YYYY Month')` (a year and a month name).
     */
    time_expression: z.string().min(1).optional(),
    /**
     * How finely the time is known (default `day`): `month` when the facts carry only a year and a
     * month. Grains and periods that cut through one of these are refused, never answered.
     */
    time_precision: grainSchema.optional(),
    /** What one fact row is worth (an order's amount), for conditions like "orders over $1,000". */
    row_value: z.string().optional(),
    format: formatSchema.default('number'),
    /** A count as of today (headcount), not something that happens in a period: no time filters or grains. */
    snapshot: z.boolean().default(false),
    /** Whether more is better; used for wording and alerts. */
    higher_is_better: z.boolean().default(true),
  })
  .refine((m) => m.table !== undefined || /\{[a-z_]+\}/.test(m.expression), {
    message: 'a metric needs a table, unless its expression is made of other metrics ({name})',
  });

export const dimensionSourceSchema = z.strictObject({
  table: qualifiedTable,
  /** A column of the table, or an SQL expression over its alias. */
  column: identifier.optional(),
  expression: z.string().optional(),
  /** A column that identifies a member when labels repeat (customers with the same name). */
  key: identifier.optional(),
});

export const dimensionSchema = z.strictObject({
  name: identifier,
  label: z.string().min(1),
  description: z.string().default(''),
  synonyms: words,
  /** The same business concept may live in several tables (department on cost centers and on employees). */
  sources: z.array(dimensionSourceSchema).min(1),
  /** Learn the values from the warehouse so a question can filter by them ("EMEA", "hardware"). */
  values: z.enum(['learn', 'none']).default('none'),
  sample_values: z.array(z.string()).default([]),
  /** Other names of values: United States: [US, USA]. */
  value_synonyms: z.record(z.string(), z.array(z.string())).default({}),
});

export const verifiedQuestionSchema = z.strictObject({
  question: z.string().min(1),
  note: z.string().optional(),
  /** Verified in chat: the semantic query it is answered with, by whom and on which day. */
  query: z.record(z.string(), z.unknown()).optional(),
  verified_by: z.string().optional(),
  verified_on: z.string().optional(),
});

export const catalogSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  /** What the catalog's time grains may be called. */
  grains: z.array(grainSchema).default(['day', 'week', 'month', 'quarter', 'year']),
  /** The metric a ranking means when it names none ("top 5 customers"). */
  default_metric: identifier.optional(),
  tables: z.array(tableSchema).min(1),
  joins: z.array(joinSchema).default([]),
  metrics: z.array(metricSchema).min(1),
  dimensions: z.array(dimensionSchema).default([]),
  verified_questions: z.array(verifiedQuestionSchema).default([]),
  /** Words that stand for one value of a field (named-filters.ts). */
  named_filters: z.array(namedFilterSchema).optional(),
  /** Who may see what (access-schema.ts); absent, everyone sees everything the catalog allows. */
  access: accessSchema.optional(),
});

export type Catalog = z.infer<typeof catalogSchema>;
export type TableDef = z.infer<typeof tableSchema>;
export type ColumnDef = z.infer<typeof columnSchema>;
export type JoinDef = z.infer<typeof joinSchema>;
export type MetricDef = z.infer<typeof metricSchema>;
export type DimensionDef = z.infer<typeof dimensionSchema>;
export type DimensionSource = z.infer<typeof dimensionSourceSchema>;
export type Grain = z.infer<typeof grainSchema>;
export type MetricFormat = z.infer<typeof formatSchema>;
