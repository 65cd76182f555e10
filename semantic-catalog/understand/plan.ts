/**
 * Planning: a reading becomes a semantic query, or an honest refusal or a clarifying question.
 * Checks that every metric has a time column when time is asked for, that dimensions and filters
 * connect to the metrics' facts, and resolves values that several dimensions share.
 */
import {
  dimensionByName,
  metricByName,
  metricTable,
  metricTimeColumn,
  reachableSource,
  unchangedByRepeats,
} from '../catalog.ts';
import { isAdditive } from '../compile.ts';
import { addDays, addPeriods, type IsoDate, OPEN_START } from '../dates.ts';
import type { SemanticQuery } from '../query.ts';
import type { Catalog, DimensionDef, MetricDef } from '../schema.ts';
import { overCalendarFields } from './calendar-fields.ts';
import * as say from './messages.ts';
import type { Understanding } from './parse.ts';
import type { Reading } from './reading.ts';
import { defaultComparedRange, previousRange } from './time-words.ts';

/** Superlatives of one particular measure (length, age, price, speed…), unlike "top" or "best". */
const MEASURED_SUPERLATIVE =
  /\b(?:longest|shortest|tallest|oldest|newest|youngest|cheapest|priciest|busiest|fastest|slowest|heaviest|lightest|earliest|latest|deepest|steepest|widest|narrowest|nearest|farthest|furthest)\b/;

