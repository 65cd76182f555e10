/**
 * The restatement: what was answered, in plain words built from the semantic query itself (not
 * from the question), so a reader can check at a glance that it is the question they asked.
 * Every door shows it; the JSON contract carries it as `interpretation`, with which typed words
 * became which part and which misspellings were read as which word.
 */
import { dimensionByName, isCount, metricByName } from './catalog.ts';
import { type DataExtent, dataWords, isPeriod, rangeWords } from './period-words.ts';
import type { Condition, Running, SemanticQuery, TimeRange } from './query.ts';
import type { Catalog, Grain } from './schema.ts';
import { stem } from './understand/words.ts';

/** "running total", "3-month moving average": how a running value is named in every door. */
export function runningLabel(running: Running, grain: Grain): string {
  return running.kind === 'total' ? 'running total' : `${running.periods}-${grain} moving average`;
}

/** What the reading saw in the typed words. */
export interface Said {
  /** Typed words → the part of the query they became. */
  parts: { said: string; became: string }[];
  corrections: { typed: string; read: string }[];
}

export interface Interpretation extends Said {
  text: string;
}

const OPS: Record<string, string> = {
  '>': 'over',
  '>=': 'at least',
  '<': 'under',
  '<=': 'at most',
  '=': 'exactly',
};

