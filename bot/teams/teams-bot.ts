/**
 * The Teams door: Bot Framework activities in (botbuilder's CloudAdapter through teams-ai's
 * Application), the channel-neutral Reply out as an Adaptive Card. Messages in personal chats,
 * group chats and channels (the @mention removed), card actions (ask, choose, feedback), and
 * conversation references kept for proactive posts. An answer that takes longer than a few
 * seconds is first posted as "Working on it…" and then updated in place, so Teams' 15-second
 * limit is never reached.
 */
import { Application, type TurnState } from '@microsoft/teams-ai';
import { type Activity, CardFactory, type ConversationReference, TeamsInfo, TurnContext } from 'botbuilder';
import type express from 'express';
import { renderAdaptiveCard } from '../../adaptive-cards/teams-card.ts';
import { handleAlertAction } from '../../alerts/actions.ts';
import { accessNamesEmails } from '../../semantic-catalog/access.ts';
import { chatTurn, helpReply } from '../../skills/chat.ts';
import type { Reply } from '../../skills/reply.ts';
import { normaliseText } from '../normalise-text.ts';
import { withRequestLog } from '../request-id.ts';
import { chatDeps, type Runtime } from '../runtime.ts';
import { createEmailCache, type EmailLookup } from '../user-email.ts';
import { GuardedTeamsAdapter, TURN_REQUEST_ID, teamsHandler } from './teams-http.ts';
import { createTeamsOutbox, type TeamsOutbox } from './teams-outbox.ts';

export const TEAMS_CHANNEL = 'teams';
const TURN_FAILED = 'Sorry, something went wrong on my side; the team has been told. Please try again.';
/** After this long, post a placeholder and finish the answer outside the turn. */
const PLACEHOLDER_AFTER_MS = 3000;
/**
 * A typing indicator only for an answer not ready by then, as teams-ai's own timer and botbuilder's
 * ShowTypingMiddleware wait before theirs: a quick answer needs none, and each indicator is one
 * more call to the Bot Connector.
 */
const TYPING_AFTER_MS = 1000;

export interface TeamsBot {
  adapter: GuardedTeamsAdapter;
  app: Application<TurnState>;
  /** Handles POST /api/messages: authenticated first, then the turn. */
  process(req: express.Request, res: express.Response): Promise<void>;
  /** Posts a reply into a conversation Tally has seen before (digests, alerts). */
  post(conversationId: string, reply: Reply): Promise<void>;
  /** Replies that survive a crash: `tally start` runs its recovery. */
  outbox: TeamsOutbox;
}

export { isLocalMode } from '../config.ts';

export function replyActivity(reply: Reply): Partial<Activity> {
  return {
    type: 'message',
    summary: reply.summary,
    attachments: [CardFactory.adaptiveCard(renderAdaptiveCard(reply))],
  };
}

export interface TeamsBotOptions {
  placeholderAfterMs?: number;
  typingAfterMs?: number;
  /**
   * Bot Framework endpoint settings (ToBotFromChannelOpenIdMetadataUrl, …) for clouds other than the
   * public one — and for tests, which point the key endpoints at a local OpenID server.
   */
  authSettings?: Record<string, string | boolean>;
}

