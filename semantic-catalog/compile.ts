/**
 * Semantic query → SQL, through the catalog's join graph. Identifiers come from the catalog,
 * values from the catalog's known values, dates from the clock: never text from the question.
 *
 *   group metrics by (fact table, filters) → one aggregate per group and period
 *   → single SELECT, or CTEs joined on the dimensions (several facts, comparisons)
 */
import {
  baseMetrics,
  dimensionByName,
  expressionColumns,
  isDerived,
  joinPath,
  metricByName,
  metricRefs,
  metricTime,
  reachableSource,
  sourceExpression,
  sumsOrCounts,
  tableByAlias,
  tableByName,
  unchangedByRepeats,
} from './catalog.ts';
import { compileAverageOver, rankWithinGroups } from './compile-average.ts';
import { compileRatio } from './compile-ratio.ts';
import { compileRunning } from './compile-running.ts';
import type { IsoDate } from './dates.ts';
import { labelKey } from './key-dimensions.ts';
import type { SemanticQuery, TimeRange } from './query.ts';
import { sideWords, upperFirst } from './restate.ts';
import type { Catalog, JoinDef, MetricDef, MetricFormat, TableDef } from './schema.ts';
import { timePrecisionProblem } from './time-precision.ts';

export interface OutputColumn {
  name: string;
  role: 'dimension' | 'time' | 'metric' | 'scaled' | 'previous' | 'change';
  label: string;
  format?: MetricFormat;
  metric?: string;
  /** A plain SUM or COUNT: its values add up, so a share of the total means something. */
  additive?: boolean;
}

/** One SUM(…) or COUNT(…) (not DISTINCT) and nothing around it: averages, ratios and distinct counts don't add up. */
export function isAdditive(metric: MetricDef): boolean {
  return !!metric.table && ADDITIVE.test(metric.expression);
}

const ADDITIVE = /^\s*(sum|count)\s*\((?!\s*distinct)(?:[^()]|\([^()]*\))*\)\s*$/i;

export interface CompiledQuery {
  sql: string;
  columns: OutputColumn[];
}

export class CompileError extends Error {
  readonly code = 'tally_compile';
}

/** The question asks finer time than the facts are dated to ("last 7 days" of monthly facts): its message says so. */
export class TimePrecisionError extends CompileError {}

