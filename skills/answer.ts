/** The channel-neutral answer: what every door (CLI, Teams, Slack) renders. Its JSON is the DESIGN.md contract. */
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { TimeRange } from '../semantic-catalog/query.ts';
import type { Interpretation } from '../semantic-catalog/restate.ts';
import type { ColumnType } from '../warehouse/executor.ts';

export type AnswerStatus = 'answer' | 'clarify' | 'refuse' | 'error';

export interface Answer {
  question: string;
  status: AnswerStatus;
  sql: string | null;
  columns: { name: string; type: ColumnType }[];
  rows: unknown[][];
  /** What each column is (time, dimension, metric, previous value, change) and how to format it. */
  fields?: OutputColumn[];
  summary: string;
  message?: string;
  choices?: { label: string; question: string }[];
  suggestions?: string[];
  /** What was answered, restated from the query: every answer carries one. */
  interpretation?: Interpretation;
  /** How the answer was reached: time range in words, metric definitions, filters. */
  explanation?: {
    time: string;
    metrics: { name: string; label: string; definition: string }[];
    filters: string[];
  };
  truncated?: boolean;
  /** The range asked and compared, and the day asked: a chart names its periods and marks one not over. */
  period?: { range?: TimeRange; compared?: TimeRange; today: IsoDate };
  /** Answered with a query an admin verified in chat (skills/verified-answer.ts). */
  verified?: { by: string; on: string };
  /** Refusals: the rule that refused (gate rule or understanding code). */
  rule?: string;
  /** Why it failed in the database's own words: for the log and the audit row, never shown (ask() drops it). */
  detail?: string;
  timings: { understandMs: number; gateMs: number; databaseMs: number };
  /** The optional language model's part (issue 13), when it was asked: for the audit row, /metrics and `eval --llm`. */
  model?: ModelUse;
}

/**
 * How a question's visit to the language model ended: `read` (its reading was used, whatever the
 * answer's status), `declined`, `invalid` (failed Tally's checks), `sql_refused` (its SQL never
 * passed), `unavailable` (down, slow, rate-limited past the retries) or `over_budget` (not asked).
 */
export interface ModelUse {
  outcome: 'read' | 'declined' | 'invalid' | 'sql_refused' | 'unavailable' | 'over_budget';
  calls: number;
  ms: number;
  promptTokens: number;
  completionTokens: number;
}

export function emptyAnswer(question: string, status: AnswerStatus, message: string): Answer {
  return {
    question,
    status,
    sql: null,
    columns: [],
    rows: [],
    summary: message,
    message,
    timings: { understandMs: 0, gateMs: 0, databaseMs: 0 },
  };
}
