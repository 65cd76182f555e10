/**
 * One question's calls to the model, counted: each is claimed against the person's daily budget
 * first (in the app database, so every replica counts the same), then timed, and its tokens added
 * to the question's ModelUse for the audit row; /metrics hears of each call as it ends.
 */
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { ModelUse } from '../skills/answer.ts';
import { type ChatFn, type ChatMessage, ModelError } from './client.ts';

export interface CallHooks {
  chat: ChatFn;
  log: { warn: (obj: object, msg?: string) => void };
  /** Each call: how it ended, how long it took, the tokens the API says it used. */
  onCall?: (outcome: 'ok' | 'error', ms: number, usage?: { prompt: number; completion: number }) => void;
  /** Claims one call for a person on a day; false once their OPENAI_DAILY_CALLS_PER_USER are spent. */
  budget?: { limit: number; claim: (user: string, day: IsoDate) => Promise<boolean> };
}

export function newModelUse(): ModelUse {
  return { outcome: 'unavailable', calls: 0, ms: 0, promptTokens: 0, completionTokens: 0 };
}

/** The question's `ask`: messages in, the model's JSON text out, or a ModelError. */
export function countedAsk(
  hooks: CallHooks,
  schema: Parameters<ChatFn>[1],
  use: ModelUse,
  who: { user?: string; today: IsoDate },
): (conversation: ChatMessage[]) => Promise<string> {
  return async (conversation) => {
    await claim(hooks, who);
    use.calls++;
    const started = performance.now();
    try {
      const reply = await hooks.chat(conversation, schema);
      const ms = performance.now() - started;
      use.ms += ms;
      use.promptTokens += reply.usage?.prompt ?? 0;
      use.completionTokens += reply.usage?.completion ?? 0;
      hooks.onCall?.('ok', ms, reply.usage);
      return reply.content;
    } catch (error) {
      const ms = performance.now() - started;
      use.ms += ms;
      hooks.onCall?.('error', ms);
      throw error;
    }
  };
}

async function claim(hooks: CallHooks, who: { user?: string; today: IsoDate }): Promise<void> {
  if (!hooks.budget) return;
  let allowed: boolean;
  try {
    // Without a user id (a digest, a script) the calls share one budget: never unlimited by omission.
    allowed = await hooks.budget.claim(who.user ?? '', who.today);
  } catch (error) {
    // An uncounted call could overrun the budget; the offline answer is the safe side.
    hooks.log.warn({ err: (error as Error).message }, 'cannot count the model call; not asking the model');
    throw new ModelError('model_unavailable', 'the model budget could not be checked');
  }
  if (!allowed) throw new ModelError('model_over_budget', `over ${hooks.budget.limit} calls today`);
}