export function restate(
  query: SemanticQuery,
  catalog: Catalog,
  said: Said = { parts: [], corrections: [] },
  extent?: DataExtent,
): Interpretation {
  const metricLabel = (name: string | undefined) => metricByName(catalog, name ?? '')?.label ?? name ?? '';
  const dimensionLabel = (name: string) => (dimensionByName(catalog, name)?.label ?? name).toLowerCase();
  const condition = (c: Condition) => conditionWords(c, catalog);
  const averagedOver = (over: NonNullable<SemanticQuery['averageOver']>) =>
    'dimension' in over ? dimensionLabel(over.dimension) : over.grain;

  const pieces: string[] = [];
  // "how many customers had more than 10 orders": the count, and what each counted thing met.
  const counted = query.countGroups;
  const grouped = counted ? query.dimensions.slice(1) : query.dimensions;
  const thing = dimensionLabel(query.dimensions[0] ?? '').replace(/ id$/, '');
  // A count of things: what each thing met (its group conditions); the rows counted are said apart.
  const met = (query.conditions ?? [])
    .filter((c) => !counted || c.level === 'group')
    .map(condition)
    .join(' and ');
  const over = query.ratio?.over;
  const breakdown = [...(query.grain ? [query.grain] : []), ...grouped.map(dimensionLabel)];
  // "each region's share": the breakdown is the numerator's, the whole is all of it.
  const ofWhole = over && isWholeOf(over, query);
  let head = query.ratio
    ? ofWhole
      ? `${query.ratio.percent ? 'percentage' : 'share'} of ${lowerFirst(sideWords(query, catalog, over))} by ${breakdown.join(' and ')} out of ${lowerFirst(sideWords(over, catalog, query, false))}`
      : `${query.ratio.percent ? 'percentage' : 'ratio'} of ${lowerFirst(sideWords(query, catalog, over))} ${query.ratio.percent ? 'out of' : 'to'} ${lowerFirst(sideWords(over as SemanticQuery, catalog, query))}`
    : query.averageOver
      ? `average ${query.metrics.map(metricLabel).join(' and ').toLowerCase()} per ${averagedOver(query.averageOver)} (each ${averagedOver(query.averageOver)}’s total, averaged${'grain' in query.averageOver ? ` over the ${query.averageOver.grain}s that have any` : ''})`
      : counted
        ? `${counted.label}: ${met ? `each ${thing} with ${met}` : `distinct ${thing} values`}`
        : query.running && query.grain
          ? `${upperFirst(runningLabel(query.running, query.grain))} of ${lowerFirst(query.metrics.map(metricLabel).join(' and '))}`
          : query.metrics.map(metricLabel).join(' and ');
  // "the customers in APAC": a list of a field's members, no number.
  const listing = !head && breakdown.length > 0;
  if (listing) head = `Each ${breakdown.join(' and ')}`;
  else if (breakdown.length > 0 && !ofWhole) head += ` by ${breakdown.join(' and ')}`;
  pieces.push(head);
  // A ratio's sides say what is theirs alone; what both share is said once, here.
  const shared = <T>(items: T[], others: T[] | undefined) =>
    others ? items.filter((i) => others.some((o) => same(i, o))) : items;
  if (!over || same(query.time, over.time))
    pieces.push(
      query.time ? spanWords(query.time, extent) : `all dates${extent ? ` (${dataWords(extent)})` : ''}`,
    );
  for (const filter of shared(query.filters, over?.filters)) pieces.push(filterWords(filter, catalog));
  const conditions = shared(query.conditions ?? [], over ? (over.conditions ?? []) : undefined);
  for (const c of counted ? conditions.filter((c) => c.level === 'row') : conditions)
    pieces.push(`${c.level === 'row' ? `each ${rowNoun(c, catalog)}’s` : 'each group’s'} ${condition(c)}`);
  if (query.compare) pieces.push(`compared with ${spanWords(query.compare.range)}`);
  if (query.order) {
    const { by, direction, dimension } = query.order;
    const key =
      by === 'dimension'
        ? `${query.order.length ? 'length of ' : ''}${dimensionLabel(dimension ?? query.dimensions[0] ?? '').toLowerCase()}`
        : by === 'change'
          ? `change in ${metricLabel(query.order.metric).toLowerCase()}`
          : metricLabel(query.order.metric).toLowerCase();
    const [up, down] =
      by !== 'dimension'
        ? ['lowest first', 'highest first']
        : query.order.length
          ? ['shortest first', 'longest first']
          : ['A to Z', 'Z to A'];
    const way = direction === 'desc' ? down : up;
    pieces.push(
      query.limit !== undefined
        ? `${direction === 'desc' ? 'top' : 'bottom'} ${query.limit} by ${key}${query.rankWithin?.length ? ` within each ${query.rankWithin.map((d) => (isPeriod(d) ? d : dimensionLabel(d))).join(' and ')}` : ''}`
        : `sorted by ${key}, ${way}`,
    );
  }
  if (query.unit) pieces.push(`in ${query.unit}s`);
  let text = `${pieces.join('; ')}.`;
  if (said.corrections.length > 0) {
    text += ` Read ${said.corrections.map((c) => `“${c.typed}” as “${c.read}”`).join(', ')}.`;
  }
  return { text, parts: said.parts, corrections: said.corrections };
}

/**
 * "rating over 3" of each row, "average rating over 4" of each group: a row has one value, not an
 * average. A count's row value is an amount ("orders over $1,000"): said by the measure of the same
 * rows that sums it ("revenue over 1,000"), never as a count over 1,000.
 */
const conditionWords = (c: Condition, catalog: Catalog) => {
  const metric = metricByName(catalog, c.metric);
  const label = (metric?.label ?? c.metric).toLowerCase();
  const amount =
    c.level === 'row' && metric && isCount(metric)
      ? (catalog.metrics.find(
          (m) => m.table === metric.table && !isCount(m) && m.row_value === metric.row_value,
        )?.label ?? 'value')
      : undefined;
  const said =
    c.level === 'row' ? (amount?.toLowerCase() ?? label.replace(/^(?:average|avg|mean|median) /, '')) : label;
  return `${said} ${OPS[c.op]} ${c.value.toLocaleString('en-US')}`;
};

/** "each order’s": a row condition is said of the rows of its measure's table, by that table's name. */
function rowNoun(c: Condition, catalog: Catalog): string {
  const table = metricByName(catalog, c.metric)?.table;
  const bare = table?.split('.').pop()?.replaceAll('_', ' ');
  if (!bare) return 'row';
  const last = bare.split(' ').pop() as string;
  return `${bare.slice(0, bare.length - last.length)}${stem(last)}`;
}

