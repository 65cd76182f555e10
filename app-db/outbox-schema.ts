/**
 * The reply outbox's tables (app-db/outbox.ts), appended to the app database's migrations in this
 * order. Kept apart from outbox.ts so app-db.ts and outbox.ts import no circle.
 */
export const OUTBOX_MIGRATIONS = [
  `CREATE TABLE outbox (
     id text PRIMARY KEY,
     channel text NOT NULL,
     conversation_id text,
     user_id text,
     question text,
     reference jsonb NOT NULL,
     owner text NOT NULL,
     state text NOT NULL DEFAULT 'received'
       CHECK (state IN ('received', 'ready', 'sending', 'sent', 'abandoned')),
     outcome text CHECK (outcome IN ('answer', 'restarted')),
     reply jsonb,
     placeholder_id text,
     attempts integer NOT NULL DEFAULT 0,
     received_at timestamptz NOT NULL DEFAULT now(),
     ready_at timestamptz,
     sent_at timestamptz)`,
  `CREATE INDEX outbox_open ON outbox (received_at) WHERE state IN ('received', 'ready', 'sending')`,
  'CREATE TABLE outbox_owners (owner text PRIMARY KEY, seen_at timestamptz NOT NULL)',
  // Which turn an audit row belongs to: a reply the outbox replaced after a crash is told apart.
  'ALTER TABLE audit_log ADD COLUMN turn_id text',
];