interface Group {
  table: TableDef;
  filters: string[];
  metrics: MetricDef[];
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;
const dateLiteral = (date: IsoDate) => `DATE ${quoteLiteral(date)}`;
const UNIT_DIVISOR = { thousand: '1000.0', million: '1000000.0', billion: '1000000000.0' } as const;

/** Extra conditions on a fact table's rows, from outside the question (the asker's access rules). */
export interface CompileOptions {
  rowFilters?: (factTable: string) => string[];
}

/** "how many customers had more than 10 orders": the groups that meet the conditions, counted. */
function countGroups(
  compiled: CompiledQuery,
  counted: { name: string; label: string },
  query: SemanticQuery,
): CompiledQuery {
  // The first dimension is what is counted; the others, if any, are what it is counted by.
  const by = compiled.columns.filter((c) => c.role === 'dimension' && c.name !== query.dimensions[0]);
  const keys = by.map((c) => quoteIdent(c.name)).join(', ');
  const count = `COUNT(*) AS ${quoteIdent(counted.name)}`;
  return {
    sql:
      by.length > 0
        ? `SELECT ${keys}, ${count} FROM (${compiled.sql}) AS counted GROUP BY ${keys} ORDER BY ${quoteIdent(counted.name)} DESC`
        : `SELECT ${count} FROM (${compiled.sql}) AS counted`,
    columns: [
      ...by,
      {
        name: counted.name,
        role: 'metric',
        label: counted.label,
        format: 'integer',
        metric: counted.name,
        additive: true,
      },
    ],
  };
}

export function compile(
  query: SemanticQuery,
  catalog: Catalog,
  today: IsoDate,
  options: CompileOptions = {},
): CompiledQuery {
  // "ordered by the length of the name": PostgreSQL names an output column only as a whole sort
  // key, so the answer is sorted from outside.
  if (query.order?.length) {
    const { order, limit, ...rest } = query;
    const inner = compile(rest, catalog, today, options);
    const key = quoteIdent(order.dimension ?? query.dimensions[0] ?? '');
    return {
      ...inner,
      sql: `SELECT * FROM (${inner.sql}) AS listed ORDER BY char_length(${key}::text)${order.direction === 'desc' ? ' DESC' : ''}${limit ? ` LIMIT ${Math.trunc(limit)}` : ''}`,
    };
  }
  if (query.ratio)
    return compileRatio(
      query,
      query.ratio.over,
      (side) => compile(side, catalog, today, options),
      {
        numerator: sideWords(query, catalog, query.ratio.over, true),
        denominator: upperFirst(sideWords(query.ratio.over, catalog, query, true)),
      },
      // Counts and sums: nothing recorded is zero of them.
      (column) => {
        const metric = metricByName(catalog, column.metric ?? '');
        return !metric || sumsOrCounts(metric);
      },
      query.ratio.percent,
    );
  if (query.rankWithin?.length && query.limit !== undefined && query.order?.by === 'metric')
    return rankWithinGroups(query, query.rankWithin, (each) => compile(each, catalog, today, options));
  if (query.running)
    return compileRunning(query, query.running, (each) => compile(each, catalog, today, options));
  if (query.averageOver)
    return compileAverageOver(
      query,
      query.averageOver,
      (each) => compileGroups(each, catalog, today, options),
      'dimension' in query.averageOver
        ? (dimensionByName(catalog, query.averageOver.dimension)?.label ?? query.averageOver.dimension)
        : query.averageOver.grain,
    );
  const compiled = compileGroups(query, catalog, today, options);
  return query.countGroups ? countGroups(compiled, query.countGroups, query) : compiled;
}

function compileGroups(
  query: SemanticQuery,
  catalog: Catalog,
  today: IsoDate,
  options: CompileOptions,
): CompiledQuery {
  const requested = query.metrics.map((name) => {
    const metric = metricByName(catalog, name);
    if (!metric) throw new CompileError(`Unknown metric ${name}`);
    return metric;
  });
  const groups = requested.length > 0 ? groupMetrics(requested, catalog) : [listingGroup(query, catalog)];
  const periods: { key: 'cur' | 'prev'; range?: TimeRange }[] = [{ key: 'cur', range: query.time }];
  if (query.compare) periods.push({ key: 'prev', range: query.compare.range });

  const columns: OutputColumn[] = [];
  if (query.grain)
    columns.push({
      name: query.grain,
      role: 'time',
      label: query.grain[0]?.toUpperCase() + query.grain.slice(1),
    });
  for (const name of query.dimensions)
    columns.push({ name, role: 'dimension', label: dimensionByName(catalog, name)?.label ?? name });
  const keyCount = columns.length;
  for (const metric of requested) {
    columns.push({
      name: metric.name,
      role: 'metric',
      label: metric.label,
      format: metric.format,
      metric: metric.name,
      additive: isAdditive(metric),
    });
    if (query.unit && metric.format !== 'percent') {
      const label = `${metric.label} (${query.unit}s)`;
      columns.push({ name: `${metric.name}_${query.unit}s`, role: 'scaled', label, metric: metric.name });
    }
    if (query.compare) {
      columns.push({
        name: `${metric.name}_previous`,
        role: 'previous',
        label: `${metric.label} (previous)`,
        format: metric.format,
        metric: metric.name,
      });
      columns.push({
        name: `${metric.name}_change_pct`,
        role: 'change',
        label: `${metric.label} change %`,
        format: 'percent',
        metric: metric.name,
      });
    }
  }

  const parts: { name: string; sql: string; metrics: MetricDef[]; period: 'cur' | 'prev' }[] = [];
  groups.forEach((group, gi) => {
    for (const period of periods) {
      const shift =
        period.key === 'prev' && query.compare && query.time
          ? shiftBetween(query.compare.range, query.time)
          : undefined;
      parts.push({
        name: `${period.key}_${gi + 1}`,
        sql: groupSelect(group, query, catalog, today, period.range, shift, options.rowFilters),
        metrics: group.metrics,
        period: period.key,
      });
    }
  });

  const order = orderBy(query, columns);
  const limit = query.limit ? ` LIMIT ${Math.trunc(query.limit)}` : '';
  if (parts.length === 1 && !query.unit) {
    const only = parts[0] as (typeof parts)[number];
    return { sql: `${only.sql}${order}${limit}`, columns };
  }

  // Several aggregates: join them on the output keys (time bucket and dimensions).
  const keys = columns.slice(0, keyCount).map((c) => c.name);
  // "countries with more than 2 lakes and more than 2 rivers": a group must meet every condition,
  // so the parts that carry one are joined first and inner; the rest are only looked up.
  const held = (part: (typeof parts)[number]) =>
    part.period === 'cur' &&
    (query.conditions ?? []).some(
      (c) => c.level === 'group' && part.metrics.some((m) => m.name === c.metric),
    );
  const anyHeld = parts.some(held);
  const [first, ...others] = [...parts.filter(held), ...parts.filter((p) => !held(p))] as [
    (typeof parts)[number],
    ...typeof parts,
  ];
  const from = others.reduce((sql, part) => {
    // A comparison keeps the current period's rows; several facts keep every row of each.
    const on = keys
      .map((k) => `${part.name}.${quoteIdent(k)} = ${first.name}.${quoteIdent(k)}`)
      .join(' AND ');
    const join =
      part.period === 'prev' ? 'LEFT JOIN' : held(part) ? 'JOIN' : anyHeld ? 'LEFT JOIN' : 'FULL JOIN';
    return `${sql} ${keys.length > 0 ? `${join} ${part.name} ON ${on}` : `CROSS JOIN ${part.name}`}`;
  }, first.name);
  const partOf = (metric: string, period: 'cur' | 'prev') =>
    parts.find((p) => p.period === period && p.metrics.some((m) => m.name === metric))?.name as string;
  const selects = columns.map((column) => {
    const name = quoteIdent(column.name);
    if (column.role === 'time' || column.role === 'dimension') {
      return `COALESCE(${parts.map((p) => `${p.name}.${name}`).join(', ')}) AS ${name}`;
    }
    const metric = quoteIdent(column.metric as string);
    const current = `${partOf(column.metric as string, 'cur')}.${metric}`;
    if (column.role === 'metric') return `${current} AS ${name}`;
    if (column.role === 'scaled') return `${current} / ${UNIT_DIVISOR[query.unit ?? 'thousand']} AS ${name}`;
    const previous = `${partOf(column.metric as string, 'prev')}.${metric}`;
    if (column.role === 'previous') return `${previous} AS ${name}`;
    return `100.0 * (${current} - ${previous}) / NULLIF(${previous}, 0) AS ${name}`;
  });
  const ctes = parts.map((p) => `${p.name} AS (${p.sql})`).join(', ');
  return { sql: `WITH ${ctes} SELECT ${selects.join(', ')} FROM ${from}${order}${limit}`, columns };
}

/** A list with no metric ("the names of the restaurants in LA"): its rows come from the table planning chose. */
function listingGroup(query: SemanticQuery, catalog: Catalog): Group {
  const first = query.dimensions[0] ? dimensionByName(catalog, query.dimensions[0]) : undefined;
  const name = query.listFrom ?? first?.sources[0]?.table;
  const table = name ? tableByName(catalog, name) : undefined;
  if (!table) throw new CompileError('A list needs a field to list');
  return { table, filters: [], metrics: [] };
}

/** Metrics computed together share a fact table and filters; a derived metric goes with its parts. */
function groupMetrics(metrics: MetricDef[], catalog: Catalog): Group[] {
  const groups: Group[] = [];
  for (const metric of metrics) {
    const base = baseMetrics(catalog, metric)[0];
    const table = base?.table ? tableByName(catalog, base.table) : undefined;
    if (!base || !table) throw new CompileError(`Metric ${metric.name} has no table`);
    const key = JSON.stringify([table.name, [...base.filters].sort()]);
    const group = groups.find((g) => JSON.stringify([g.table.name, [...g.filters].sort()]) === key);
    if (group) group.metrics.push(metric);
    else groups.push({ table, filters: base.filters, metrics: [metric] });
  }
  return groups;
}

function metricExpression(metric: MetricDef, catalog: Catalog): string {
  if (!isDerived(metric)) return metric.expression;
  let expression = metric.expression;
  for (const name of metricRefs(metric.expression)) {
    const ref = metricByName(catalog, name) as MetricDef;
    expression = expression.replaceAll(`{${name}}`, `(${metricExpression(ref, catalog)})`);
  }
  return expression;
}

function groupSelect(
  group: Group,
  query: SemanticQuery,
  catalog: Catalog,
  today: IsoDate,
  range: TimeRange | undefined,
  shift: string | undefined,
  rowFilters?: CompileOptions['rowFilters'],
): string {
  const fact = group.table;
  const joins: JoinDef[] = [];
  // Through a link table only for aggregates its repeated rows can't change (catalog.ts joinPath).
  const path = { bridges: group.metrics.every((m) => unchangedByRepeats(catalog, m)) };
  const need = (table: string) => {
    for (const join of joinPath(catalog, fact.name, table, path) ?? []) {
      if (!joins.some((j) => j.from === join.from && j.to === join.to)) joins.push(join);
    }
  };
  const withToday = (sql: string) => sql.replaceAll('{today}', dateLiteral(today));
  const usesTables = (sql: string) => {
    for (const { alias } of expressionColumns(sql)) {
      const table = tableByAlias(catalog, alias);
      if (table) need(table.name);
    }
  };

  const selects: string[] = [];
  const groupBy: string[] = [];
  const first = group.metrics[0];
  const time = first ? metricTime(catalog, first) : undefined;
  const timeExpression = time?.sql;
  if (time && (query.grain || range)) {
    const label = group.metrics.map((m) => m.label).join(' and ');
    const problem = timePrecisionProblem(label, time.precision, query.grain, [range], today);
    if (problem) throw new TimePrecisionError(problem);
    usesTables(timeExpression as string);
  }
  if (query.grain) {
    if (!timeExpression) throw new CompileError(`Metric ${group.metrics[0]?.name} has no time column`);
    const shifted = shift ? `(${timeExpression} + INTERVAL ${quoteLiteral(shift)})` : timeExpression;
    const bucket =
      query.grain === 'day'
        ? `${shifted}::date`
        : `date_trunc(${quoteLiteral(query.grain)}, ${shifted})::date`;
    selects.push(`${bucket} AS ${quoteIdent(query.grain)}`);
    groupBy.push(bucket);
  }
  for (const name of query.dimensions) {
    const dimension = dimensionByName(catalog, name);
    const reach = dimension && reachableSource(catalog, dimension, fact.name, path);
    if (!reach) throw new CompileError(`Dimension ${name} is not reachable from ${fact.name}`);
    need(reach.source.table);
    const expression = sourceExpression(catalog, reach.source);
    usesTables(expression);
    selects.push(`${expression} AS ${quoteIdent(name)}`);
    groupBy.push(expression);
    // A name labels rows that may share it: another table's facts group by its key as well.
    const table = tableByName(catalog, reach.source.table) as TableDef;
    const key =
      reach.source.key ?? (table.name !== fact.name ? labelKey(table, reach.source.column) : undefined);
    if (key) groupBy.push(`${table.alias}.${key}`);
  }
  for (const metric of group.metrics) {
    const expression = withToday(metricExpression(metric, catalog));
    usesTables(expression);
    selects.push(`${expression} AS ${quoteIdent(metric.name)}`);
  }

  const where = group.filters.map(withToday);
  where.forEach(usesTables);
  for (const filter of rowFilters?.(fact.name) ?? []) {
    usesTables(filter);
    where.push(filter);
  }
  for (const filter of query.filters) {
    const dimension = dimensionByName(catalog, filter.dimension);
    const reach = dimension && reachableSource(catalog, dimension, fact.name, path);
    if (!reach) throw new CompileError(`Dimension ${filter.dimension} is not reachable from ${fact.name}`);
    need(reach.source.table);
    const expression = sourceExpression(catalog, reach.source);
    usesTables(expression);
    where.push(filterCondition(expression, filter));
  }
  const having: string[] = [];
  for (const condition of query.conditions ?? []) {
    const metric = metricByName(catalog, condition.metric) as MetricDef;
    const value = Number(condition.value);
    if (!Number.isFinite(value)) throw new CompileError('A condition needs a number');
    if (condition.level === 'row') {
      if (!metric.row_value || metric.table !== fact.name) continue;
      usesTables(metric.row_value);
      where.push(`(${metric.row_value}) ${condition.op} ${value}`);
    } else if (group.metrics.includes(metric)) {
      having.push(`(${withToday(metricExpression(metric, catalog))}) ${condition.op} ${value}`);
    }
  }
  if (range && timeExpression) {
    where.push(
      `${timeExpression} >= ${dateLiteral(range.from)}`,
      `${timeExpression} < ${dateLiteral(range.to)}`,
    );
  }

  const tables = [`${qualified(fact)} AS ${fact.alias}`];
  for (const join of joins) {
    const from = tableByName(catalog, join.from) as TableDef;
    const to = tableByName(catalog, join.to) as TableDef;
    const on = join.on.map(([a, b]) => `${to.alias}.${b} = ${from.alias}.${a}`).join(' AND ');
    tables.push(`JOIN ${qualified(to)} AS ${to.alias} ON ${on}`);
  }
  return [
    `SELECT ${selects.join(', ')}`,
    `FROM ${tables.join(' ')}`,
    where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    groupBy.length > 0 ? `GROUP BY ${groupBy.join(', ')}` : '',
    having.length > 0 ? `HAVING ${having.join(' AND ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const LIKE_PATTERN = {
  prefix: (text: string) => `${text}%`,
  suffix: (text: string) => `%${text}`,
  contains: (text: string) => `%${text}%`,
};

/** Members by value, or by part of their text as typed (its wildcards matched literally). */
function filterCondition(expression: string, filter: SemanticQuery['filters'][number]): string {
  // Any value at all: a blank one is no value.
  if (filter.match === 'present')
    return filter.exclude
      ? `(${expression} IS NULL OR ${expression}::text = '')`
      : `(${expression} IS NOT NULL AND ${expression}::text <> '')`;
  if (filter.match) {
    const pattern = LIKE_PATTERN[filter.match];
    const any = filter.values
      .map((v) => `${expression}::text ILIKE ${quoteLiteral(pattern(v.replace(/[\\%_]/g, '\\$&')))}`)
      .join(' OR ');
    const picked = filter.values.length > 1 ? `(${any})` : any;
    return filter.exclude ? `(${expression} IS NULL OR NOT ${picked})` : picked;
  }
  const values = filter.values.map(quoteLiteral).join(', ');
  return filter.exclude
    ? `(${expression} IS NULL OR ${expression} NOT IN (${values}))`
    : `${expression} IN (${values})`;
}

function qualified(table: TableDef): string {
  return table.name
    .split('.')
    .map((part) => quoteIdent(part))
    .join('.');
}

/** How far the comparison period lies before the current one, as a PostgreSQL interval. */
function shiftBetween(previous: TimeRange, current: TimeRange): string {
  const [py, pm, pd] = previous.from.split('-').map(Number) as [number, number, number];
  const [cy, cm, cd] = current.from.split('-').map(Number) as [number, number, number];
  if (pd === cd) return `${(cy - py) * 12 + (cm - pm)} months`;
  return `${Math.round((Date.parse(current.from) - Date.parse(previous.from)) / 86_400_000)} days`;
}

function orderBy(query: SemanticQuery, columns: OutputColumn[]): string {
  const dimension = query.order?.dimension ?? query.dimensions[0];
  if (query.order?.by === 'dimension' && dimension)
    return ` ORDER BY ${quoteIdent(dimension)}${query.order.direction === 'desc' ? ' DESC' : ''}`;
  if (query.order?.by === 'change' && query.order.metric)
    return ` ORDER BY ${quoteIdent(`${query.order.metric}_change_pct`)} ${query.order.direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`;
  if (query.order?.by === 'metric' && query.order.metric) {
    return ` ORDER BY ${quoteIdent(query.order.metric)} ${query.order.direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`;
  }
  if (query.grain)
    return ` ORDER BY ${quoteIdent(query.grain)}${query.dimensions.length > 0 ? `, ${quoteIdent(query.dimensions[0] as string)}` : ''}`;
  const firstMetric = columns.find((c) => c.role === 'metric');
  if (query.dimensions.length > 0 && firstMetric)
    return ` ORDER BY ${quoteIdent(firstMetric.name)} DESC NULLS LAST`;
  if (query.dimensions[0]) return ` ORDER BY ${quoteIdent(query.dimensions[0])}`;
  return '';
}
