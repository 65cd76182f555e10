/**
 * The ask skill: question → understanding → compile → gate → read-only executor → answer.
 * Every turn is audited, whatever its outcome. Channel-neutral: doors hand in a Turn.
 */
import { format as formatSql } from 'sql-formatter';
import type { AppDb } from '../app-db/app-db.ts';
import { metricByName } from '../semantic-catalog/catalog.ts';
import { CompileError, compile } from '../semantic-catalog/compile.ts';
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import { type Executor, ExecutorError } from '../warehouse/executor.ts';
import { checkSql } from '../warehouse/gate.ts';
import { type Answer, emptyAnswer } from './answer.ts';
import { summarize, timeWords } from './summary.ts';

export interface AskDeps {
  catalog: Catalog;
  lexicon: Lexicon;
  executor: Executor;
  appDb: AppDb;
  today: () => IsoDate;
  maxRows: number;
  log: { warn: (obj: object, msg?: string) => void; error: (obj: object, msg?: string) => void };
}

export interface Turn {
  text: string;
  userId?: string;
  channel: string;
  conversationId?: string;
}

const MAX_QUESTION_LENGTH = 1000;

export function displaySql(sql: string): string {
  try {
    return formatSql(sql, { language: 'postgresql', keywordCase: 'upper' });
  } catch {
    return sql;
  }
}

export async function ask(deps: AskDeps, turn: Turn): Promise<Answer> {
  const question = turn.text.trim();
  const answer = await answerQuestion(deps, question);
  await audit(deps, turn, answer);
  return answer;
}

async function answerQuestion(deps: AskDeps, question: string): Promise<Answer> {
  if (question.length > MAX_QUESTION_LENGTH) {
    return {
      ...emptyAnswer(
        question.slice(0, 200),
        'refuse',
        `That question is too long (over ${MAX_QUESTION_LENGTH} characters); please ask it more briefly.`,
      ),
      rule: 'too_long',
    };
  }
  const today = deps.today();
  const started = performance.now();
  const understanding = understand(question, deps.catalog, deps.lexicon, today);
  if (understanding.kind === 'refuse') {
    return {
      ...emptyAnswer(question, 'refuse', understanding.message),
      suggestions: understanding.suggestions,
      rule: understanding.code,
    };
  }
  if (understanding.kind === 'clarify') {
    return { ...emptyAnswer(question, 'clarify', understanding.message), choices: understanding.choices };
  }
  const query = understanding.query;
  let compiled: ReturnType<typeof compile>;
  try {
    compiled = compile(query, deps.catalog, today);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    deps.log.error({ err: error.message, question }, 'compile failed');
    return emptyAnswer(
      question,
      'error',
      'Sorry, I understood the question but could not build a query for it.',
    );
  }
  const understandMs = performance.now() - started;

  const gateStarted = performance.now();
  const verdict = checkSql(compiled.sql, deps.catalog, { maxRows: deps.maxRows });
  const gateMs = performance.now() - gateStarted;
  if (!verdict.ok) {
    deps.log.error({ rule: verdict.rule, sql: compiled.sql }, 'the gate refused compiled SQL');
    return { ...emptyAnswer(question, 'refuse', `I can’t run that: ${verdict.reason}`), rule: verdict.rule };
  }

  const explanation = {
    time: timeWords(query),
    metrics: query.metrics.map((name) => {
      const metric = metricByName(deps.catalog, name);
      return {
        name,
        label: metric?.label ?? name,
        definition: metric?.description || (metric?.expression ?? ''),
      };
    }),
    filters: query.filters.map((f) => `${f.dimension} is ${f.values.join(' or ')}`),
  };
  try {
    const result = await deps.executor.run(verdict.sql);
    const summary = summarize(query, compiled.columns, result.rows);
    return {
      question,
      status: 'answer',
      sql: displaySql(verdict.sql),
      columns: result.columns,
      rows: result.rows,
      summary,
      explanation,
      truncated: result.truncated,
      timings: { understandMs, gateMs, databaseMs: result.durationMs },
    };
  } catch (error) {
    return {
      ...executionError(question, error),
      sql: displaySql(verdict.sql),
      timings: { understandMs, gateMs, databaseMs: 0 },
    };
  }
}

/** An analyst's own SQL, through the same gate and executor. */
export async function runSql(deps: AskDeps, turn: Turn): Promise<Answer> {
  const sql = turn.text;
  const gateStarted = performance.now();
  const verdict = checkSql(sql, deps.catalog, { maxRows: deps.maxRows });
  const gateMs = performance.now() - gateStarted;
  let answer: Answer;
  if (!verdict.ok) {
    answer = {
      ...emptyAnswer(sql, 'refuse', `Refused: ${verdict.reason}`),
      rule: verdict.rule,
      timings: { understandMs: 0, gateMs, databaseMs: 0 },
    };
  } else {
    try {
      const result = await deps.executor.run(verdict.sql);
      const rowsWord = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ` (cut at ${deps.maxRows})` : ''}`;
      answer = {
        question: sql,
        status: 'answer',
        sql: displaySql(verdict.sql),
        columns: result.columns,
        rows: result.rows,
        summary: rowsWord,
        truncated: result.truncated,
        timings: { understandMs: 0, gateMs, databaseMs: result.durationMs },
      };
    } catch (error) {
      answer = { ...executionError(sql, error), sql: displaySql(verdict.sql) };
    }
  }
  await audit(deps, turn, answer);
  return answer;
}

function executionError(question: string, error: unknown): Answer {
  if (error instanceof ExecutorError) {
    const status = error.code === 'permission_denied' ? 'refuse' : 'error';
    return { ...emptyAnswer(question, status, error.message), rule: error.code };
  }
  throw error;
}

async function audit(deps: AskDeps, turn: Turn, answer: Answer): Promise<void> {
  try {
    await deps.appDb.audit({
      userId: turn.userId,
      channel: turn.channel,
      conversationId: turn.conversationId,
      question: turn.text,
      sql: answer.sql ?? undefined,
      status: answer.status,
      rule: answer.rule,
      reason: answer.status === 'answer' ? undefined : answer.message,
      rowCount: answer.rows.length,
      durationMs: answer.timings.understandMs + answer.timings.gateMs + answer.timings.databaseMs,
    });
  } catch (error) {
    // Losing an audit row must not lose the user's answer; it is logged loudly instead.
    deps.log.error({ err: (error as Error).message }, 'audit log write failed');
  }
}
