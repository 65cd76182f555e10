/**
 * The model as a second reader, for questions the offline reading could not ground:
 *
 *   may ask? (eligible.ts) → catalog slice → messages → model (strict JSON) → parse → ground
 *   → plan → compile → gate → read-only executor → answer restated, marked "read with AI"
 *
 * or, where the catalog allows SQL and the model wrote it: gate → executor, with its refusal or
 * error sent back for a repair at most twice, then an honest give-up. A model that is down, slow
 * or declines leaves the offline clarification or refusal standing; a reply that doesn't pass is
 * refused and nothing of it runs.
 */
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import type { Understanding } from '../semantic-catalog/understand/parse.ts';
import { gateCatalog } from '../skills/access-scope.ts';
import { type Answer, emptyAnswer } from '../skills/answer.ts';
import { answerQuery } from '../skills/ask.ts';
import { type ChatFn, type ChatMessage, ModelError } from './client.ts';
import { mayAskModel } from './eligible.ts';
import { groundReply } from './ground.ts';
import type { ModelPolicy } from './policy.ts';
import { buildMessages } from './prompt.ts';
import { parseReply, replyJsonSchema } from './reply.ts';
import { catalogSlice } from './slice.ts';
import { answerWithSql } from './sql-answer.ts';
import * as say from './wording.ts';

export type ModelOutcome = 'answer' | 'declined' | 'invalid' | 'sql_refused' | 'unavailable';

export interface SecondReaderDeps {
  chat: ChatFn;
  /** The model's name as the reply shows it. */
  model: string;
  policy: ModelPolicy;
  /** Each call to the model: how it ended and how long it took. */
  onCall?: (outcome: 'ok' | 'error', ms: number, tokens?: number) => void;
}

/**
 * The turn's own dependencies, as the ask skill scoped them (a person's access, their executor):
 * the model's reading runs with exactly what an offline reading of the same turn would.
 */
export type TurnDeps = Parameters<typeof answerQuery>[0] & { lexicon: Lexicon };

export type SecondReader = (
  question: string,
  understanding: Understanding,
  turn: { today: IsoDate; user?: string; deps: TurnDeps },
) => Promise<{ answer: Answer; query?: SemanticQuery } | undefined>;

export function createSecondReader(model: SecondReaderDeps): SecondReader {
  return async (question, understanding, { today, user, deps: turnDeps }) => {
    const deps = { ...turnDeps, ...model };
    if (!deps.policy.enabled) return undefined;
    if (!mayAskModel(question, understanding, deps.catalog, deps.lexicon, today)) return undefined;
    const sqlAllowed = deps.policy.sql;
    const slice = catalogSlice(question, deps.catalog, deps.lexicon, {
      sql: sqlAllowed,
      tablesFrom: gateCatalog(deps),
    });
    const schema = replyJsonSchema(slice, deps.catalog.grains, sqlAllowed);
    const messages = buildMessages(question, slice, today, sqlAllowed);
    const started = performance.now();
    const ask = async (conversation: ChatMessage[]) => {
      const callStarted = performance.now();
      try {
        const reply = await deps.chat(conversation, schema);
        deps.onCall?.('ok', performance.now() - callStarted, reply.tokens);
        return reply.content;
      } catch (error) {
        deps.onCall?.('error', performance.now() - callStarted);
        throw error;
      }
    };

    let content: string;
    try {
      content = await ask(messages);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      deps.log.warn(
        { code: error.code, err: error.message, question },
        'the language model could not read the question',
      );
      return undefined;
    }
    const parsed = parseReply(content, sqlAllowed);
    if (!parsed.ok) return refused(question, parsed.reason, understanding);
    const { reply } = parsed;
    if (!reply.answerable) return undefined;
    const semantic = reply.metrics.length + reply.dimensions.length > 0;
    if (reply.sql && !semantic)
      return {
        answer: await answerWithSql(deps, { question, messages, content, reply, user, ask, started }),
      };
    if (reply.sql) return refused(question, 'it gave both a reading and SQL', understanding);
    const grounded = groundReply(question, reply, slice, deps.catalog, deps.lexicon, today);
    if (!grounded.ok) return refused(question, grounded.reason, understanding);
    const planned = grounded.understanding;
    if (planned.kind === 'refuse')
      return {
        answer: {
          ...emptyAnswer(question, 'refuse', say.modelReadingRefused(deps.model, planned.message)),
          rule: planned.code,
        },
      };
    if (planned.kind === 'clarify')
      return {
        answer: {
          ...emptyAnswer(question, 'clarify', say.modelReadingRefused(deps.model, planned.message)),
          choices: planned.choices,
        },
      };
    const answer = await answerQuery(
      deps,
      question,
      planned.query,
      today,
      performance.now() - started,
      user,
      planned.said,
    );
    if (answer.interpretation)
      answer.interpretation = {
        ...answer.interpretation,
        text: say.readWithModel(deps.model, answer.interpretation.text),
      };
    return { answer, query: planned.query };
  };
}

function refused(question: string, reason: string, offline: Understanding) {
  const before = offline.kind === 'query' ? '' : offline.message;
  return {
    answer: {
      ...emptyAnswer(question, 'refuse', say.modelReplyInvalid(before, reason)),
      rule: 'model_invalid',
    },
  };
}