export function createTeamsBot(runtime: Runtime, options: TeamsBotOptions = {}): TeamsBot {
  const placeholderAfterMs = options.placeholderAfterMs ?? PLACEHOLDER_AFTER_MS;
  const typingAfterMs = options.typingAfterMs ?? TYPING_AFTER_MS;
  const { config, log } = runtime;
  const adapter = new GuardedTeamsAdapter({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    ...options.authSettings,
  });
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error.message, activity: context.activity.type }, 'teams turn failed');
    await context.sendActivity(TURN_FAILED).catch(() => undefined);
  };
  const app = new Application<TurnState>({
    adapter,
    botAppId: config.MicrosoftAppId,
    // No teams-ai turn state: Tally keeps conversation state in its app database. With a storage,
    // every turn read and wrote three empty states, and a MemoryStorage kept an entry for every
    // conversation ever seen.
    removeRecipientMention: true,
    // teams-ai keeps one typing timer per Application, not per turn: with answers in flight in
    // several conversations, the first turn's timer was the only one and any turn's end stopped it.
    // Each turn here sends its own (answer, below).
    startTypingTimer: false,
    longRunningMessages: false,
  });
  const deps = chatDeps(runtime);
  const outbox = createTeamsOutbox(runtime, adapter);
  const asker = teamsAsker(runtime, createEmailCache(log));
  // The HTTP request's id and child logger, for the turn's audit row and every line it logs.
  const forRequest = (context: TurnContext) => {
    const requestId = context.turnState.get(TURN_REQUEST_ID) as string | undefined;
    return { deps: withRequestLog(deps, log, requestId), requestId };
  };

  const remember = async (context: TurnContext) => {
    const reference = TurnContext.getConversationReference(context.activity);
    await runtime.appDb
      .saveReference(`teams:${context.activity.conversation.id}`, TEAMS_CHANNEL, reference)
      .catch((error: Error) => {
        log.error({ err: error.message }, 'cannot store the conversation reference');
      });
  };

  const answer = async (context: TurnContext, typed: string) => {
    const text = normaliseText(typed);
    const activity = context.activity;
    // Recorded before anything else: from here on a crash still ends in one reply (teams-outbox.ts).
    // It also keeps the conversation reference (remember's work), in the same statement.
    const turnId = await outbox.receive(context, text, activity.from?.aadObjectId ?? activity.from?.id);
    // The answer starts at once, never waiting for the typing indicator's round trip to the
    // connector; the indicator goes out only if the answer isn't ready within typingAfterMs, and
    // what the turn sends next waits for it, so it never arrives after the reply.
    let typing: Promise<void> | undefined;
    const typingTimer = setTimeout(() => {
      typing = context.sendActivity({ type: 'typing' }).then(
        () => undefined,
        (error: Error) => log.warn({ err: error.message }, 'typing indicator not sent'),
      );
    }, typingAfterMs);
    const request = forRequest(context);
    const work = asker(context)
      .then((who) =>
        chatTurn(request.deps, {
          id: turnId,
          requestId: request.requestId,
          text,
          ...who,
          channel: TEAMS_CHANNEL,
          conversationId: `teams:${activity.conversation.id}`,
          place: { channel: 'teams', conversationId: activity.conversation.id },
        }),
      )
      .then(replyActivity, (error: Error) => {
        request.deps.log.error({ err: error.message }, 'teams answer failed');
        return { type: 'message', text: TURN_FAILED };
      })
      .then(async (reply) => ({ reply, id: await outbox.store(turnId, reply) }));
    const early = await Promise.race([work, sleep(placeholderAfterMs)]);
    clearTimeout(typingTimer);
    await typing;
    if (early) {
      await outbox.deliver(early.id, early.reply, (reply) => context.sendActivity(reply));
      return;
    }
    const placeholder = await context.sendActivity('Working on it…');
    await outbox.placeholder(turnId, placeholder?.id).catch(() => undefined);
    const later = outbox.sendLater(TurnContext.getConversationReference(activity));
    void work
      .then(({ reply, id }) =>
        outbox.deliver(id, reply, (stored, placeholderId) =>
          later(stored, placeholderId ?? placeholder?.id ?? null),
        ),
      )
      .catch((error: Error) => request.deps.log.error({ err: error.message }, 'late teams answer failed'));
  };

  app.adaptiveCards.actionSubmit<{ question?: string }>(['ask', 'choose'], async (context, _state, data) => {
    if (typeof data.question !== 'string' || !data.question.trim()) {
      await context.sendActivity('That button has no question attached; please type your question.');
      return;
    }
    await answer(context, data.question);
  });
  app.adaptiveCards.actionSubmit<{ value?: string; question?: string }>(
    'feedback',
    async (context, _state, data) => {
      const rating = data.value === 'up' || data.value === 'down' ? data.value : undefined;
      if (!rating) {
        await context.sendActivity('Sorry, I could not read that feedback.');
        return;
      }
      const state = await runtime.appDb
        .loadConversation<{ lastSql?: string }>(`teams:${context.activity.conversation.id}`)
        .catch(() => undefined);
      await runtime.appDb.saveFeedback({
        channel: TEAMS_CHANNEL,
        conversationId: `teams:${context.activity.conversation.id}`,
        userId: context.activity.from?.aadObjectId ?? context.activity.from?.id,
        rating,
        question: typeof data.question === 'string' ? normaliseText(data.question).slice(0, 2000) : undefined,
        sql: state?.lastSql,
      });
      await context.sendActivity(
        rating === 'up'
          ? 'Thanks! Glad it helped.'
          : 'Thanks for telling me; I’ve noted it so the catalog can be improved.',
      );
    },
  );
  app.adaptiveCards.actionSubmit<{ action?: string; alert?: string; day?: string }>(
    'alert',
    async (context, _state, data) => {
      const from = context.activity.from;
      const message = await handleAlertAction(deps.alertActions, {
        verb: data.action,
        alert: data.alert,
        day: data.day,
        userId: from?.aadObjectId ?? from?.id,
        who: from?.name,
        channel: TEAMS_CHANNEL,
      });
      await context.sendActivity(message);
    },
  );
  // Action.Execute (Universal Actions): the answer card replaces the clicked card.
  app.adaptiveCards.actionExecute<{ question?: string }>(['ask', 'choose'], async (context, _state, data) => {
    if (typeof data.question !== 'string' || !data.question.trim())
      return 'That button has no question attached; please type your question.';
    const request = forRequest(context);
    const reply = await chatTurn(request.deps, {
      requestId: request.requestId,
      text: normaliseText(data.question),
      ...(await asker(context)),
      channel: TEAMS_CHANNEL,
      conversationId: `teams:${context.activity.conversation.id}`,
    });
    return renderAdaptiveCard(reply) as never;
  });
  // Any other card invoke gets a polite answer rather than an error.
  app.activity(
    async (context) => context.activity.type === 'invoke' && context.activity.name === 'adaptiveCard/action',
    async (context) => {
      log.warn({ verb: context.activity.value?.action?.verb ?? null }, 'unknown card action');
      await context.sendActivity({
        type: 'invokeResponse',
        value: {
          status: 200,
          body: {
            statusCode: 200,
            type: 'application/vnd.microsoft.activity.message',
            value: 'Sorry, I don’t know that button. Please type your question.',
          },
        },
      });
    },
  );
  app.conversationUpdate('membersAdded', async (context) => {
    await remember(context);
    const botJoined = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient?.id);
    if (botJoined) await context.sendActivity(replyActivity(helpReply(runtime.catalog)));
  });
  app.activity('installationUpdate', async (context) => {
    await remember(context);
  });
  // Every other message, text or an unknown button, lands here (registered last, so card actions win).
  app.activity('message', async (context) => {
    const text = (context.activity.text ?? '').trim();
    if (!text && context.activity.value) {
      await context.sendActivity('Sorry, I did not understand that button. Please type your question.');
      return;
    }
    await answer(context, text);
  });

  return {
    adapter,
    app,
    outbox,
    process: teamsHandler(adapter, app, log),
    post: async (conversationId, reply) => {
      const stored = await runtime.appDb.loadReference<Partial<ConversationReference>>(
        `teams:${conversationId}`,
      );
      if (!stored)
        throw new Error(`Tally has no conversation reference for Teams conversation ${conversationId}`);
      await adapter.continueConversationAsync(config.MicrosoftAppId, stored.reference, async (context) => {
        await context.sendActivity(replyActivity(reply));
      });
    },
  };
}

/**
 * Who asks: their AAD object id, and their e-mail address (from the conversation's member record,
 * through the Bot Connector API) when the catalog's access rules name people by e-mail.
 */
function teamsAsker(runtime: Runtime, emails: EmailLookup) {
  return async (
    context: TurnContext,
  ): Promise<{ userId?: string; userName?: string; userEmail?: string }> => {
    const from = context.activity.from;
    const userId = from?.aadObjectId ?? from?.id;
    const userName = from?.name;
    if (!userId || !from?.id || !accessNamesEmails(runtime.catalog)) return { userId, userName };
    const userEmail = await emails(userId, async () => (await TeamsInfo.getMember(context, from.id)).email);
    return { userId, userName, userEmail };
  };
}

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