type Filter = SemanticQuery['filters'][number];
/** How a match is said, and said negated. */
const MATCH_VERBS = {
  prefix: ['starts with', 'does not start with'],
  suffix: ['ends with', 'does not end with'],
  contains: ['contains', 'does not contain'],
} as const;

/** "EMEA or APAC", "all but Partner", "starting with “J”": which members a filter keeps. */
export function filterValueWords(filter: Filter): string {
  if (filter.match === 'present') return filter.exclude ? 'none recorded' : 'any recorded';
  if (filter.match) {
    const way = { prefix: 'starting with', suffix: 'ending with', contains: 'containing' }[filter.match];
    return `${filter.exclude ? 'all but those ' : ''}${way} ${filter.values.map((v) => `“${v}”`).join(' or ')}`;
  }
  return `${filter.exclude ? 'all but ' : ''}${filter.values.join(' or ')}`;
}

/** "region is EMEA or APAC", "journal name starts with “J”" (the field's label as given, in a sentence lower case). */
export function filterWords(filter: Filter, catalog: Catalog, inSentence = true): string {
  const named = dimensionByName(catalog, filter.dimension)?.label ?? filter.dimension;
  const label = inSentence ? named.toLowerCase() : named;
  if (filter.match === 'present') return `${label} ${filter.exclude ? 'is not recorded' : 'is recorded'}`;
  if (filter.match)
    return `${label} ${MATCH_VERBS[filter.match][filter.exclude ? 1 : 0]} ${filter.values.map((v) => `“${v}”`).join(' or ')}`;
  return `${label} ${filter.exclude ? 'is not' : 'is'} ${filter.values.join(filter.exclude ? ' nor ' : ' or ')}`;
}

export const lowerFirst = (text: string) => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
export const upperFirst = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * One side of a ratio in a few words — "Number of restaurants (rating over 4)" — naming only what
 * sets it apart from the other side (what both share is said once, elsewhere).
 */
/** Whether a ratio's denominator is its numerator's whole: the same, but for the breakdown. */
export function isWholeOf(over: SemanticQuery, part: SemanticQuery): boolean {
  const broken = part.dimensions.length > 0 || !!part.grain;
  return (
    broken &&
    over.dimensions.length === 0 &&
    !over.grain &&
    same(over.metrics, part.metrics) &&
    same(over.filters, part.filters)
  );
}

export function sideWords(
  query: SemanticQuery,
  catalog: Catalog,
  other?: SemanticQuery,
  /** A column's label: the period as said ("2024"), without its dates. */
  short = false,
): string {
  const metric =
    query.countGroups?.label ??
    query.metrics.map((name) => metricByName(catalog, name)?.label ?? name).join(' and ');
  const own = <T>(items: T[], others: T[] | undefined) =>
    items.filter((i) => !others?.some((o) => same(i, o)));
  const which = [
    ...(query.time && !same(query.time, other?.time)
      ? [short ? query.time.label : spanWords(query.time)]
      : []),
    ...own(query.filters, other?.filters).map((f) => filterWords(f, catalog)),
    ...own(query.conditions ?? [], other?.conditions).map((c) => conditionWords(c, catalog)),
  ];
  const named = which.length > 0 ? `${metric} (${which.join('; ')})` : metric;
  return other && isWholeOf(query, other) ? `all ${lowerFirst(named)}` : named;
}

/**
 * "last week (9–15 Nov 2026)": the phrase as read, and its explicit dates; with the data's extent,
 * where the data stops inside it ("this year (2026 to date, data through 27 Nov 2026)").
 */
export function spanWords(time: TimeRange, extent?: DataExtent): string {
  const span = rangeWords(time, extent);
  const label = time.label.replace(/\s*\([^)]*\)$/, '');
  return label === span ? span : `${label} (${span})`;
}
