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
import { type Answer, emptyAnswer, type ModelUse } from '../skills/answer.ts';
import { answerQuery, unplacedAnswer } from '../skills/ask.ts';
import { type CallHooks, countedAsk, newModelUse } from './calls.ts';
import { type ChatMessage, ModelError } from './client.ts';
import { mayAskModel } from './eligible.ts';
import { groundReply } from './ground.ts';
import type { ModelPolicy } from './policy.ts';
import { buildMessages } from './prompt.ts';
import { parseReply, replyJsonSchema } from './reply.ts';
import { catalogSlice } from './slice.ts';
import { answerWithSql } from './sql-answer.ts';
import * as say from './wording.ts';

export interface SecondReaderDeps extends Omit<CallHooks, 'log'> {
  /** The model's name as the reply shows it. */
  model: string;
  policy: ModelPolicy;
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

type Unplaced = Exclude<Understanding, { kind: 'query' }>;
type Read = { answer?: Answer; query?: SemanticQuery; outcome: ModelUse['outcome'] };

/**
 * Undefined when the model may not be asked; otherwise an answer carrying how the model was used,
 * the offline refusal or question back when its reading was not used.
 */
export function createSecondReader(model: SecondReaderDeps): SecondReader {
  return async (question, understanding, { today, user, deps: turnDeps }) => {
    const deps = { ...turnDeps, ...model };
    if (!deps.policy.enabled || understanding.kind === 'query') return undefined;
    if (!mayAskModel(question, understanding, deps.catalog, deps.lexicon, today)) return undefined;
    const use = newModelUse();
    const read = await readWithModel(deps, question, understanding, { today, user }, use);
    use.outcome = read.outcome;
    const answer = read.answer ?? offline(question, understanding, read.outcome, deps.budget?.limit);
    return { answer: { ...answer, model: use }, query: read.query };
  };
}

async function readWithModel(
  deps: SecondReaderDeps & TurnDeps,
  question: string,
  understanding: Unplaced,
  who: { today: IsoDate; user?: string },
  use: ModelUse,
): Promise<Read> {
  const { today, user } = who;
  const sqlAllowed = deps.policy.sql;
  const slice = catalogSlice(question, deps.catalog, deps.lexicon, {
    sql: sqlAllowed,
    tablesFrom: gateCatalog(deps),
  });
  const schema = replyJsonSchema(slice, deps.catalog.grains, sqlAllowed);
  const messages = buildMessages(question, slice, today, sqlAllowed);
  const started = performance.now();
  const ask: (conversation: ChatMessage[]) => Promise<string> = countedAsk(deps, schema, use, who);

  let content: string;
  try {
    content = await ask(messages);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    deps.log.warn(
      { code: error.code, err: error.message, question },
      'the language model could not read the question',
    );
    return { outcome: error.code === 'model_over_budget' ? 'over_budget' : 'unavailable' };
  }
  const parsed = parseReply(content, sqlAllowed);
  if (!parsed.ok) return refused(question, parsed.reason, understanding);
  const { reply } = parsed;
  if (!reply.answerable) return { outcome: 'declined' };
  const semantic = reply.metrics.length + reply.dimensions.length > 0;
  if (reply.sql && !semantic) {
    const answer = await answerWithSql(deps, { question, messages, content, reply, user, ask, started });
    return { answer, outcome: answer.status === 'answer' ? 'read' : 'sql_refused' };
  }
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
      outcome: 'read',
    };
  if (planned.kind === 'clarify')
    return {
      answer: {
        ...emptyAnswer(question, 'clarify', say.modelReadingRefused(deps.model, planned.message)),
        choices: planned.choices,
      },
      outcome: 'read',
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
  return { answer, query: planned.query, outcome: 'read' };
}

function refused(question: string, reason: string, offline: Unplaced): Read {
  return {
    answer: {
      ...emptyAnswer(question, 'refuse', say.modelReplyInvalid(offline.message, reason)),
      rule: 'model_invalid',
    },
    outcome: 'invalid',
  };
}

/** The offline reading stands; over budget, it says why the model wasn't asked. */
function offline(question: string, understanding: Unplaced, outcome: ModelUse['outcome'], limit?: number) {
  const answer = unplacedAnswer(question, understanding);
  if (outcome !== 'over_budget') return answer;
  const message = `${answer.message} ${say.overBudget(limit ?? 0)}`;
  return { ...answer, message, summary: message };
}
