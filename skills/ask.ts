/**
 * The ask skill: a turn → (conversation context) → understanding → compile → gate → read-only
 * executor → answer. Every turn is audited, whatever its outcome. Channel-neutral: doors hand in
 * a Turn and render the Answer.
 *
 * In a conversation the previous query is kept, so "now by month" or "only EMEA" change it, a
 * clarifying question's choice answers the original question, and "show the SQL" shows it.
 */
import { format as formatSql } from 'sql-formatter';
import type { AppDb, AuditEntry } from '../app-db/app-db.ts';
import type { SecondReader } from '../model-reader/second-reader.ts';
import type { PostTarget } from '../scheduler/deliver.ts';
import type { UserAccess } from '../semantic-catalog/access.ts';
import { alignComparedToData } from '../semantic-catalog/compare-to-data.ts';
import { CompileError, compile, TimePrecisionError } from '../semantic-catalog/compile.ts';
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import { restate, type Said } from '../semantic-catalog/restate.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { understandFollowUp } from '../semantic-catalog/understand/follow-up.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { type Understanding, understand } from '../semantic-catalog/understand/parse.ts';
import { type Executor, ExecutorError } from '../warehouse/executor.ts';
import { checkedSql, checkSql } from '../warehouse/gate.ts';
import {
  accessRefusal,
  auditAccess,
  compileOptions,
  gateCatalog,
  queryAccessNote,
  rowsScope,
  withAccess,
} from './access-scope.ts';
import { type Answer, emptyAnswer } from './answer.ts';
import { dataExtent } from './data-extent.ts';
import { defineTerms, explain, isDefinitionQuestion, isShowSql } from './explain.ts';
import { summarize } from './summary.ts';
import { readWithLookedUpValues } from './value-lookup.ts';
import { verifiedReading } from './verified-answer.ts';

export interface AskDeps {
  catalog: Catalog;
  lexicon: Lexicon;
  executor: Executor;
  appDb: AppDb;
  today: () => IsoDate;
  maxRows: number;
  log: { warn: (obj: object, msg?: string) => void; error: (obj: object, msg?: string) => void };
  /** Whose access statements run with (access-scope.ts); set per turn from the Turn. */
  access?: UserAccess;
  /** Metrics: called as a turn starts; what it returns is called with the answer, or nothing on a crash. */
  observe?: (turn: Turn) => (answer?: Answer) => void;
  /** The optional language model (issue 13), asked only about words the offline reading can't place. */
  secondReader?: SecondReader;
}

export interface Turn {
  /** The door's record of this turn (its reply outbox row), kept on the audit row. */
  id?: string;
  text: string;
  userId?: string;
  /** How the door names the person ("Dana", Slack's <@U1>): shown on what they verify. */
  userName?: string;
  /** From the person's profile, when the door has it: access rules may name e-mail addresses. */
  userEmail?: string;
  /** Given instead of the person's own (a digest to a channel: its subscription's access). */
  access?: UserAccess;
  channel: string;
  conversationId?: string;
  /** Where Tally can post to this conversation later (subscriptions). */
  place?: PostTarget;
  /** The HTTP request it came in (bot/request-id.ts), kept on the audit row as in the log. */
  requestId?: string;
}

export interface ConversationState {
  lastQuestion?: string;
  lastQuery?: SemanticQuery;
  lastSql?: string;
  pending?: { question: string; choices: { label: string; question: string }[] };
}

const MAX_QUESTION_LENGTH = 1000;

/** Formatted statements kept, most recent last: formatting is a full parse, and the same SQL recurs. */
export const DISPLAY_SQL_ENTRIES = 500;
const displayed = new Map<string, string>();

export function displaySql(sql: string): string {
  const kept = displayed.get(sql);
  if (kept !== undefined) {
    displayed.delete(sql);
    displayed.set(sql, kept);
    return kept;
  }
  let shown: string;
  try {
    shown = formatSql(sql, { language: 'postgresql', keywordCase: 'preserve' });
  } catch {
    shown = sql;
  }
  displayed.set(sql, shown);
  if (displayed.size > DISPLAY_SQL_ENTRIES) displayed.delete(displayed.keys().next().value as string);
  return shown;
}

/** How many formatted statements are kept (for tests of the bound). */
export function displaySqlKept(): number {
  return displayed.size;
}

/**
 * Readings kept, most recently used last, per catalog and lexicon object: the same words read
 * against the same catalog on the same day read the same (understand is a function of exactly
 * those), and a team asks the same questions all morning. A rebuilt catalog (an admin's overlay)
 * is a new object with a new lexicon, so it starts afresh. Each caller gets its own copy.
 */
