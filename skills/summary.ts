/** The one-sentence summary of an answer: what was measured, over which time, and what stands out. */
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import { addDays, addPeriods, formatDay } from '../semantic-catalog/dates.ts';
import { isNoMember, memberName } from '../semantic-catalog/members.ts';
import {
  bucketName,
  type DataExtent,
  dataNote,
  dataWords,
  isPeriod,
  outsideData,
  rangeWords,
} from '../semantic-catalog/period-words.ts';
import type { SemanticQuery, TimeRange } from '../semantic-catalog/query.ts';
import { filterValueWords, lowerFirst, upperFirst } from '../semantic-catalog/restate.ts';
import { formatChange, formatValue } from './format.ts';

/**
 * "last month (October 2026)", "last week (9–15 Nov 2026)", "Q1 2025",
 * "this year (2026 to date, data through 27 Nov 2026)": the phrase as read and what it covered.
 */
export function periodWords(time: TimeRange, extent?: DataExtent): string {
  const label = time.label.replace(/\s*\([^)]*\)$/, '');
  // A phrase with its own year ("Q1 2025", "since 1 Mar 2026") already says its days.
  if (/\d{4}/.test(label)) {
    const note = dataNote(time, extent);
    return note ? `${label} (${note})` : label;
  }
  const covered = rangeWords(time, extent, true);
  return label === covered ? label : `${label} (${covered})`;
}

export function timeWords(query: SemanticQuery, extent?: DataExtent): string {
  if (query.time) return periodWords(query.time, extent);
  return `across all the data${extent ? ` (${dataWords(extent)})` : ''}`;
}

/** "up 4.2%", "flat", or "up" from nothing: a change from zero has no percentage, and is not "no change". */
function movement(change: unknown, current: unknown, previous: unknown): string {
  const said = formatChange(change);
  if (said) return said;
  if (Number(previous) === 0 && Number(current) !== 0) return Number(current) > 0 ? 'up' : 'down';
  return 'no change';
}

/** The preposition a named period takes in a sentence: "in 2025", "on 9 Nov 2026", "last week". */
function during(when: string): string {
  if (/^\d{1,2} [A-Z][a-z]{2} \d{4}/.test(when)) return `on ${when}`;
  if (/^(\d{4}|Q[1-4] |[A-Z][a-z]+ \d{4}|the |week of )/.test(when)) return `in ${when}`;
  return when;
}

/** "Revenue (region is EMEA) to revenue (region is APAC)", from the sides' column labels. */
function ratioWords(columns: OutputColumn[], percent: boolean): string {
  const label = (name: string) => columns.find((c) => c.name === name)?.label ?? name;
  const numerator = percent ? `Share of ${lowerFirst(label('numerator'))}` : label('numerator');
  return `${numerator} ${percent ? 'out of' : 'to'} ${lowerFirst(label('denominator'))}`;
}

function filterWords(query: SemanticQuery): string {
  const valued = query.filters.filter((f) => f.match !== 'present');
  // "Students with a declared major recorded": a field's presence, said by the field.
  const present = query.filters
    .filter((f) => f.match === 'present')
    .map((f) => ` ${f.exclude ? 'without' : 'with'} ${f.dimension.replaceAll('_', ' ')} recorded`)
    .join('');
  return `${valued.length > 0 ? ` for ${valued.map(filterValueWords).join(', ')}` : ''}${present}`;
}

/** A key as a person says it: a time bucket by its name ("January 2025"), "to date" while its data is still coming. */
function keyWords(column: OutputColumn, value: unknown, extent: DataExtent | undefined): string {
  if (column.role === 'dimension') return memberName(value);
  if (column.role !== 'time' || !isPeriod(column.name) || typeof value !== 'string') return String(value);
  const name = bucketName(value, column.name);
  const unfinished =
    column.name !== 'day' &&
    extent &&
    value <= extent.last &&
    addPeriods(column.name, value, 1) > addDays(extent.last, 1);
  return unfinished ? `${name} to date` : name;
}

