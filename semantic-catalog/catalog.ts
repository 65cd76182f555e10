/**
 * Read-side helpers over a validated catalog: lookups, the join graph, and what an expression
 * refers to. Pure functions over plain data.
 */
import { type PgNode, parsePg, walk } from '../warehouse/pg-parser.ts';
import type {
  Catalog,
  ColumnDef,
  DimensionDef,
  DimensionSource,
  Grain,
  JoinDef,
  MetricDef,
  TableDef,
} from './schema.ts';

export function tableByName(catalog: Catalog, name: string): TableDef | undefined {
  return catalog.tables.find((t) => t.name === name);
}

export function tableByAlias(catalog: Catalog, alias: string): TableDef | undefined {
  return catalog.tables.find((t) => t.alias === alias);
}

export function columnOf(table: TableDef, name: string): ColumnDef | undefined {
  return table.columns.find((c) => c.name === name);
}

export function metricByName(catalog: Catalog, name: string): MetricDef | undefined {
  return catalog.metrics.find((m) => m.name === name);
}

export function dimensionByName(catalog: Catalog, name: string): DimensionDef | undefined {
  return catalog.dimensions.find((d) => d.name === name);
}

const METRIC_REF = /\{([a-z_][a-z0-9_]*)\}/g;

/** Names of the metrics a derived metric's expression refers to (`{revenue} / {orders}`). */
export function metricRefs(expression: string): string[] {
  return [...expression.matchAll(METRIC_REF)].map((m) => m[1] as string).filter((n) => n !== 'today');
}

export function isDerived(metric: MetricDef): boolean {
  return metric.table === undefined;
}

/** The base (table-bound) metrics a metric is computed from, itself if it is one. */
export function baseMetrics(catalog: Catalog, metric: MetricDef, seen = new Set<string>()): MetricDef[] {
  if (!isDerived(metric)) return [metric];
  if (seen.has(metric.name)) return [];
  seen.add(metric.name);
  return metricRefs(metric.expression).flatMap((name) => {
    const ref = metricByName(catalog, name);
    return ref ? baseMetrics(catalog, ref, seen) : [];
  });
}

/** The fact table a metric is computed on (derived metrics: that of their components). */
export function metricTable(catalog: Catalog, metric: MetricDef): TableDef | undefined {
  const name = baseMetrics(catalog, metric)[0]?.table;
  return name ? tableByName(catalog, name) : undefined;
}

/** What dates a metric's facts: a column of its table, or an SQL expression over the table's alias. */
export interface MetricTime {
  /** SQL over the fact table's alias, compiled wherever a time column would be: `o.order_date`. */
  sql: string;
  /** As the catalog says it: the column's name, or the expression. */
  declared: string;
  /** The finest grain the time is known to: `day` unless the catalog says coarser. */
  precision: Grain;
}

/** The metric's own time, else that of the base metric it is computed from; undefined when it has none. */
export function metricTime(catalog: Catalog, metric: MetricDef): MetricTime | undefined {
  const owner = [metric, ...baseMetrics(catalog, metric)].find(
    (m) => m.time_column !== undefined || m.time_expression !== undefined,
  );
  const table = owner ? metricTable(catalog, owner) : undefined;
  if (!owner || !table) return undefined;
  const precision = owner.time_precision ?? 'day';
  if (owner.time_column !== undefined)
    return { sql: `${table.alias}.${owner.time_column}`, declared: owner.time_column, precision };
  const expression = owner.time_expression as string;
  return { sql: `(${expression})`, declared: expression, precision };
}

/** What dates the metric, as the catalog declares it (a column's name or an expression); undefined when nothing does. */
export function metricTimeColumn(catalog: Catalog, metric: MetricDef): string | undefined {
  return metricTime(catalog, metric)?.declared;
}

/** `{today}` becomes a literal the parser accepts, metric references a number. */
function parsableExpression(expression: string): string {
  return expression.replaceAll('{today}', "'2000-01-01'::date").replace(METRIC_REF, '1');
}

/** Every `alias.column` an SQL expression mentions; an unqualified column has alias ''. */
export function expressionColumns(expression: string): { alias: string; column: string }[] {
  const tree = parsePg(`SELECT ${parsableExpression(expression)}`);
  const found: { alias: string; column: string }[] = [];
  walk(tree.stmts, (key: string, node: PgNode) => {
    if (key !== 'ColumnRef') return;
    const names = (node.fields as PgNode[]).map((f) => f.String?.sval ?? '*');
    found.push(names.length >= 2 ? { alias: names[0], column: names[1] } : { alias: '', column: names[0] });
  });
  return found;
}

/** Checks that an expression parses as one SQL expression; returns PostgreSQL's message if not. */
export function expressionSyntaxError(expression: string): string | undefined {
  try {
    const tree = parsePg(`SELECT ${parsableExpression(expression)}`);
    if (tree.stmts.length !== 1) return 'must be a single expression';
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The joins that lead from a fact table to another table, following many-to-one edges only, so a
 * join never multiplies the fact's rows. Shortest path; undefined when unreachable.
 */
export function joinPath(catalog: Catalog, from: string, to: string): JoinDef[] | undefined {
  if (from === to) return [];
  const queue: { table: string; path: JoinDef[] }[] = [{ table: from, path: [] }];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const { table, path } = queue.shift() as { table: string; path: JoinDef[] };
    for (const join of catalog.joins.filter((j) => j.from === table && !seen.has(j.to))) {
      const next = [...path, join];
      if (join.to === to) return next;
      seen.add(join.to);
      queue.push({ table: join.to, path: next });
    }
  }
  return undefined;
}

/** The source of a dimension that can be reached from the fact table, if any. */
export function reachableSource(
  catalog: Catalog,
  dimension: DimensionDef,
  factTable: string,
): { source: DimensionSource; joins: JoinDef[] } | undefined {
  let best: { source: DimensionSource; joins: JoinDef[] } | undefined;
  for (const source of dimension.sources) {
    const joins = joinPath(catalog, factTable, source.table);
    if (joins && (!best || joins.length < best.joins.length)) best = { source, joins };
  }
  return best;
}

/** The SQL expression of a dimension source over its table's alias. */
export function sourceExpression(catalog: Catalog, source: DimensionSource): string {
  const table = tableByName(catalog, source.table);
  if (source.expression) return source.expression;
  return `${table?.alias}.${source.column}`;
}

export function personalColumns(table: TableDef): ColumnDef[] {
  return table.columns.filter((c) => c.personal);
}
