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

/** Every name and phrase these entries answer to (lower case): what an added field must not take. */
export function namesInUse(entries: { name: string; label: string; synonyms: string[] }[]): Set<string> {
  return new Set(
    entries.flatMap((e) => [e.name, e.label.toLowerCase(), ...e.synonyms.map((s) => s.toLowerCase())]),
  );
}

/** How a path may go: `bridges` also crosses link tables backwards (see joinPath). */
export interface PathOptions {
  bridges?: boolean;
}

/**
 * The joins that lead from a fact table to another table, following many-to-one edges only, so a
 * join never multiplies the fact's rows. Shortest path; undefined when unreachable.
 *
 * With `bridges`, a path may also enter a link table from one of the tables it links (a
 * publication's rows in publication_domain, then their domains): that multiplies the fact's rows
 * by its links, so only aggregates that a repeated row can't change (distinct counts, minimum,
 * maximum, a list of distinct members) may ask for it.
 */
export function joinPath(
  catalog: Catalog,
  from: string,
  to: string,
  options: PathOptions = {},
): JoinDef[] | undefined {
  if (from === to) return [];
  const direct = shortestPath(catalog.joins, from, to).path;
  if (direct || !options.bridges) return direct;
  // Through link tables, two ways to the same table are two meanings ("authors in a domain" by
  // their own domain or by their publications'): neither is chosen.
  const linked = shortestPath([...catalog.joins, ...bridgeEntries(catalog)], from, to);
  return linked.only ? linked.path : undefined;
}

/**
 * A shortest path of joins from one table to another (breadth first), and whether it is the only
 * one; each table is kept once per level with how many ways lead to it.
 */
function shortestPath(joins: JoinDef[], from: string, to: string): { path?: JoinDef[]; only: boolean } {
  let level = new Map<string, { path: JoinDef[]; ways: number }>([[from, { path: [], ways: 1 }]]);
  const seen = new Set([from]);
  while (level.size > 0) {
    const next = new Map<string, { path: JoinDef[]; ways: number }>();
    for (const [table, { path, ways }] of level)
      for (const join of joins.filter((j) => j.from === table && !seen.has(j.to))) {
        const known = next.get(join.to);
        if (known) known.ways = Math.min(2, known.ways + ways);
        else next.set(join.to, { path: [...path, join], ways });
      }
    const arrived = next.get(to);
    if (arrived) return { path: arrived.path, only: arrived.ways === 1 };
    for (const table of next.keys()) seen.add(table);
    level = next;
  }
  return { only: false };
}

const bridgeCache = new WeakMap<Catalog, JoinDef[]>();

/**
 * Link tables entered backwards: a table whose columns are all keys of its own many-to-one joins,
 * two or more of them (publication_domain: pid → publication, did → domain), reached from each
 * table it links.
 */
function bridgeEntries(catalog: Catalog): JoinDef[] {
  const cached = bridgeCache.get(catalog);
  if (cached) return cached;
  const entries: JoinDef[] = [];
  for (const table of catalog.tables) {
    const out = catalog.joins.filter((j) => j.from === table.name);
    const keys = new Set(out.flatMap((j) => j.on.map(([column]) => column)));
    if (out.length < 2 || !table.columns.every((c) => keys.has(c.name))) continue;
    for (const join of out)
      entries.push({
        from: join.to,
        to: table.name,
        on: join.on.map(([a, b]) => [b, a] as [string, string]),
      });
  }
  bridgeCache.set(catalog, entries);
  return entries;
}

/** A count of rows or of things (COUNT(…), distinct or not): what "how many" asks for. */
export function isCount(metric: MetricDef): boolean {
  return /^\s*count\s*\(/i.test(metric.expression);
}

/** A sum or a count over the metric's table: what adds up, and is zero where nothing is recorded. */
export function sumsOrCounts(metric: MetricDef): boolean {
  return !!metric.table && /^\s*(sum|count)\s*\(/i.test(metric.expression);
}

/** Aggregates a repeated fact row can't change: what may be computed through a link table. */
export function unchangedByRepeats(catalog: Catalog, metric: MetricDef): boolean {
  return baseMetrics(catalog, metric).every((m) => {
    // Every aggregate in it: a minimum, a maximum, or over DISTINCT values.
    const calls = [...m.expression.matchAll(/\b(sum|count|avg|min|max)\s*\(\s*(distinct\b)?/gi)];
    return (
      calls.length > 0 && calls.every(([, fn, distinct]) => /^(min|max)$/i.test(fn as string) || !!distinct)
    );
  });
}

/** The source of a dimension that can be reached from the fact table, if any. */
export function reachableSource(
  catalog: Catalog,
  dimension: DimensionDef,
  factTable: string,
  options: PathOptions = {},
): { source: DimensionSource; joins: JoinDef[] } | undefined {
  let best: { source: DimensionSource; joins: JoinDef[] } | undefined;
  for (const source of dimension.sources) {
    const joins = joinPath(catalog, factTable, source.table, options);
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
