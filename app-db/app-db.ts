/**
 * The app database: Tally's own state (audit log, conversations, references, deliveries,
 * subscriptions, alert state; pg-boss keeps its schedules in its own schema here), separate from
 * the warehouse. Migrations run in order, once, under an
 * advisory lock so two replicas starting together don't race.
 */
import pg from 'pg';
import { groupCommit } from './group-commit.ts';
import { MODEL_AUDIT_MIGRATION, MODEL_BUDGET_MIGRATION } from './model-usage.ts';
import { OUTBOX_MIGRATIONS } from './outbox-schema.ts';
import { OVERLAYS_MIGRATION } from './overlays.ts';

const MIGRATIONS: string[] = [
  `CREATE TABLE audit_log (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL DEFAULT now(),
     user_id text,
     channel text NOT NULL,
     conversation_id text,
     question text,
     sql text,
     status text NOT NULL,
     rule text,
     reason text,
     row_count integer,
     duration_ms integer)`,
  'CREATE INDEX audit_log_at ON audit_log (at)',
  `CREATE TABLE conversations (
     id text PRIMARY KEY,
     state jsonb NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE feedback (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL DEFAULT now(),
     channel text NOT NULL,
     conversation_id text,
     user_id text,
     rating text NOT NULL CHECK (rating IN ('up', 'down')),
     question text,
     sql text)`,
  `CREATE TABLE conversation_refs (
     id text PRIMARY KEY,
     channel text NOT NULL,
     reference jsonb NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE slack_events (
     event_id text PRIMARY KEY,
     at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE alerts_sent (
     alert text NOT NULL,
     day date NOT NULL,
     at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (alert, day))`,
  // Deliveries replace alerts_sent: one row per thing posted to one place for one period, so a
  // digest or an alert reaches each recipient once whichever replica runs it.
  'DROP TABLE alerts_sent',
  `CREATE TABLE deliveries (
     kind text NOT NULL CHECK (kind IN ('alert', 'digest')),
     name text NOT NULL,
     period text NOT NULL,
     target text NOT NULL,
     at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (kind, name, period, target))`,
  `CREATE TABLE subscriptions (
     id bigserial PRIMARY KEY,
     topic text NOT NULL,
     kind text NOT NULL CHECK (kind IN ('digest', 'alert', 'audience')),
     target jsonb NOT NULL,
     target_key text NOT NULL,
     schedule text,
     timezone text,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (topic, target_key))`,
  `CREATE TABLE alert_state (
     alert text PRIMARY KEY,
     sensitivity_shift real NOT NULL DEFAULT 0,
     snoozed_until date,
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE alert_feedback (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL DEFAULT now(),
     alert text NOT NULL,
     day date NOT NULL,
     action text NOT NULL CHECK (action IN ('acknowledge', 'snooze', 'dismiss')),
     user_id text,
     channel text)`,
  // Who may see what (issue 15): the access a question ran with, and a channel's for its digests.
  'ALTER TABLE audit_log ADD COLUMN access text',
  'ALTER TABLE subscriptions ADD COLUMN access text[]',
  // Replies survive a crash (issue 17): app-db/outbox-schema.ts.
  ...OUTBOX_MIGRATIONS,
  // Admins' chat edits to the catalog (issue 12): app-db/overlays.ts. After the outbox's, which
  // were committed first: a migration's number is its place in this list.
  OVERLAYS_MIGRATION,
  // Request ids (issue 14): the HTTP request a question came in, as its log lines name it.
  'ALTER TABLE audit_log ADD COLUMN request_id text',
  // The language model's calls per person per day (issue 13): app-db/model-usage.ts.
  MODEL_BUDGET_MIGRATION,
  // Each question's model outcome, calls, latency and tokens on its audit row (issue 13).
  MODEL_AUDIT_MIGRATION,
];

export interface AuditEntry {
  /** The turn it belongs to (the reply outbox's id), when the door records one. */
  turnId?: string;
  /** The HTTP request the question came in (bot/request-id.ts): its log lines carry the same id. */
  requestId?: string;
  userId?: string;
  /** With which access it ran: the person's groups (semantic-catalog/access.ts). */
  access?: string;
  channel: string;
  conversationId?: string;
  question?: string;
  sql?: string;
  status: 'answer' | 'clarify' | 'refuse' | 'error';
  rule?: string;
  reason?: string;
  rowCount?: number;
  durationMs?: number;
  /** The language model's part, when it was asked (skills/answer.ts). */
  model?: { outcome: string; calls: number; ms: number; promptTokens: number; completionTokens: number };
}

