/**
 * The channel-neutral reply: what Teams, Slack and the terminal render. A sentence, KPIs with
 * their change, a chart image, the top rows, the SQL, and the actions a person can take next.
 */
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import { isNoMember, NO_MEMBER } from '../semantic-catalog/members.ts';
import { columnPeriodName } from '../semantic-catalog/period-words.ts';
import type { Answer } from './answer.ts';
import { type ComparedPeriods, columnLabel, formatCell, formatChange, formatValue } from './format.ts';

export interface Kpi {
  label: string;
  value: string;
  /** "up 12.3% vs the same period a year earlier". */
  delta?: string;
  direction?: 'up' | 'down' | 'flat';
  /** Whether the change is good news, by the metric's higher_is_better. */
  good?: boolean;
}

export type ReplyAction =
  | { type: 'show_sql'; label: string }
  | { type: 'feedback'; label: string; value: 'up' | 'down' }
  | { type: 'ask'; label: string; question: string }
  | { type: 'download'; label: string; url: string }
  | { type: 'alert'; label: string; verb: AlertVerb; alert: string; day: string };

/** What a person can do with an alert: seen it, quiet for a week, or tell Tally it was wrong. */
export type AlertVerb = 'acknowledge' | 'snooze' | 'dismiss';

export interface Reply {
  status: Answer['status'];
  question: string;
  summary: string;
  kpis: Kpi[];
  /** `url` is sized for a chat card; `fullUrl` is the larger image behind a link. */
  chart?: { url: string; alt: string; title: string; fullUrl?: string };
  table?: { columns: string[]; rows: string[][]; totalRows: number };
  sql?: string;
  /** Time range and definitions, in words. */
  context: string[];
  choices: { label: string; question: string }[];
  actions: ReplyAction[];
}

export interface ReplyAssets {
  chart?: { url: string; alt: string; title: string; fullUrl?: string };
  csvUrl?: string;
  /** What should have come with the answer but couldn't be drawn or stored (the store is down). */
  unavailable?: Unavailable[];
}

export type Unavailable = 'chart' | 'export';

/** Said in the reply itself, so a missing chart or download never looks like there was none. */
export function unavailableNotice(missing: Unavailable[]): string | undefined {
  const chart = missing.includes('chart');
  const csv = missing.includes('export');
  if (chart && csv) return 'Chart and CSV download unavailable right now.';
  if (chart) return 'Chart unavailable right now.';
  if (csv) return 'CSV download unavailable right now.';
  return undefined;
}

export const MAX_TABLE_ROWS = 10;

export function buildReply(
  answer: Answer,
  assets: ReplyAssets = {},
  goodWhenHigher: (metric: string) => boolean = () => true,
): Reply {
  const reply: Reply = {
    status: answer.status,
    question: answer.question,
    summary: answer.status === 'answer' ? answer.summary : (answer.message ?? answer.summary),
    kpis: [],
    context: [],
    choices: answer.choices ?? [],
    actions: [],
  };
  if (answer.status !== 'answer') {
    reply.actions = (answer.suggestions ?? []).map((q) => ({ type: 'ask', label: q, question: q }));
    return reply;
  }
  const fields =
    answer.fields ??
    answer.columns.map(
      (c): OutputColumn => ({
        name: c.name,
        role: c.type === 'number' ? 'metric' : 'dimension',
        label: c.name,
      }),
    );
  const keys = fields.filter((f) => f.role === 'time' || f.role === 'dimension');
  if (keys.length === 0 && answer.rows.length === 1)
    reply.kpis = kpisOf(fields, answer.rows[0] as unknown[], goodWhenHigher, answer.period);
  if (assets.chart) reply.chart = assets.chart;
  const notice = unavailableNotice(assets.unavailable ?? []);
  if (notice) reply.summary = `${reply.summary}\n\n${notice}`;
  if (answer.rows.length > 0 && (keys.length > 0 || answer.rows.length > 1)) {
    const shown = fields.filter((f) => f.role !== 'scaled');
    reply.table = {
      columns: shown.map((f) => columnLabel(f, fields, answer.period)),
      rows: answer.rows
        .slice(0, MAX_TABLE_ROWS)
        .map((row) => shown.map((f) => formatCell(row[fields.indexOf(f)], f))),
      totalRows: answer.rows.length,
    };
  }
  if (answer.sql) reply.sql = answer.sql;
  if (answer.interpretation) reply.context.push(`Answered: ${answer.interpretation.text}`);
  // The restatement already says the time and the filters; the definitions say how each is measured.
  for (const m of answer.explanation?.metrics ?? []) reply.context.push(`${m.label}: ${m.definition}`);
  if (answer.sql) reply.actions.push({ type: 'show_sql', label: 'Show SQL' });
  if (assets.csvUrl) reply.actions.push({ type: 'download', label: 'Download CSV', url: assets.csvUrl });
  reply.actions.push(
    { type: 'feedback', label: 'Helpful', value: 'up' },
    { type: 'feedback', label: 'Not helpful', value: 'down' },
  );
  for (const question of followUps(fields, answer.rows))
    reply.actions.push({ type: 'ask', label: question, question });
  return reply;
}

