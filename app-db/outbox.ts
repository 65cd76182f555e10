/**
 * The reply outbox (issue 17): a question is recorded when it arrives, its reply is stored before
 * it is sent, and sending is claimed first, as deliveries are, so a crash never leaves a person
 * without a reply and never sends one twice.
 *
 *   received ──(reply stored)──> ready ──(claimed)──> sending ──(connector said yes)──> sent
 *       └──────────(reply stored and claimed at once, in the turn)──┘
 *
 * Every row belongs to a live process (`owner`), which renews its lease in `outbox_owners`. Rows
 * of an owner whose lease ran out (a `kill -9`, a lost machine) are adopted by a live process: a
 * reply already stored is sent again from `ready`, and a question still `received` gets the
 * "sorry, I was restarted" reply. A row found `sending` was claimed but never confirmed: the
 * connector may or may not have taken it. It is sent again (at least once): a duplicate needs a
 * crash between the connector's answer and the next commit, while dropping it would silence
 * everyone whose send was cut off.
 */
import type pg from 'pg';
import { storableJson } from './app-db.ts';
import { groupCommit } from './group-commit.ts';

export type OutboxState = 'received' | 'ready' | 'sending' | 'sent' | 'abandoned';

export interface OutboxRow {
  id: string;
  channel: string;
  conversationId: string | null;
  userId: string | null;
  question: string | null;
  /** Where the reply goes (a Teams conversation reference). */
  reference: unknown;
  state: OutboxState;
  /** The reply itself (a Teams activity), once it is stored. */
  reply: unknown;
  /** The "Working on it…" message the reply replaces, when one was posted. */
  placeholderId: string | null;
  attempts: number;
}

/** How long an owner's lease lasts without renewal: longer than any event-loop stall under load. */
export const LEASE_SECONDS = 15;
/** Sends that keep failing (a conversation that's gone) stop here rather than retrying forever. */
export const MAX_ATTEMPTS = 5;

const columns = (t: string) =>
  `${t}.id, ${t}.channel, ${t}.conversation_id AS "conversationId", ${t}.user_id AS "userId", ${t}.question,
   ${t}.reference, ${t}.state, ${t}.reply, ${t}.placeholder_id AS "placeholderId", ${t}.attempts`;

const json = storableJson;

interface ReceivedQuestion {
  id: string;
  channel: string;
  conversationId?: string;
  userId?: string;
  question: string;
  reference: unknown;
  referenceId?: string;
}

export class OutboxStore {
  constructor(
    private readonly pool: pg.Pool,
    readonly owner: string,
  ) {}

  /** Renews this process's lease; called every few seconds while it runs. */
  async heartbeat(): Promise<void> {
    await this.pool.query(
      `INSERT INTO outbox_owners (owner, seen_at) VALUES ($1, now())
       ON CONFLICT (owner) DO UPDATE SET seen_at = now()`,
      [this.owner],
    );
  }

  /** Gives the lease up at a clean stop, so nothing waits for it to run out. */
  async retire(): Promise<void> {
    await this.pool.query('DELETE FROM outbox_owners WHERE owner = $1', [this.owner]);
  }

  /**
   * Records the question; with `referenceId`, in the same statement, keeps the conversation
   * reference for proactive posts. Questions arriving together are recorded together
   * (group-commit.ts); each caller still returns only once its own row is written.
   */
  async receive(row: ReceivedQuestion): Promise<void> {
    await this.received(row);
  }

  private readonly received = groupCommit<ReceivedQuestion, void>(async (rows) => {
    // One reference per conversation: an upsert may not touch a row twice, and the later one wins.
    const references = new Map(
      rows.flatMap((r) =>
        r.referenceId
          ? [[r.referenceId, { id: r.referenceId, channel: r.channel, reference: r.reference }]]
          : [],
      ),
    );
    await this.pool.query(
      `WITH remembered AS (
         INSERT INTO conversation_refs (id, channel, reference)
         SELECT id, channel, reference FROM json_to_recordset($2::json) AS r(id text, channel text, reference jsonb)
         ON CONFLICT (id) DO UPDATE SET reference = EXCLUDED.reference, updated_at = now())
       INSERT INTO outbox (id, channel, conversation_id, user_id, question, reference, owner)
       SELECT id, channel, conversation_id, user_id, question, reference, $3
       FROM json_to_recordset($1::json)
         AS q(id text, channel text, conversation_id text, user_id text, question text, reference jsonb)`,
      [
        json(
          rows.map((r) => ({
            id: r.id,
            channel: r.channel,
            conversation_id: r.conversationId ?? null,
            user_id: r.userId ?? null,
            question: r.question.slice(0, 10_000),
            reference: r.reference,
          })),
        ),
        json([...references.values()]),
        this.owner,
      ],
    );
    return rows.map(() => undefined);
  });