export interface Delivery {
  kind: 'alert' | 'digest';
  name: string;
  /** The day an alert is about, or the period a digest covers ("2026-W45"). */
  period: string;
  /** Where it went ("slack:C123", "teams:19:…"). */
  target: string;
}

export interface NewSubscription {
  /** A digest name, an alert name or an audience name ("finance"). */
  topic: string;
  kind: 'digest' | 'alert' | 'audience';
  /** Where to post: a proactive.post target. */
  target: { channel: 'teams'; conversationId: string } | { channel: 'slack'; channelId: string };
  targetKey: string;
  /** Digests only: cron and time zone. */
  schedule?: string;
  timezone?: string;
  createdBy?: string;
  /** The access groups the channel's audience gets: digests to it run with these, never an admin's. */
  access?: string[] | null;
}

export interface Subscription extends NewSubscription {
  id: string;
}

export interface AlertState {
  /** Added to the alert's sensitivity; each "Not an anomaly" lowers it. */
  sensitivityShift: number;
  snoozedUntil?: string;
}

/**
 * Text PostgreSQL can store: it refuses NUL in text and an unpaired surrogate (`\ud800`) in jsonb.
 * Doors normalise what people type; this keeps a row that arrives any other way from failing.
 */
export function storable(text: string): string;
export function storable(text: string | undefined): string | undefined;
export function storable(text: string | undefined): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what PostgreSQL refuses
  return text?.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/**
 * JSON that PostgreSQL accepts: it refuses NUL and unpaired surrogates even escaped. JSON.stringify
 * writes exactly those as `\u0000` and `\udXXX` (paired surrogates stay as they are), so only text
 * showing one goes through the slower walk that cleans every string (typed `\u0000` text may
 * send a clean value that way too; it comes out the same).
 */
export const storableJson = (value: unknown) => {
  const text = JSON.stringify(value);
  // Most text has no escape at all: one plain search rules it out before the pattern runs.
  if (text === undefined || !text.includes('\\u') || !/\\u0000|\\ud[89a-f]/i.test(text)) return text;
  return JSON.stringify(value, (_key, v) => (typeof v === 'string' ? storable(v) : v));
};

const AUDIT_COLUMNS = [
  ['user_id', 'text'],
  ['channel', 'text'],
  ['conversation_id', 'text'],
  ['question', 'text'],
  ['sql', 'text'],
  ['status', 'text'],
  ['rule', 'text'],
  ['reason', 'text'],
  ['row_count', 'integer'],
  ['duration_ms', 'integer'],
  ['access', 'text'],
  ['turn_id', 'text'],
  ['request_id', 'text'],
  ['model_outcome', 'text'],
  ['model_calls', 'integer'],
  ['model_ms', 'integer'],
  ['model_prompt_tokens', 'integer'],
  ['model_completion_tokens', 'integer'],
] as const;

function auditRow(entry: AuditEntry): Record<(typeof AUDIT_COLUMNS)[number][0], unknown> {
  return {
    user_id: storable(entry.userId) ?? null,
    channel: storable(entry.channel),
    conversation_id: storable(entry.conversationId) ?? null,
    question: storable(entry.question?.slice(0, 10_000)) ?? null,
    sql: storable(entry.sql) ?? null,
    status: entry.status,
    rule: storable(entry.rule) ?? null,
    reason: storable(entry.reason) ?? null,
    row_count: entry.rowCount ?? null,
    duration_ms: entry.durationMs === undefined ? null : Math.round(entry.durationMs),
    access: storable(entry.access) ?? null,
    turn_id: storable(entry.turnId) ?? null,
    request_id: storable(entry.requestId) ?? null,
    model_outcome: entry.model?.outcome ?? null,
    model_calls: entry.model?.calls ?? null,
    model_ms: entry.model ? Math.round(entry.model.ms) : null,
    model_prompt_tokens: entry.model?.promptTokens ?? null,
    model_completion_tokens: entry.model?.completionTokens ?? null,
  };
}

