/** The one-sentence summary of an answer: what was measured, over which time, and what stands out. */
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import { formatDay } from '../semantic-catalog/dates.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import { formatChange, formatValue } from './format.ts';

export function timeWords(query: SemanticQuery): string {
  if (!query.time) return 'across all the data';
  const { from, to, label } = query.time;
  const last = new Date(Date.parse(to) - 86_400_000).toISOString().slice(0, 10);
  const span = from === last ? formatDay(from) : `${formatDay(from)} – ${formatDay(last)}`;
  return /\d{4}/.test(label) ? label : `${label} (${span})`;
}

function filterWords(query: SemanticQuery): string {
  if (query.filters.length === 0) return '';
  return ` for ${query.filters.map((f) => f.values.join(' or ')).join(', ')}`;
}

export function summarize(query: SemanticQuery, columns: OutputColumn[], rows: unknown[][]): string {
  const metricIndex = columns.findIndex((c) => c.role === 'metric');
  const metric = columns[metricIndex];
  if (!metric) return 'Done.';
  const when = timeWords(query);
  const subject = `${metric.label}${filterWords(query)}`;
  if (rows.length === 0) return `There is no data for ${subject.toLowerCase()} ${when}.`;
  const keys = columns.filter((c) => c.role === 'time' || c.role === 'dimension');
  const fmt = (value: unknown) => formatValue(value, metric.format, query.unit);

  if (keys.length === 0) {
    const row = rows[0] as unknown[];
    const others = columns
      .map((c, i) => ({ c, v: row[i] }))
      .filter(({ c }, i) => c.role === 'metric' && i !== metricIndex)
      .map(({ c, v }) => `${c.label.toLowerCase()} ${formatValue(v, c.format)}`);
    let sentence = `${subject} ${when} was ${fmt(row[metricIndex])}`;
    if (query.compare) {
      const previous = row[columns.findIndex((c) => c.role === 'previous' && c.metric === metric.metric)];
      const change = row[columns.findIndex((c) => c.role === 'change' && c.metric === metric.metric)];
      sentence += `, ${formatChange(change) || 'no change'} from ${fmt(previous)} in ${query.compare.range.label}`;
    }
    return `${sentence}${others.length > 0 ? ` (${others.join(', ')})` : ''}.`;
  }

  const values = rows.map((r) => r[metricIndex]).filter((v): v is number => typeof v === 'number');
  const label = (row: unknown[]) => keys.map((k) => String(row[columns.indexOf(k)])).join(' / ');
  if (query.grain && keys.length === 1) {
    const first = rows[0] as unknown[];
    const lastRow = rows[rows.length - 1] as unknown[];
    const peak = rows.reduce(
      (best, r) => ((r[metricIndex] as number) > (best[metricIndex] as number) ? r : best),
      first,
    );
    return `${subject} by ${query.grain} ${when}: ${rows.length} ${query.grain}${rows.length === 1 ? '' : 's'}, from ${fmt(first[metricIndex])} (${label(first)}) to ${fmt(
      lastRow[metricIndex],
    )} (${label(lastRow)}), peaking at ${fmt(peak[metricIndex])} (${label(peak)}).`;
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
  const change =
    changeIndex >= 0 && query.compare
      ? ` (${formatChange(top[changeIndex]) || 'no change'} vs ${query.compare.range.label})`
      : '';
  return `${subject} by ${byWhat} ${when}: ${label(top)} is ${lead} with ${fmt(top[metricIndex])}${change}${share} (${rows.length} ${rows.length === 1 ? 'row' : 'rows'}).`;
}
