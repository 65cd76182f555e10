/**
 * The Teams door's replies through the durable outbox (app-db/outbox.ts): the question is
 * recorded before anything else, the reply card is stored before it is sent, and what a crashed
 * process left behind is sent by a live one — the stored reply, or "sorry, I was restarted" for a
 * question that was never answered, into the "Working on it…" message when there is one.
 */
import { randomUUID } from 'node:crypto';
import { type Activity, type ConversationReference, TurnContext } from 'botbuilder';
import { type OutboxRow, OutboxStore } from '../../app-db/outbox.ts';
import { writeAudit } from '../../skills/ask.ts';
import type { Runtime } from '../runtime.ts';
import type { GuardedTeamsAdapter } from './teams-http.ts';

export const RESTARTED_MESSAGE = 'Sorry, I was restarted — please ask again.';
const HEARTBEAT_MS = 3000;
const SWEEP_MS = 5000;

type Send = (activity: Partial<Activity>, placeholderId: string | null) => Promise<unknown>;

export interface TeamsOutbox {
  /** Records the question in the turn; its id, or nothing when the app database refused (the answer still goes). */
  receive(context: TurnContext, text: string, userId?: string): Promise<string | undefined>;
  /**
   * Stores the reply for the turn, claimed for this process to send, so a crash from here on
   * still delivers it; returns the id to deliver it by, or nothing when it could not be stored
   * (then it is sent without the outbox), or null when the row is no longer this process's (a
   * replica adopted it after this one's lease ran out, and answers it): then nothing is sent.
   */
  store(id: string | undefined, activity: Partial<Activity>): Promise<string | null | undefined>;
  placeholder(id: string | undefined, activityId: string | undefined): Promise<void>;
  /** Sends the reply `store` claimed and marks it sent; a failed send goes back for a retry. */
  deliver(id: string | null | undefined, activity: Partial<Activity>, send: Send): Promise<void>;
  /** Sends into a conversation outside its turn (late answers, recovered replies). */
  sendLater(reference: Partial<ConversationReference>): Send;
  /** Sends what crashed processes left; returns how many replies it sent. */
  recover(): Promise<number>;
  /** `tally start`: recover now and every few seconds. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createTeamsOutbox(runtime: Runtime, adapter: GuardedTeamsAdapter): TeamsOutbox {
  const { log, appDb, config } = runtime;
  const db = new OutboxStore(appDb.pool, `teams-${randomUUID()}`);
  let leased: Promise<void> | undefined;
  let sweeping: NodeJS.Timeout | undefined;
  // The lease starts with the first question and is renewed while the process lives, so no other
  // replica adopts a row that is still being answered.
  const lease = () => {
    leased ??= db.heartbeat().then(() => {
      const timer = setInterval(() => {
        db.heartbeat().catch((error: Error) => {
          if (/after calling end/.test(error.message)) clearInterval(timer);
          else log.warn({ err: error.message }, 'outbox lease renewal failed');
        });
      }, HEARTBEAT_MS);
      timer.unref();
    });
    return leased;
  };
  const sendLater =
    (reference: Partial<ConversationReference>): Send =>
    (activity, placeholderId) =>
      adapter.continueConversationAsync(config.MicrosoftAppId, reference, async (later) => {
        if (placeholderId) await later.updateActivity({ ...activity, id: placeholderId });
        else await later.sendActivity(activity);
      });
  // The in-turn reply is claimed already (store): sent as it is in memory, with the placeholder
  // the turn itself posted.
  const deliver = async (id: string | null | undefined, activity: Partial<Activity>, send: Send) => {
    if (id === null) return;
    if (id === undefined) return void (await send(activity, null));
    await sendClaimed(id, activity, null, send);
  };
  const sendClaimed = async (
    id: string,
    activity: Partial<Activity>,
    placeholderId: string | null,
    send: Send,
  ) => {
    try {
      await send(activity, placeholderId);
    } catch (error) {
      log.error({ err: (error as Error).message, turn: id }, 'teams reply not sent; it will be retried');
      await db.release(id).catch(() => undefined);
      return;
    }
    await db.sent(id);
  };
  const recovered = async (row: OutboxRow) => {
    let reply = row.reply as Partial<Activity> | null;
    if (row.state === 'received') {
      reply = { type: 'message', text: RESTARTED_MESSAGE };
      // Audited before it is stored: a crash between the two repeats the audit row, never the reply.
      await writeAudit(runtime, {
        turnId: row.id,
        channel: row.channel,
        userId: row.userId ?? undefined,
        conversationId: row.conversationId ?? undefined,
        question: row.question ?? undefined,
        status: 'error',
        rule: 'restarted',
        reason: RESTARTED_MESSAGE,
      });
      await db.ready(row.id, reply, 'restarted');
    }
    // An adopted row is claimed here: another sweep or replica may be at the same row.
    const claimed = await db.claim(row.id);
    if (claimed)
      await sendClaimed(
        row.id,
        claimed.reply as Partial<Activity>,
        claimed.placeholderId,
        sendLater(row.reference as Partial<ConversationReference>),
      );
  };
  const recover = async () => {
    await lease();
    const rows = await db.adopt();
    for (const row of rows)
      await recovered(row).catch((error: Error) =>
        log.error({ err: error.message, turn: row.id }, 'cannot recover a teams reply'),
      );
    if (rows.length > 0) log.info({ replies: rows.length }, 'sent replies left by a stopped process');
    return rows.length;
  };
  return {
    async receive(context, text, userId) {
      const id = randomUUID();
      try {
        await lease();
        await db.receive({
          id,
          channel: 'teams',
          conversationId: `teams:${context.activity.conversation.id}`,
          userId,
          question: text,
          reference: TurnContext.getConversationReference(context.activity),
          // Kept for digests and alerts in the same statement (what teams-bot's remember does).
          referenceId: `teams:${context.activity.conversation.id}`,
        });
        return id;
      } catch (error) {
        log.error(
          { err: (error as Error).message },
          'cannot record the question; answering without the outbox',
        );
        return undefined;
      }
    },
    async store(id, activity) {
      if (!id) return undefined;
      try {
        return (await db.readyToSend(id, activity)) ? id : null;
      } catch (error) {
        log.error({ err: (error as Error).message, turn: id }, 'cannot store the reply; sending it directly');
        return undefined;
      }
    },
    async placeholder(id, activityId) {
      if (id && activityId) await db.placeholder(id, activityId);
    },
    deliver,
    sendLater,
    recover,
    async start() {
      await recover().catch((error: Error) => log.error({ err: error.message }, 'outbox recovery failed'));
      sweeping = setInterval(
        () => void recover().catch((error: Error) => log.warn({ err: error.message }, 'outbox sweep failed')),
        SWEEP_MS,
      );
      sweeping.unref();
    },
    async stop() {
      clearInterval(sweeping);
      if (leased) await db.retire().catch(() => undefined);
    },
  };
}
