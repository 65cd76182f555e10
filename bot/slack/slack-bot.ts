/**
 * The Slack door: @slack/bolt with an ExpressReceiver mounted at /slack/events of the shared server.
 * Requests are verified with the signing secret (bolt answers 401 to forged or stale ones). Every
 * question is acknowledged at once, answered with a "Working on it…" message in the thread, which
 * chat.update then replaces with the Block Kit answer. Retried event deliveries are answered once,
 * across replicas, by claiming the event id in the app database.
 */
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import express from 'express';
import { renderBlockKit } from '../../adaptive-cards/block-kit.ts';
import { handleAlertAction } from '../../alerts/actions.ts';
import { accessNamesEmails } from '../../semantic-catalog/access.ts';
import type { ConversationState } from '../../skills/ask.ts';
import { chatTurn } from '../../skills/chat.ts';
import type { Reply } from '../../skills/reply.ts';
import { type Config, slackConfigured } from '../config.ts';
import { normaliseText } from '../normalise-text.ts';
import { requestIdOf, withRequestLog } from '../request-id.ts';
import { chatDeps, type Runtime } from '../runtime.ts';
import { createEmailCache, type EmailLookup } from '../user-email.ts';
import { deliveryKey, requestWindowGuard } from './slack-replay.ts';

export const SLACK_CHANNEL = 'slack';

type WebClient = App['client'];

export interface SlackBot {
  receiver: ExpressReceiver;
  app: App;
  /** Posts a reply into a Slack channel (digests, alerts). */
  post(channel: string, reply: Reply): Promise<void>;
}

export const slackEnabled = (config: Config): boolean => slackConfigured(config);

/** Text of the message for notifications and clients without blocks. */
function fallback(reply: Reply): string {
  return reply.summary.slice(0, 3000);
}