const SUBSCRIPTION_COLUMNS =
  'id::text AS id, topic, kind, target, target_key AS "targetKey", schedule, timezone, created_by AS "createdBy", access';

export class AppDb {
  readonly pool: pg.Pool;

  constructor(readonly connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 4 });
    this.pool.on('error', () => undefined);
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(7477001)');
      await client.query(
        'CREATE TABLE IF NOT EXISTS tally_migrations (version int PRIMARY KEY, at timestamptz DEFAULT now())',
      );
      const done = new Set(
        (await client.query('SELECT version FROM tally_migrations')).rows.map((r) => r.version as number),
      );
      for (const [index, sql] of MIGRATIONS.entries()) {
        if (done.has(index + 1)) continue;
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO tally_migrations (version) VALUES ($1)', [index + 1]);
        await client.query('COMMIT');
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await client.query('SELECT pg_advisory_unlock(7477001)').catch(() => undefined);
      client.release();
    }
  }

  /** Written with the rows other answers are writing at the same moment (group-commit.ts). */
  async audit(entry: AuditEntry): Promise<void> {
    await this.auditRows(entry);
  }

  private readonly auditRows = groupCommit<AuditEntry, void>(async (entries) => {
    await this.pool.query(
      `INSERT INTO audit_log (${AUDIT_COLUMNS.map(([name]) => name).join(', ')})
       SELECT ${AUDIT_COLUMNS.map(([name]) => name).join(', ')}
       FROM json_to_recordset($1::json) AS x(${AUDIT_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`,
      [JSON.stringify(entries.map(auditRow))],
    );
    return entries.map(() => undefined);
  });

  /** The follow-up context of a conversation (Teams conversation, Slack thread, CLI --conversation). */
  async loadConversation<T>(id: string): Promise<T | undefined> {
    return (await this.conversationStates(id)) as T | undefined;
  }

  private readonly conversationStates = groupCommit<string, unknown>(async (ids) => {
    const result = await this.pool.query('SELECT id, state FROM conversations WHERE id = ANY($1::text[])', [
      ids,
    ]);
    const states = new Map(result.rows.map((row) => [row.id as string, row.state as unknown]));
    return ids.map((id) => states.get(id));
  });

  async saveConversation(id: string, state: unknown): Promise<void> {
    await this.savedStates({ id, state });
  }

  private readonly savedStates = groupCommit<{ id: string; state: unknown }, void>(async (saves) => {
    // One row per conversation: an upsert may not touch a row twice, and the later state wins.
    const last = new Map(saves.map((save) => [save.id, save.state]));
    await this.pool.query(
      `INSERT INTO conversations (id, state) SELECT id, state FROM json_to_recordset($1::json) AS x(id text, state jsonb)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
      [storableJson([...last].map(([id, state]) => ({ id, state })))],
    );
    return saves.map(() => undefined);
  });

  async saveFeedback(entry: {
    channel: string;
    conversationId?: string;
    userId?: string;
    rating: 'up' | 'down';
    question?: string;
    sql?: string;
  }): Promise<void> {
    await this.pool.query(
      'INSERT INTO feedback (channel, conversation_id, user_id, rating, question, sql) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        entry.channel,
        entry.conversationId ?? null,
        entry.userId ?? null,
        entry.rating,
        entry.question ?? null,
        entry.sql ?? null,
      ],
    );
  }

  /** Where digests and alerts can be posted later (a Teams conversation reference, a Slack channel). */
  async saveReference(id: string, channel: string, reference: unknown): Promise<void> {
    await this.pool.query(
      `INSERT INTO conversation_refs (id, channel, reference) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET reference = EXCLUDED.reference, updated_at = now()`,
      [id, channel, JSON.stringify(reference)],
    );
  }

  async loadReference<T>(id: string): Promise<{ channel: string; reference: T } | undefined> {
    const result = await this.pool.query('SELECT channel, reference FROM conversation_refs WHERE id = $1', [
      id,
    ]);
    return result.rows[0] as { channel: string; reference: T } | undefined;
  }

  /** True for the first replica to claim a Slack event id; retried deliveries get false. */
  async claimEvent(eventId: string): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO slack_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING',
      [eventId],
    );
    return result.rowCount === 1;
  }

  /**
   * True for the first to claim posting `kind name` for `period` to `target`; false when it was
   * already posted there (by this replica, another one, or an earlier run).
   */
  async claimDelivery(delivery: Delivery): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO deliveries (kind, name, period, target) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [delivery.kind, delivery.name, delivery.period, delivery.target],
    );
    return result.rowCount === 1;
  }

  /** Gives a claim back when the post failed, so the job's retry can deliver it. */
  async releaseDelivery(delivery: Delivery): Promise<void> {
    await this.pool.query(
      'DELETE FROM deliveries WHERE kind = $1 AND name = $2 AND period = $3 AND target = $4',
      [delivery.kind, delivery.name, delivery.period, delivery.target],
    );
  }

  /** Adds a subscription, or updates the schedule of the same topic in the same place. */
  async subscribe(s: NewSubscription): Promise<Subscription> {
    const result = await this.pool.query(
      `INSERT INTO subscriptions (topic, kind, target, target_key, schedule, timezone, created_by, access)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (topic, target_key) DO UPDATE
         SET schedule = EXCLUDED.schedule, timezone = EXCLUDED.timezone, created_by = EXCLUDED.created_by,
             access = EXCLUDED.access
       RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [
        s.topic,
        s.kind,
        JSON.stringify(s.target),
        s.targetKey,
        s.schedule ?? null,
        s.timezone ?? null,
        s.createdBy ?? null,
        s.access ?? null,
      ],
    );
    return result.rows[0] as Subscription;
  }

  /** Removes one topic's subscription in a place, or every subscription there; returns what went. */
  async unsubscribe(targetKey: string, topic?: string): Promise<Subscription[]> {
    const result = await this.pool.query(
      `DELETE FROM subscriptions WHERE target_key = $1 AND ($2::text IS NULL OR topic = $2) RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [targetKey, topic ?? null],
    );
    return result.rows as Subscription[];
  }

  /** Every subscription, or those of one place or one topic. */
  async subscriptions(filter: { targetKey?: string; topics?: string[] } = {}): Promise<Subscription[]> {
    const result = await this.pool.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions
       WHERE ($1::text IS NULL OR target_key = $1) AND ($2::text[] IS NULL OR topic = ANY($2))
       ORDER BY id`,
      [filter.targetKey ?? null, filter.topics ?? null],
    );
    return result.rows as Subscription[];
  }

  async subscription(id: string): Promise<Subscription | undefined> {
    if (!/^\d+$/.test(id)) return undefined;
    const result = await this.pool.query(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = $1`, [
      id,
    ]);
    return result.rows[0] as Subscription | undefined;
  }

  async alertState(alert: string): Promise<AlertState> {
    const result = await this.pool.query(
      "SELECT sensitivity_shift, to_char(snoozed_until, 'YYYY-MM-DD') AS snoozed_until FROM alert_state WHERE alert = $1",
      [alert],
    );
    const row = result.rows[0] as { sensitivity_shift: number; snoozed_until: string | null } | undefined;
    return { sensitivityShift: row?.sensitivity_shift ?? 0, snoozedUntil: row?.snoozed_until ?? undefined };
  }

  /** Records what a person did with an alert and applies it (snooze, lower the sensitivity). */
  async recordAlertAction(entry: {
    alert: string;
    day: string;
    action: 'acknowledge' | 'snooze' | 'dismiss';
    userId?: string;
    channel: string;
    snoozeUntil?: string;
    sensitivityStep?: number;
  }): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        'INSERT INTO alert_feedback (alert, day, action, user_id, channel) VALUES ($1, $2, $3, $4, $5)',
        [entry.alert, entry.day, entry.action, entry.userId ?? null, entry.channel],
      );
      await client.query(
        `INSERT INTO alert_state (alert, sensitivity_shift, snoozed_until) VALUES ($1, $2, $3)
         ON CONFLICT (alert) DO UPDATE SET
           sensitivity_shift = alert_state.sensitivity_shift + EXCLUDED.sensitivity_shift,
           snoozed_until = COALESCE(EXCLUDED.snoozed_until, alert_state.snoozed_until),
           updated_at = now()`,
        [entry.alert, entry.sensitivityStep ?? 0, entry.snoozeUntil ?? null],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