  /** Stores the reply; only the row's owner may, so an adopted row is never answered twice. */
  async ready(id: string, reply: unknown, outcome: 'answer' | 'restarted'): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE outbox SET state = 'ready', reply = $3, outcome = $4, ready_at = now()
       WHERE id = $1 AND owner = $2 AND state = 'received'`,
      [id, this.owner, json(reply), outcome],
    );
    return result.rowCount === 1;
  }

  /**
   * received → sending in one statement: the reply is stored and claimed by this process, which
   * sends it next (the in-turn path; a crash from here on is recovered as from `claim`).
   */
  async readyToSend(id: string, reply: unknown): Promise<boolean> {
    return this.claimedReplies({ id, reply });
  }

  private readonly claimedReplies = groupCommit<{ id: string; reply: unknown }, boolean>(async (replies) => {
    // A row claimed twice in one batch: the first reply is the one stored, the second is refused.
    const first = new Map<string, unknown>();
    for (const r of replies) if (!first.has(r.id)) first.set(r.id, r);
    const result = await this.pool.query(
      `UPDATE outbox o SET state = 'sending', reply = r.reply, outcome = 'answer', ready_at = now(), attempts = o.attempts + 1
       FROM json_to_recordset($1::json) AS r(id text, reply jsonb)
       WHERE o.id = r.id AND o.owner = $2 AND o.state = 'received'
       RETURNING o.id`,
      [json([...first.values()]), this.owner],
    );
    const claimed = new Set(result.rows.map((row) => row.id as string));
    return replies.map((r) => first.get(r.id) === r && claimed.has(r.id));
  });

  async placeholder(id: string, activityId: string): Promise<void> {
    await this.pool.query('UPDATE outbox SET placeholder_id = $3 WHERE id = $1 AND owner = $2', [
      id,
      this.owner,
      activityId,
    ]);
  }

  /** ready → sending: the row to send, or nothing when it is someone else's or already claimed. */
  async claim(id: string): Promise<OutboxRow | undefined> {
    const result = await this.pool.query(
      `UPDATE outbox SET state = 'sending', attempts = attempts + 1
       WHERE id = $1 AND owner = $2 AND state = 'ready' RETURNING ${columns('outbox')}`,
      [id, this.owner],
    );
    return result.rows[0] as OutboxRow | undefined;
  }

  async sent(id: string): Promise<void> {
    await this.sentRows(id);
  }

  private readonly sentRows = groupCommit<string, void>(async (ids) => {
    await this.pool.query(
      `UPDATE outbox SET state = 'sent', sent_at = now() WHERE id = ANY($1::text[]) AND owner = $2`,
      [ids, this.owner],
    );
    return ids.map(() => undefined);
  });

  /** A send that failed goes back to ready for the next sweep, until it has failed too often. */
  async release(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET state = CASE WHEN attempts >= $3 THEN 'abandoned' ELSE 'ready' END
       WHERE id = $1 AND owner = $2 AND state = 'sending'`,
      [id, this.owner, MAX_ATTEMPTS],
    );
  }

  /**
   * Takes over the unfinished rows of owners whose lease ran out (and this owner's own ready rows
   * whose send failed earlier), locking each row so two live replicas never adopt the same one.
   * A question a day old is past answering, sorry included.
   */
  async adopt(): Promise<OutboxRow[]> {
    const result = await this.pool.query(
      `WITH orphaned AS (
         SELECT o.id FROM outbox o LEFT JOIN outbox_owners w ON w.owner = o.owner
         WHERE o.state IN ('received', 'ready', 'sending') AND o.received_at > now() - interval '1 day'
           AND (o.owner = $1 AND o.state = 'ready' AND o.ready_at < now() - interval '30 seconds'
                OR o.owner <> $1 AND (w.owner IS NULL OR w.seen_at < now() - make_interval(secs => $2)))
         ORDER BY o.received_at
         LIMIT 200
         FOR UPDATE OF o SKIP LOCKED)
       UPDATE outbox o SET owner = $1,
         state = CASE WHEN o.state = 'sending' THEN 'ready' ELSE o.state END
       FROM orphaned WHERE o.id = orphaned.id
       RETURNING ${columns('o')}`,
      [this.owner, LEASE_SECONDS],
    );
    return result.rows as OutboxRow[];
  }

  async row(id: string): Promise<OutboxRow | undefined> {
    const result = await this.pool.query(`SELECT ${columns('outbox')} FROM outbox WHERE id = $1`, [id]);
    return result.rows[0] as OutboxRow | undefined;
  }
}