function kpisOf(
  fields: OutputColumn[],
  row: unknown[],
  goodWhenHigher: (metric: string) => boolean,
  period?: ComparedPeriods,
): Kpi[] {
  return fields.flatMap((field, i) => {
    if (field.role !== 'metric') return [];
    const kpi: Kpi = { label: field.label, value: formatValue(row[i], field.format) };
    const changeIndex = fields.findIndex((f) => f.role === 'change' && f.metric === field.metric);
    const change = row[changeIndex];
    if (changeIndex >= 0 && typeof change === 'number' && Number.isFinite(change)) {
      const previousIndex = fields.findIndex((f) => f.role === 'previous' && f.metric === field.metric);
      kpi.direction = Math.abs(change) < 0.05 ? 'flat' : change > 0 ? 'up' : 'down';
      const when = period?.compared && columnPeriodName(period.compared, period.range);
      // Digests cut the delta at " (was": the period goes inside it.
      const over = when ? ` ${/^\d{1,2}\D/.test(when) ? 'over' : 'in'} ${when}` : '';
      kpi.delta = `${formatChange(change)} (was ${formatValue(row[previousIndex], field.format)}${over})`;
      kpi.good =
        kpi.direction === 'flat'
          ? undefined
          : (kpi.direction === 'up') === goodWhenHigher(field.metric ?? field.name);
    }
    return [kpi];
  });
}

/** Next questions that make sense for this shape of answer. */
function followUps(fields: OutputColumn[], rows: unknown[][]): string[] {
  const suggestions: string[] = [];
  const dimension = fields.find((f) => f.role === 'dimension');
  if (!fields.some((f) => f.role === 'time')) suggestions.push('now by month');
  if (!fields.some((f) => f.role === 'previous')) suggestions.push('vs last year');
  const first = dimension && rows[0]?.[fields.indexOf(dimension)];
  // "only (none)" is not a question Tally can read.
  if (!isNoMember(first)) suggestions.push(`only ${first}`);
  return suggestions.slice(0, 3);
}

/**
 * The rows as CSV (RFC 4180), headed as the table is ("Month", "Revenue 2025"); the cells stay as
 * the JSON has them (ISO dates, plain numbers), so a spreadsheet sorts and sums them.
 */
export function toCsv(answer: Answer): string {
  const fields = answer.fields?.length === answer.columns.length ? answer.fields : undefined;
  const quote = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  // A member with nothing recorded is named as the table names it; other empty cells stay empty.
  const cell = (value: unknown, i: number) =>
    quote(
      fields?.[i]?.role === 'dimension' && isNoMember(value)
        ? NO_MEMBER
        : value === null || value === undefined
          ? ''
          : String(value),
    );
  return [
    answer.columns
      .map((c, i) => quote(fields ? columnLabel(fields[i] as OutputColumn, fields, answer.period) : c.name))
      .join(','),
    ...answer.rows.map((row) => row.map(cell).join(',')),
  ].join('\r\n');
}
