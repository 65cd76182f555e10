/**
 * The app database: Tally's own state (audit log now; conversations, references, schedules and
 * alert state later), separate from the warehouse. Migrations run in order, once, under an
 * advisory lock so two replicas starting together don't race.
 */
import pg from 'pg';

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
];

export interface AuditEntry {
  userId?: string;
  channel: string;
  conversationId?: string;
  question?: string;
  sql?: string;
  status: 'answer' | 'clarify' | 'refuse' | 'error';
  rule?: string;
  reason?: string;
  rowCount?: number;
  durationMs?: number;
}

export class AppDb {
  readonly pool: pg.Pool;

  constructor(connectionString: string) {
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

  async audit(entry: AuditEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO audit_log (user_id, channel, conversation_id, question, sql, status, rule, reason, row_count, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.userId ?? null,
        entry.channel,
        entry.conversationId ?? null,
        entry.question?.slice(0, 10_000) ?? null,
        entry.sql ?? null,
        entry.status,
        entry.rule ?? null,
        entry.reason ?? null,
        entry.rowCount ?? null,
        entry.durationMs === undefined ? null : Math.round(entry.durationMs),
      ],
    );
  }

  /** The follow-up context of a conversation (Teams conversation, Slack thread, CLI --conversation). */
  async loadConversation<T>(id: string): Promise<T | undefined> {
    const result = await this.pool.query('SELECT state FROM conversations WHERE id = $1', [id]);
    return result.rows[0]?.state as T | undefined;
  }

  async saveConversation(id: string, state: unknown): Promise<void> {
    await this.pool.query(
      `INSERT INTO conversations (id, state) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
      [id, JSON.stringify(state)],
    );
  }

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

  /** True for the first to claim an alert's day; an anomaly is never posted twice. */
  async claimAlert(alert: string, day: string): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO alerts_sent (alert, day) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [alert, day],
    );
    return result.rowCount === 1;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