export function planQuery(
  question: string,
  reading: Reading,
  catalog: Catalog,
  today: IsoDate,
): Understanding {
  if (reading.leftovers.length > 0) return say.unplacedWords(question, reading.leftovers, catalog);
  /** Words the plan can't carry out, said back with nothing to suggest. */
  const unplaced = (word: string) => say.unplacedWords(question, [{ word, candidates: [] }], catalog);
  // "top 5 customers" names no metric: a ranking uses the catalog's default one. A direction said
  // of a field ("journals ordered by name in ascending order") sorts that field instead.
  const ranking =
    reading.limit !== undefined ||
    (reading.direction !== undefined &&
      reading.dimensions.length > 0 &&
      reading.sortKey?.kind !== 'dimension');
  // "the longest rivers", "the oldest customers" name what they rank by: never the default metric.
  const measured = reading.metrics.length === 0 && ranking ? MEASURED_SUPERLATIVE.exec(reading.text) : null;
  if (measured && !reading.sortKey) return unplaced(measured[0]);
  const metrics =
    reading.metrics.length === 0 && ranking && catalog.default_metric
      ? [catalog.default_metric]
      : reading.metrics;
  // "the names of the restaurants that serve Italian food": a list of the field, no metric.
  const listing = metrics.length === 0 && reading.dimensions.length > 0 && !reading.grain;
  if (metrics.length === 0 && !listing) return say.notUnderstood(catalog);

  const factTables = listing
    ? [listingTable(reading, catalog)]
    : metrics.map((name) => metricTable(catalog, metricByName(catalog, name) as MetricDef)?.name);
  // What a refusal names: the metrics, or the listed field.
  const subjects = listing ? reading.dimensions.slice(0, 1) : metrics;
  // A link table may be crossed only by aggregates its repeated rows can't change (joinPath).
  const path = {
    bridges: metrics.every((name) => unchangedByRepeats(catalog, metricByName(catalog, name) as MetricDef)),
  };
  const reachable = (dimension: string) => {
    const def = dimensionByName(catalog, dimension);
    return !!def && factTables.every((t) => t && reachableSource(catalog, def, t, path));
  };

  const filters: SemanticQuery['filters'] = [];
  for (const { said, options, exclude, match } of reading.values) {
    const usable = options.filter((o) => reachable(o.dimension));
    const dimensions = [...new Set(usable.map((o) => o.dimension))];
    if (dimensions.length > 1) return say.whichDimension(question, said, dimensions, catalog);
    const chosen = usable[0];
    if (!chosen) return say.unreachable(subjects, options[0]?.dimension ?? '', catalog);
    const filter = filters.find(
      (f) => f.dimension === chosen.dimension && !f.exclude === !exclude && f.match === match,
    );
    if (!filter)
      filters.push({
        dimension: chosen.dimension,
        values: [chosen.value],
        ...(exclude ? { exclude } : {}),
        ...(match ? { match } : {}),
      });
    else if (!filter.values.includes(chosen.value)) filter.values.push(chosen.value);
  }
  for (const dimension of reading.dimensions)
    if (!reachable(dimension)) return say.unreachable(subjects, dimension, catalog);
  // "authors without an organization": rows joined to another table for it would lose exactly
  // those, so only a field kept on the rows counted can be missing from them.
  for (const filter of filters) {
    const def = dimensionByName(catalog, filter.dimension);
    const joined = factTables.some(
      (t) => t && (reachableSource(catalog, def as DimensionDef, t, path)?.joins.length ?? 0) > 0,
    );
    if (filter.match === 'present' && filter.exclude && joined)
      return say.absentElsewhere(subjects, filter.dimension, catalog);
  }

  const query: SemanticQuery = { metrics, dimensions: reading.dimensions, filters };
  if (listing && factTables[0]) query.listFrom = factTables[0];
  if (reading.time && reading.time.from > today) return say.futurePeriod(reading.time, today, catalog);
  // "our AR outstanding today": a balance the catalog already takes as of today is asked as of
  // today, never for the facts dated today alone.
  const asOfToday =
    metrics.length > 0 &&
    metrics.every((n) => metricByName(catalog, n)?.filters.some((f) => f.includes('{today}')));
  const todayOnly = reading.time?.from === today && reading.time.to === addDays(today, 1);
  if (reading.time)
    query.time =
      asOfToday && todayOnly ? { from: OPEN_START, to: reading.time.to, label: 'as of today' } : reading.time;
  if (reading.grain) query.grain = reading.grain;
  if (reading.running) {
    // A running total adds up what adds up; an average's or a distinct count's means nothing.
    const unsummed = metrics.filter((n) => !isAdditive(metricByName(catalog, n) as MetricDef));
    if (reading.running.kind === 'total' && unsummed.length > 0) return say.noRunningTotal(unsummed, catalog);
    const other = reading.compare
      ? 'a comparison'
      : reading.countGroups
        ? 'a count of things'
        : reading.averageOver
          ? 'an average per'
          : reading.limit !== undefined
            ? 'a top list'
            : undefined;
    if (other) return say.runningWith(reading.running, other, catalog);
    query.grain ??= 'month';
    query.running = reading.running;
  }
  if (reading.compare) {
    query.time ??= defaultComparedRange(query.grain ? 'previous_year' : reading.compare, today);
    const { grain, time } = query;
    // "before 2025 vs the period before": a span open to the past has no span before it.
    if (time.from === OPEN_START && reading.compare === 'previous_period' && !reading.comparedWith)
      return say.noPeriodBefore(time, catalog);
    // Period over period with a time grain: each bucket against the bucket before it.
    const range =
      reading.compare === 'previous_period' && grain
        ? {
            from: addPeriods(grain, time.from, -1),
            to: addPeriods(grain, time.to, -1),
            label: `the previous ${grain}`,
          }
        : (reading.comparedWith ?? previousRange(time, reading.compare));
    query.compare = { kind: reading.compare, range };
  }
  const snapshots = metrics.filter((n) => metricByName(catalog, n)?.snapshot);
  if ((query.grain || query.time || query.compare) && snapshots.length > 0)
    return say.snapshotOverTime(snapshots, catalog);
  const timeless = metrics.filter((n) => !metricTimeColumn(catalog, metricByName(catalog, n) as MetricDef));
  if ((query.grain || query.time) && (timeless.length > 0 || listing)) {
    const calendar = query.compare ? undefined : overCalendarFields(query, catalog, factTables[0]);
    if (!calendar) return say.noTimeColumn(listing ? subjects : timeless, catalog);
    Object.assign(query, calendar);
    delete query.grain;
    delete query.time;
  }

  if (reading.conditions.length > 0) {
    for (const condition of reading.conditions) {
      const metric = metricByName(catalog, condition.metric) as MetricDef;
      if (condition.level === 'row' && !metric.row_value) return say.noRowValue(metric.label);
      // A row condition applies to the rows of its own fact table: never dropped, never misapplied.
      const own = metricTable(catalog, metric)?.name;
      if (condition.level === 'row' && !factTables.includes(own))
        return say.conditionElsewhere(condition.metric, metrics, catalog);
      if (condition.level === 'group' && !metrics.includes(condition.metric))
        query.metrics = [...query.metrics, condition.metric];
    }
    query.conditions = reading.conditions;
  }
  if (reading.unit) query.unit = reading.unit;
  if (reading.countGroups) query.countGroups = reading.countGroups;
  const over = reading.averageOver;
  if (over && 'dimension' in over && !reachable(over.dimension))
    return say.unreachable(subjects, over.dimension, catalog);
  // "average revenue per month": each month's total needs a date, and a second grain would need two.
  if (over && 'grain' in over && (query.grain || timeless.length > 0))
    return unplaced(`average … per ${over.grain}`);
  if (over) query.averageOver = over;

  // "ordered by the month" without a date: by the calendar field that stands in for it.
  const calendarField = query.dimensions.find((d) => !reading.dimensions.includes(d));
  const key =
    reading.sortKey?.kind === 'time'
      ? calendarField
        ? { kind: 'dimension' as const, name: calendarField }
        : undefined
      : reading.sortKey;
  // "each paper … ordered by the paper ID": a grouped thing's own key sorts it without regrouping.
  if (
    key?.kind === 'dimension' &&
    !query.dimensions.includes(key.name) &&
    keysGrouped(key.name, query.dimensions, catalog)
  )
    query.dimensions = [...query.dimensions, key.name];
  // "… sorted by region" when the answer has no regions: did they mean to break it down by it?
  if (key?.kind === 'dimension' && !query.dimensions.includes(key.name)) {
    const field = (dimensionByName(catalog, key.name)?.label ?? key.name).toLowerCase();
    return say.unplacedWords(
      question,
      [{ word: `ordered by ${field}`, candidates: [`by ${field}`] }],
      catalog,
    );
  }
  // "ordered by the length of …" of anything but a field of the answer: not a sort it can say.
  if (reading.sortByLength && key?.kind !== 'dimension') return unplaced('ordered by the length of');
  if (key?.kind === 'dimension' || (reading.alphabetical && query.dimensions.length > 0))
    query.order = {
      by: 'dimension',
      dimension: key?.name ?? query.dimensions[0],
      direction: reading.alphabetical ? 'asc' : (reading.direction ?? 'asc'),
      ...(reading.sortByLength ? { length: true } : {}),
    };
  else if (key?.kind === 'metric' && reading.limit === undefined) {
    // "which restaurants have a rating above 4.5, ordered by rating": the sort is shown too, when
    // it is measured on the same rows; elsewhere, said rather than sorted by something unseen.
    if (!query.metrics.includes(key.name)) {
      const sortedBy = metricByName(catalog, key.name) as MetricDef;
      if (!factTables.includes(metricTable(catalog, sortedBy)?.name))
        return unplaced(`ordered by ${sortedBy.label.toLowerCase()}`);
      query.metrics = [...query.metrics, key.name];
    }
    query.order = { by: 'metric', metric: key.name, direction: reading.direction ?? 'asc' };
  } else if (
    reading.limit !== undefined ||
    (reading.direction && (query.dimensions.length > 0 || query.grain))
  ) {
    query.order = { by: 'metric', metric: metrics[0], direction: reading.direction ?? 'desc' };
    // "which customer had the most revenue" asks for one; "which customers …" for a ranking.
    const one = reading.singularRanking && reading.limit === undefined && reading.direction !== undefined;
    if (reading.limit !== undefined || one) query.limit = reading.limit ?? 1;
    // "the top 5 most cited papers" read as one number: a ranking of nothing, said not answered.
    if (reading.limit !== undefined && query.dimensions.length === 0 && !query.grain && !query.countGroups)
      return unplaced(`top ${reading.limit}`);
    // "which customer in each region had the most revenue", "top 5 products by revenue each
    // month": a top within groups, which one ranking over every pair of members is not.
    if (
      query.limit !== undefined &&
      query.dimensions.length + (query.grain ? 1 : 0) > 1 &&
      (reading.groupedBy.length > 0 || !!query.grain) &&
      !query.countGroups
    ) {
      const ranked = query.dimensions.find((d) => !reading.groupedBy.includes(d));
      const within = [...(query.grain ? [query.grain] : []), ...query.dimensions.filter((d) => d !== ranked)];
      if (!ranked || query.compare || query.unit || query.averageOver)
        return say.topWithinGroups(
          query.limit,
          query.order.direction,
          ranked ?? (query.dimensions[0] as string),
          within[0] as string,
          catalog,
        );
      query.rankWithin = within;
    }
  }
  // "which region grew the most": ranked by the change against the compared period.
  if (reading.rankByChange && query.compare && query.order?.by === 'metric')
    query.order = { by: 'change', metric: query.order.metric, direction: reading.rankByChange };
  return { kind: 'query', query, said: { parts: reading.parts, corrections: reading.corrections } };
}

/**
 * Where a list's rows come from: the listed field's own table when every field and value named
 * can be reached from it, else a table that reaches them all ("papers with the keyphrase X" are
 * listed from the table linking papers to keyphrases).
 */
function listingTable(reading: Reading, catalog: Catalog): string | undefined {
  const named = [
    ...reading.dimensions,
    ...reading.values.flatMap((v) => (v.options.length === 1 ? [v.options[0]?.dimension as string] : [])),
  ].map((name) => dimensionByName(catalog, name));
  const own = named[0]?.sources[0]?.table;
  const reachesAll = (table: string) => named.every((d) => !!d && !!reachableSource(catalog, d, table));
  if (!own || reachesAll(own)) return own;
  return catalog.tables.map((t) => t.name).find(reachesAll) ?? own;
}

/** Whether the field is the key column a grouped field already groups by (its source's `key`). */
function keysGrouped(field: string, grouped: string[], catalog: Catalog): boolean {
  const source = dimensionByName(catalog, field)?.sources[0];
  return grouped.some((name) =>
    dimensionByName(catalog, name)?.sources.some(
      (s) => s.table === source?.table && s.key === source?.column,
    ),
  );
}