export const READINGS_KEPT = 1000;
const readings = new WeakMap<Catalog, WeakMap<Lexicon, Map<string, Understanding>>>();

export function understandKept(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Understanding {
  let byLexicon = readings.get(catalog);
  if (!byLexicon) {
    byLexicon = new WeakMap();
    readings.set(catalog, byLexicon);
  }
  let kept = byLexicon.get(lexicon);
  if (!kept) {
    kept = new Map();
    byLexicon.set(lexicon, kept);
  }
  const key = `${today}\u0000${question}`;
  let reading = kept.get(key);
  if (reading) kept.delete(key);
  else reading = understand(question, catalog, lexicon, today);
  kept.set(key, reading);
  if (kept.size > READINGS_KEPT) kept.delete(kept.keys().next().value as string);
  return structuredClone(reading);
}

/** How many readings are kept for a catalog and lexicon (tests of the bound). */
export function readingsKept(catalog: Catalog, lexicon: Lexicon): number {
  return readings.get(catalog)?.get(lexicon)?.size ?? 0;
}

export async function ask(deps: AskDeps, turn: Turn): Promise<Answer> {
  const finish = deps.observe?.(turn);
  try {
    const answer = await askTurn(deps, turn);
    finish?.(answer);
    return answer;
  } catch (error) {
    finish?.();
    throw error;
  }
}

async function askTurn(unscoped: AskDeps, turn: Turn): Promise<Answer> {
  const deps = withAccess(unscoped, turn);
  const question = turn.text.trim();
  const state = turn.conversationId ? await loadState(deps, turn.conversationId) : {};
  const { answer, query } = await answerTurn(deps, question, state, turn.userId);
  // Both written before the answer is returned, side by side: neither waits for the other's
  // round trip (neither throws: each logs its own failure, the audit after retrying).
  await Promise.all([
    turn.conversationId ? saveState(deps, turn.conversationId, nextState(state, answer, query)) : undefined,
    audit(deps, turn, answer),
  ]);
  return withoutDetail(answer);
}

function nextState(
  state: ConversationState,
  answer: Answer,
  query: SemanticQuery | undefined,
): ConversationState {
  if (answer.status === 'clarify')
    return { ...state, pending: { question: answer.question, choices: answer.choices ?? [] } };
  if (answer.status === 'answer' && query)
    return { lastQuestion: answer.question, lastQuery: query, lastSql: answer.sql ?? undefined };
  return { ...state, pending: undefined };
}

async function answerTurn(
  deps: AskDeps,
  text: string,
  state: ConversationState,
  user: string | undefined,
): Promise<{ answer: Answer; query?: SemanticQuery }> {
  if (text.length > MAX_QUESTION_LENGTH) {
    const message = `That question is too long (over ${MAX_QUESTION_LENGTH} characters); please ask it more briefly.`;
    return { answer: { ...emptyAnswer(text.slice(0, 200), 'refuse', message), rule: 'too_long' } };
  }
  const choice = state.pending && chosen(text, state.pending.choices);
  const question = choice ? choice.question : text;
  if (!choice && isShowSql(text)) {
    if (!state.lastSql)
      return {
        answer: emptyAnswer(
          text,
          'clarify',
          'Ask me a question first; then I can show the SQL behind the answer.',
        ),
      };
    return {
      answer: {
        ...emptyAnswer(text, 'answer', `The SQL behind “${state.lastQuestion}”:`),
        sql: state.lastSql,
      },
    };
  }
  if (!choice && isDefinitionQuestion(text)) {
    const definition = defineTerms(text, deps.catalog, deps.lexicon, deps.today());
    if (definition) return { answer: definition };
  }

  const today = deps.today();
  const started = performance.now();
  let understanding: Understanding | undefined;
  // An admin verified this question in chat: it is answered the way they verified it.
  const verified = choice ? undefined : verifiedReading(question, deps.catalog, deps.lexicon, today);
  if (verified) understanding = { kind: 'query', query: verified.query };
  if (!understanding && !choice && state.lastQuery)
    understanding = understandFollowUp(question, state.lastQuery, deps.catalog, deps.lexicon, today);
  understanding ??= understandKept(question, deps.catalog, deps.lexicon, today);
  // Names too many to learn ("Oak Freight Ltd"): looked up in the warehouse, then read again.
  if (understanding.kind !== 'query')
    understanding = (await readWithLookedUpValues(deps, question, today)) ?? understanding;
  if (understanding.kind !== 'query' && deps.secondReader) {
    const read = await deps.secondReader(question, understanding, { today, user, deps });
    if (read) return read;
  }
  if (understanding.kind !== 'query') return { answer: unplacedAnswer(question, understanding) };
  const answer = await queryAnswer(
    deps,
    question,
    understanding.query,
    today,
    performance.now() - started,
    user,
    understanding.said,
  );
  return {
    answer: verified ? { ...answer, verified: verified.verified } : answer,
    query: understanding.query,
  };
}

/** The offline reading's refusal or question back; the model path ends here too when it can't do better. */
export function unplacedAnswer(
  question: string,
  understanding: Exclude<Understanding, { kind: 'query' }>,
): Answer {
  if (understanding.kind === 'refuse') {
    const answer = emptyAnswer(question, 'refuse', understanding.message);
    return { ...answer, suggestions: understanding.suggestions, rule: understanding.code };
  }
  return { ...emptyAnswer(question, 'clarify', understanding.message), choices: understanding.choices };
}

/** The reply to a clarifying question: its number, its label, or its full question. */
function chosen(text: string, choices: { label: string; question: string }[]) {
  const said = text
    .trim()
    .toLowerCase()
    .replace(/[.!?]+$/, '');
  const ordinal = ['1', '2', '3', '4', '5', '6'].indexOf(said.replace(/^(option|choice|#)\s*/, ''));
  const byWord = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'].findIndex(
    (w) => said.startsWith(`the ${w}`) || said === w,
  );
  return (
    choices[ordinal >= 0 ? ordinal : byWord] ??
    choices.find((c) => c.label.toLowerCase() === said || c.question.toLowerCase() === said)
  );
}

/** A semantic query compiled, gated and run: the answer a question (or a digest's KPI) gets. */
export async function answerQuery(...args: Parameters<typeof queryAnswer>): Promise<Answer> {
  return withoutDetail(await queryAnswer(...args));
}

async function queryAnswer(
  unscoped: Pick<AskDeps, 'catalog' | 'executor' | 'maxRows' | 'log' | 'access'>,
  question: string,
  query: SemanticQuery,
  today: IsoDate,
  understandMs = 0,
  user?: string,
  said?: Said,
): Promise<Answer> {
  const deps = withAccess(unscoped);
  const refused = accessRefusal(deps, question, query);
  if (refused) return refused;
  // Kept per set of visible rows, not per person: the same extent for everyone in a group. Read
  // first, so a comparison with a period the data has not reached ends where the data does.
  const extent = await dataExtent(rowsScope(deps), query);
  query = alignComparedToData(query, extent);
  let compiled: ReturnType<typeof compile>;
  const compileStarted = performance.now();
  try {
    compiled = compile(query, deps.catalog, today, compileOptions(deps));
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    // Finer time than the facts are dated to: an honest refusal, never a different question.
    if (error instanceof TimePrecisionError)
      return { ...emptyAnswer(question, 'refuse', error.message), rule: 'time_precision' };
    deps.log.error({ err: error.message, question }, 'compile failed');
    return emptyAnswer(
      question,
      'error',
      'Sorry, I understood the question but could not build a query for it.',
    );
  }
  understandMs += performance.now() - compileStarted;

  const gateStarted = performance.now();
  const verdict = checkedSql(compiled.sql, gateCatalog(deps), { maxRows: deps.maxRows });
  const gateMs = performance.now() - gateStarted;
  if (!verdict.ok) {
    deps.log.error({ rule: verdict.rule, sql: compiled.sql }, 'the gate refused compiled SQL');
    return { ...emptyAnswer(question, 'refuse', `I can’t run that: ${verdict.reason}`), rule: verdict.rule };
  }
  const explanation = explain(query, deps.catalog);
  const interpretation = restate(query, deps.catalog, said);
  try {
    const result = await deps.executor.run(verdict.sql, { user });
    return {
      question,
      status: 'answer',
      sql: displaySql(verdict.sql),
      columns: result.columns,
      rows: result.rows,
      fields: compiled.columns,
      summary: [summarize(query, compiled.columns, result.rows, extent), queryAccessNote(deps, query)]
        .filter(Boolean)
        .join(' '),
      interpretation: restate(query, deps.catalog, said, extent),
      explanation,
      period: { range: query.time, compared: query.compare?.range, today },
      truncated: result.truncated,
      timings: { understandMs, gateMs, databaseMs: result.durationMs },
    };
  } catch (error) {
    return {
      ...executionError(deps, question, error),
      interpretation,
      sql: displaySql(verdict.sql),
      timings: { understandMs, gateMs, databaseMs: 0 },
    };
  }
}

/** An analyst's own SQL, through the same gate and executor. */
export async function runSql(unscoped: AskDeps, turn: Turn): Promise<Answer> {
  const deps = withAccess(unscoped, turn);
  const sql = turn.text;
  const gateStarted = performance.now();
  const verdict = checkSql(sql, gateCatalog(deps), { maxRows: deps.maxRows });
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
      const result = await deps.executor.run(verdict.sql, { user: turn.userId });
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
      answer = { ...executionError(deps, sql, error), sql: displaySql(verdict.sql) };
    }
  }
  await audit(deps, turn, answer);
  return withoutDetail(answer);
}

/**
 * The database's own words (`time zone displacement out of range`, a column name, a role) go to
 * the log and the audit row; the person gets a plain sentence.
 */
function executionError(deps: Pick<AskDeps, 'log'>, question: string, error: unknown): Answer {
  if (!(error instanceof ExecutorError)) throw error;
  deps.log.warn({ code: error.code, sqlState: error.sqlState, err: error.message, question }, 'query failed');
  const status = error.code === 'permission_denied' ? 'refuse' : 'error';
  const answer = { ...emptyAnswer(question, status, executorMessage(error)), rule: error.code };
  return { ...answer, detail: error.sqlState ? `${error.sqlState}: ${error.message}` : error.message };
}

/** What a person is told for each executor failure; none repeats the database's text. */
export function executorMessage(error: ExecutorError): string {
  switch (error.code) {
    case 'query_failed':
      return 'Sorry, the warehouse could not run the query for this question. The details are logged for the team.';
    case 'permission_denied':
      return 'Tally’s read-only role may not read some of the data this needs.';
    case 'resource_limit':
      return 'The query needs more working space than Tally allows; narrow it or aggregate first.';
    case 'connection_failed':
      return 'I can’t reach the warehouse right now; please try again in a few minutes.';
    // These messages are Tally's own (limits, timeouts, a lost connection), with no database text.
    case 'query_timeout':
    case 'result_too_large':
    case 'connection_lost':
    case 'busy':
      return error.message;
  }
}

/** The answer as doors see it: the detail was for the log and the audit row only. */
function withoutDetail(answer: Answer): Answer {
  if (answer.detail === undefined) return answer;
  const { detail: _detail, ...shown } = answer;
  return shown;
}

async function loadState(deps: AskDeps, id: string): Promise<ConversationState> {
  try {
    return (await deps.appDb.loadConversation<ConversationState>(id)) ?? {};
  } catch (error) {
    deps.log.error({ err: (error as Error).message, conversation: id }, 'cannot load conversation state');
    return {};
  }
}

async function saveState(deps: AskDeps, id: string, state: ConversationState): Promise<void> {
  try {
    await deps.appDb.saveConversation(id, state);
  } catch (error) {
    deps.log.error({ err: (error as Error).message, conversation: id }, 'cannot save conversation state');
  }
}

/** Waits before each retry of an audit row: a moment for a busy or restarting database. */
const AUDIT_RETRY_MS = [100, 400];

async function audit(deps: AskDeps, turn: Turn, answer: Answer): Promise<void> {
  await writeAudit(deps, {
    turnId: turn.id,
    requestId: turn.requestId,
    userId: turn.userId,
    access: auditAccess(deps),
    channel: turn.channel,
    conversationId: turn.conversationId,
    question: turn.text,
    sql: answer.sql ?? undefined,
    status: answer.status,
    rule: answer.rule,
    reason:
      answer.status === 'answer' ? undefined : [answer.message, answer.detail].filter(Boolean).join(' — '),
    rowCount: answer.rows.length,
    durationMs: answer.timings.understandMs + answer.timings.gateMs + answer.timings.databaseMs,
    model: answer.model,
  });
}

/** Writes one audit row, retried after a short wait; a row that still fails is logged whole, never dropped silently. */
export async function writeAudit(deps: Pick<AskDeps, 'appDb' | 'log'>, entry: AuditEntry): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.appDb.audit(entry);
      return;
    } catch (error) {
      const wait = AUDIT_RETRY_MS[attempt];
      if (wait === undefined) {
        // Losing an audit row must not lose the user's answer; the row itself goes to the log instead.
        deps.log.error({ err: (error as Error).message, audit: entry }, 'audit log write failed');
        return;
      }
      deps.log.warn(
        { err: (error as Error).message, attempt: attempt + 1 },
        'audit log write failed; retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
