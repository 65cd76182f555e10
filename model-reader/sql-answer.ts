/**
 * The model's SQL, where a catalog allows it: through the same gate and read-only executor as an
 * analyst's `tally sql`. A gate refusal or a database error goes back to the model with the
 * reason (a repair), at most twice; then Tally gives up and says so.
 */
import { gateCatalog, tablesAccessNote, withAccess } from '../skills/access-scope.ts';
import { type Answer, emptyAnswer } from '../skills/answer.ts';
import { displaySql } from '../skills/ask.ts';
import { ExecutorError } from '../warehouse/executor.ts';
import { checkSql } from '../warehouse/gate.ts';
import type { ChatMessage } from './client.ts';
import { repairMessage } from './prompt.ts';
import { type ModelReply, parseReply } from './reply.ts';
import type { SecondReaderDeps, TurnDeps } from './second-reader.ts';
import * as say from './wording.ts';

export const MAX_REPAIRS = 2;

interface Attempt {
  question: string;
  messages: ChatMessage[];
  content: string;
  reply: ModelReply;
  user?: string;
  ask: (messages: ChatMessage[]) => Promise<string>;
  started: number;
}

type Tried = { ok: true; answer: Answer } | { ok: false; reason: string; rule: string; final?: boolean };

export async function answerWithSql(deps: SecondReaderDeps & TurnDeps, attempt: Attempt): Promise<Answer> {
  const conversation = [...attempt.messages];
  let { content, reply } = attempt;
  let last: Extract<Tried, { ok: false }> = { ok: false, reason: 'no SQL', rule: 'model_sql' };
  for (let tries = 1; ; tries++) {
    const tried =
      reply.sql && reply.answerable
        ? await trySql(deps, attempt, reply)
        : { ok: false as const, reason: 'it gave no SQL', rule: 'model_sql', final: true };
    if (tried.ok) return tried.answer;
    last = tried;
    if (tried.final || tries > MAX_REPAIRS) {
      const answer = emptyAnswer(attempt.question, 'refuse', say.sqlGaveUp(deps.model, tries, tried.reason));
      return { ...answer, rule: last.rule };
    }
    conversation.push({ role: 'assistant', content }, repairMessage(tried.reason));
    try {
      content = await attempt.ask(conversation);
    } catch (error) {
      deps.log.warn({ err: (error as Error).message }, 'the language model failed during a repair');
      return {
        ...emptyAnswer(attempt.question, 'refuse', say.sqlGaveUp(deps.model, tries, tried.reason)),
        rule: last.rule,
      };
    }
    const parsed = parseReply(content, true);
    if (!parsed.ok) {
      return {
        ...emptyAnswer(attempt.question, 'refuse', say.sqlGaveUp(deps.model, tries + 1, parsed.reason)),
        rule: 'model_invalid',
      };
    }
    reply = parsed.reply;
  }
}

async function trySql(
  deps: SecondReaderDeps & TurnDeps,
  attempt: Attempt,
  reply: ModelReply,
): Promise<Tried> {
  const sql = reply.sql?.query ?? '';
  // The person's access, as an offline reading has it: the gate sees only what they may read, and
  // the executor runs with their groups even when handed deps that were never scoped.
  const scoped = withAccess(deps);
  const verdict = checkSql(sql, gateCatalog(scoped), { maxRows: deps.maxRows });
  if (!verdict.ok)
    return {
      ok: false,
      reason: `the gate refused it (${verdict.rule}): ${verdict.reason}`,
      rule: verdict.rule,
    };
  try {
    const result = await scoped.executor.run(verdict.sql, { user: attempt.user });
    const rows = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
    return {
      ok: true,
      answer: {
        question: attempt.question,
        status: 'answer',
        sql: displaySql(verdict.sql),
        columns: result.columns,
        rows: result.rows,
        summary: [rows, tablesAccessNote(scoped, verdict.tables)].filter(Boolean).join('. '),
        interpretation: {
          text: say.sqlRestatement(deps.model, verdict.tables, reply.sql?.explanation ?? ''),
          parts: [],
          corrections: [],
        },
        truncated: result.truncated,
        timings: {
          understandMs: performance.now() - attempt.started,
          gateMs: 0,
          databaseMs: result.durationMs,
        },
      },
    };
  } catch (error) {
    if (!(error instanceof ExecutorError)) throw error;
    // Only the database's verdict on the SQL itself is worth a repair; a timeout or a busy user is not.
    const final = error.code !== 'query_failed';
    return {
      ok: false,
      reason: `PostgreSQL could not run it (${error.sqlState ?? error.code}: ${error.message})`,
      rule: error.code,
      final,
    };
  }
}