export function summarize(
  query: SemanticQuery,
  columns: OutputColumn[],
  rows: unknown[][],
  extent?: DataExtent,
): string {
  const metricIndex = columns.findIndex((c) => c.role === 'metric');
  const metric = columns[metricIndex];
  // A list of a field's members: how many, of what, kept by which filters.
  if (!metric) {
    const listed = columns.filter((c) => c.role === 'dimension').map((c) => c.label.toLowerCase());
    return `Listed ${rows.length} ${rows.length === 1 ? 'row' : 'rows'}${listed.length > 0 ? ` (${listed.join(', ')})` : ''}${filterWords(query)}.`;
  }
  // A ratio's sides carry their own qualifiers (and periods, when they differ).
  const ratio = query.ratio;
  const apart = ratio && JSON.stringify(ratio.over.time) !== JSON.stringify(query.time);
  const when = apart ? '' : during(timeWords(query, extent));
  const subject = ratio
    ? ratioWords(columns, ratio.percent === true)
    : `${metric.label}${filterWords(query)}`;
  if (query.time && extent && outsideData(query.time, extent))
    return `There is no data for ${subject.toLowerCase()} ${when}: the data runs from ${formatDay(extent.first)} to ${formatDay(extent.last)}.`;
  const keys = columns.filter((c) => c.role === 'time' || c.role === 'dimension');
  const blank = rows.length === 0 || (keys.length === 0 && (rows[0]?.[metricIndex] ?? null) === null);
  if (blank) return `There is no data for ${subject.toLowerCase()} ${when}.`;
  const fmt = (value: unknown) => formatValue(value, metric.format, query.unit);
  const compared = query.compare && periodWords(query.compare.range);

  if (keys.length === 0) {
    const row = rows[0] as unknown[];
    if (ratio) {
      const side = (name: string) => {
        const i = columns.findIndex((c) => c.name === name);
        return formatValue(row[i], columns[i]?.format);
      };
      return `${subject}${when ? ` ${when}` : ''} was ${fmt(row[metricIndex])} (${side('numerator')} to ${side('denominator')}).`;
    }
    const others = columns
      .map((c, i) => ({ c, v: row[i] }))
      .filter(({ c }, i) => c.role === 'metric' && i !== metricIndex)
      .map(({ c, v }) => `${c.label.toLowerCase()} ${formatValue(v, c.format)}`);
    let sentence = `${subject} ${when} was ${fmt(row[metricIndex])}`;
    if (compared) {
      const previous = row[columns.findIndex((c) => c.role === 'previous' && c.metric === metric.metric)];
      const change = row[columns.findIndex((c) => c.role === 'change' && c.metric === metric.metric)];
      sentence +=
        previous === null || previous === undefined
          ? `; there is no data ${during(compared)} to compare with`
          : `, ${movement(change, row[metricIndex], previous)} from ${fmt(previous)} ${during(compared)}`;
    }
    return `${sentence}${others.length > 0 ? ` (${others.join(', ')})` : ''}.`;
  }

  const values = rows.map((r) => r[metricIndex]).filter((v): v is number => typeof v === 'number');
  const label = (row: unknown[]) => keys.map((k) => keyWords(k, row[columns.indexOf(k)], extent)).join(' / ');
  // "which region grew the most": ranked by the change, so said by it.
  if (query.order?.by === 'change' && compared) {
    const changeAt = columns.findIndex((c) => c.role === 'change' && c.metric === metric.metric);
    const previousAt = columns.findIndex((c) => c.role === 'previous' && c.metric === metric.metric);
    const changed = rows.filter((r) => typeof r[changeAt] === 'number');
    const first = changed[0];
    if (!first) return `${subject} ${when}: there is no data ${during(compared)} to compare with.`;
    const moved = (row: unknown[]) => movement(row[changeAt], row[metricIndex], row[previousAt]);
    if (changed.length === 1 || query.limit === 1) {
      const rise = (first[changeAt] as number) > 0;
      const most =
        query.order.direction === 'desc'
          ? rise
            ? 'largest rise'
            : 'smallest fall'
          : rise
            ? 'smallest rise'
            : 'largest fall';
      return `${upperFirst(label(first))} had the ${most} in ${lowerFirst(subject)} ${when}: ${moved(first)}, ${fmt(first[metricIndex])} against ${fmt(first[previousAt])} ${during(compared)}.`;
    }
    const listed = changed
      .slice(0, 5)
      .map((r) => `${label(r)} (${moved(r)})`)
      .join(', ');
    return `${subject} by ${keys.map((k) => k.label.toLowerCase()).join(' and ')} ${when}, ranked by change against ${compared}: ${listed}.`;
  }
  // "which month had the most revenue": the buckets ranked, not a series over time.
  if (query.grain && keys.length === 1 && query.order?.by === 'metric' && rows.length > 0) {
    const most = query.order.direction === 'asc' ? 'lowest' : 'highest';
    const named = (row: unknown[]) => `${label(row)} (${fmt(row[metricIndex])})`;
    if (rows.length === 1)
      return `${upperFirst(label(rows[0] as unknown[]))} had the ${most} ${lowerFirst(subject)} ${when}: ${fmt((rows[0] as unknown[])[metricIndex])}.`;
    const listed = rows.slice(0, 5).map(named).join(', ');
    return `${subject} by ${query.grain} ${when}, ${most} first: ${listed}${rows.length > 5 ? ` (${rows.length} ${query.grain}s)` : ''}.`;
  }
  if (query.grain && keys.length === 1) {
    const first = rows[0] as unknown[];
    const lastRow = rows[rows.length - 1] as unknown[];
    const peak = rows.reduce(
      (best, r) => ((r[metricIndex] as number) > (best[metricIndex] as number) ? r : best),
      first,
    );
    // A running total only grows: its peak is its end, said once.
    const peaking =
      query.running?.kind === 'total' ? '' : `, peaking at ${fmt(peak[metricIndex])} (${label(peak)})`;
    return `${subject} by ${query.grain} ${when}: ${rows.length} ${query.grain}${rows.length === 1 ? '' : 's'}, from ${fmt(first[metricIndex])} (${label(first)}) to ${fmt(
      lastRow[metricIndex],
    )} (${label(lastRow)})${peaking}.`;
  }
  const byWhat = keys.map((k) => k.label.toLowerCase()).join(' and ');
  const ascending = query.order?.by === 'metric' && query.order.direction === 'asc';
  // The real extreme, whatever order the rows come in (a series split by a second dimension).
  const numeric = rows.filter((r) => typeof r[metricIndex] === 'number');
  const beats = (a: unknown[], b: unknown[]) =>
    ascending
      ? (a[metricIndex] as number) < (b[metricIndex] as number)
      : (a[metricIndex] as number) > (b[metricIndex] as number);
  const top = numeric.reduce((best, r) => (beats(r, best) ? r : best), (numeric[0] ?? rows[0]) as unknown[]);
  const additive = metric.additive === true;
  const total = values.reduce((a, b) => a + b, 0);
  const share =
    additive && total > 0 && rows.length > 1 && !query.limit
      ? `, ${((100 * (top[metricIndex] as number)) / total).toFixed(0)}% of the total ${fmt(total)}`
      : '';
  const lead = ascending ? 'lowest' : 'highest';
  const changeIndex = columns.findIndex((c) => c.role === 'change' && c.metric === metric.metric);
  const previousIndex = columns.findIndex((c) => c.role === 'previous' && c.metric === metric.metric);
  const topPrevious = top[previousIndex];
  const change =
    changeIndex < 0 || !compared
      ? ''
      : topPrevious === null || topPrevious === undefined
        ? ` (no data ${during(compared)})`
        : ` (${movement(top[changeIndex], top[metricIndex], topPrevious)} vs ${compared})`;
  const count = `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`;
  const unrecorded = (row: unknown[]) =>
    keys.filter((k) => k.role === 'dimension' && isNoMember(row[columns.indexOf(k)]));
  const missing = unrecorded(top);
  if (missing.length === 0)
    return `${subject} by ${byWhat} ${when}: ${label(top)} is ${lead} with ${fmt(top[metricIndex])}${change}${share} ${count}.`;
  // Never "(none) is highest": say that the leading group is the one with nothing recorded.
  const none = `no ${missing.map((k) => k.label.toLowerCase()).join(' or ')} recorded`;
  const named = keys
    .filter((k) => !missing.includes(k))
    .map((k) => keyWords(k, top[columns.indexOf(k)], extent))
    .join(' / ');
  const leader = named
    ? `${named} with ${none} is ${lead} with ${fmt(top[metricIndex])}`
    : `the ${ascending ? 'smallest' : 'largest'} group has ${none}, with ${fmt(top[metricIndex])}`;
  const recorded = numeric.filter((r) => unrecorded(r).length === 0);
  const runnerUp = recorded.reduce<unknown[] | undefined>(
    (best, r) => (!best || beats(r, best) ? r : best),
    undefined,
  );
  const next = runnerUp
    ? `; of those with ${missing.map((k) => `a ${k.label.toLowerCase()}`).join(' and ')} recorded, ${label(runnerUp)} is ${lead} with ${fmt(runnerUp[metricIndex])}`
    : '';
  return `${subject} by ${byWhat} ${when}: ${leader}${change}${share}${next} ${count}.`;
}