export function createSlackBot(runtime: Runtime): SlackBot {
  const { config, log } = runtime;
  // The window guard runs first on the receiver's own router, before bolt verifies the signature.
  const router = express.Router();
  router.post('/slack/events', requestWindowGuard(log));
  const receiver = new ExpressReceiver({
    router,
    signingSecret: config.SLACK_SIGNING_SECRET as string,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logLevel: LogLevel.ERROR,
    // The HTTP request's id (bot/request-id.ts) reaches every handler as context.requestId.
    customPropertiesExtractor: (req) => ({ requestId: requestIdOf(req) }),
  });
  const app = new App({
    receiver,
    token: config.SLACK_BOT_TOKEN,
    logLevel: LogLevel.ERROR,
    clientOptions: config.SLACK_API_URL
      ? { slackApiUrl: config.SLACK_API_URL.replace(/\/?$/, '/') }
      : undefined,
  });
  const deps = chatDeps(runtime);
  const emailOf = slackEmail(runtime, createEmailCache(log));

  // Slack retries an event it thinks went unanswered, and a captured command or click can be
  // replayed; whichever replica claims the delivery first answers it, the others only acknowledge.
  app.use(async (args) => {
    const key = deliveryKey(args.body);
    if (!(await runtime.appDb.claimEvent(key))) {
      log.warn({ key, retryNum: args.context.retryNum ?? null }, 'slack delivery already answered: ignored');
      if ('ack' in args && typeof args.ack === 'function') await args.ack();
      return;
    }
    await args.next();
  });

  const answer = async (
    client: WebClient,
    where: { channel: string; threadTs?: string; user?: string; requestId?: unknown },
    typed: string,
  ) => {
    const requestId = typeof where.requestId === 'string' ? where.requestId : undefined;
    const turnDeps = withRequestLog(deps, log, requestId);
    const text = normaliseText(typed);
    const conversationId = `slack:${where.channel}:${where.threadTs ?? 'main'}`;
    await runtime.appDb
      .saveReference(`slack:${where.channel}`, SLACK_CHANNEL, { channel: where.channel })
      .catch(() => undefined);
    const working = await client.chat.postMessage({
      channel: where.channel,
      thread_ts: where.threadTs,
      text: 'Working on it…',
    });
    let reply: Reply;
    try {
      reply = await chatTurn(turnDeps, {
        requestId,
        text,
        userId: where.user,
        // Slack shows a mention as the person's name: what a verified answer says.
        userName: where.user ? `<@${where.user}>` : undefined,
        userEmail: await emailOf(client, where.user),
        channel: SLACK_CHANNEL,
        conversationId,
        place: { channel: 'slack', channelId: where.channel },
      });
    } catch (error) {
      turnDeps.log.error({ err: (error as Error).message }, 'slack answer failed');
      await client.chat.update({
        channel: where.channel,
        ts: working.ts as string,
        text: 'Sorry, something went wrong on my side. Please try again.',
      });
      return;
    }
    await client.chat.update({
      channel: where.channel,
      ts: working.ts as string,
      text: fallback(reply),
      blocks: renderBlockKit(reply) as never,
    });
  };

  app.event('app_mention', async ({ event, client, context }) => {
    const text = event.text.replace(/<@[A-Z0-9]+>/g, '').trim();
    await answer(
      client,
      {
        channel: event.channel,
        threadTs: event.thread_ts ?? event.ts,
        user: event.user,
        requestId: context.requestId,
      },
      text,
    );
  });

  app.message(async ({ message, client, context }) => {
    // Direct messages only; channel messages reach Tally as app_mention events.
    if (message.channel_type !== 'im' || message.subtype !== undefined || !('text' in message)) return;
    await answer(
      client,
      {
        channel: message.channel,
        threadTs: message.thread_ts,
        user: message.user,
        requestId: context.requestId,
      },
      message.text ?? '',
    );
  });

  app.command('/tally', async ({ command, ack, client, context }) => {
    await ack();
    const where = { channel: command.channel_id, user: command.user_id, requestId: context.requestId };
    await answer(client, where, command.text ?? '');
  });

  app.action(/.*/, async ({ ack, body, action, client, context }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    const channel = body.channel?.id;
    const threadTs = body.message?.thread_ts ?? body.message?.ts;
    if (!channel) return;
    const where = { channel, threadTs, user: body.user.id, requestId: context.requestId };
    const actionId = action.action_id;
    if (/^(ask|choose)_\d+$/.test(actionId) && action.value)
      return void (await answer(client, where, action.value));
    const conversationId = `slack:${channel}:${threadTs ?? 'main'}`;
    if (actionId === 'show_sql') {
      const state = await runtime.appDb
        .loadConversation<ConversationState>(conversationId)
        .catch(() => undefined);
      const text = state?.lastSql
        ? `\`\`\`${state.lastSql.slice(0, 2900)}\`\`\``
        : 'There is no SQL for this answer yet.';
      return void (await client.chat.postMessage({ channel, thread_ts: threadTs, text }));
    }
    if (actionId === 'feedback_up' || actionId === 'feedback_down') {
      const state = await runtime.appDb
        .loadConversation<ConversationState>(conversationId)
        .catch(() => undefined);
      const rating = actionId === 'feedback_up' ? 'up' : 'down';
      await runtime.appDb.saveFeedback({
        channel: SLACK_CHANNEL,
        conversationId,
        userId: body.user.id,
        rating,
        question: action.value === undefined ? undefined : normaliseText(action.value),
        sql: state?.lastSql,
      });
      return void (await client.chat.postEphemeral({
        channel,
        user: body.user.id,
        thread_ts: threadTs,
        text: rating === 'up' ? 'Thanks! Glad it helped.' : 'Thanks for telling me; I’ve noted it.',
      }));
    }
    const alertVerb = actionId.match(/^alert_(\w+)$/)?.[1];
    if (alertVerb) {
      let target: { alert?: unknown; day?: unknown } = {};
      try {
        target = JSON.parse(action.value ?? '{}');
      } catch {
        // A forged or garbled value: handleAlertAction answers that it can't read the button.
      }
      const text = await handleAlertAction(deps.alertActions, {
        verb: alertVerb,
        alert: target.alert,
        day: target.day,
        userId: body.user.id,
        who: `<@${body.user.id}>`,
        channel: SLACK_CHANNEL,
      });
      return void (await client.chat.postMessage({ channel, thread_ts: threadTs, text }));
    }
    if (actionId === 'download_csv') return;
    log.warn({ actionId }, 'unknown slack action');
    await client.chat.postEphemeral({
      channel,
      user: body.user.id,
      thread_ts: threadTs,
      text: 'Sorry, I don’t know that button. Please type your question.',
    });
  });

  app.error(async (error) => {
    log.error({ err: error.message, code: (error as { code?: string }).code }, 'slack handler failed');
  });

  return {
    receiver,
    app,
    post: async (channel, reply) => {
      await app.client.chat.postMessage({
        channel,
        text: fallback(reply),
        blocks: renderBlockKit(reply) as never,
      });
    },
  };
}

/**
 * The asking person's e-mail address from their Slack profile (users.info; the app needs the
 * users:read.email scope), when the catalog's access rules name people by e-mail.
 */
function slackEmail(runtime: Runtime, emails: EmailLookup) {
  return async (client: WebClient, user: string | undefined): Promise<string | undefined> => {
    if (!user || !accessNamesEmails(runtime.catalog)) return undefined;
    return emails(user, async () => (await client.users.info({ user })).user?.profile?.email);
  };
}
