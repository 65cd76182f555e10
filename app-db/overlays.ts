/**
 * Catalog overlays in the app database: every chat edit with who, when, the change, and what it
 * touched before and after. A change is announced with NOTIFY on one channel, so every replica
 * listening rebuilds its catalog within moments, without a restart.
 */
import pg from 'pg';
import type { Overlay, OverlayChange } from '../catalog-admin/overlays.ts';

export const OVERLAY_CHANNEL = 'tally_catalog_overlays';

export const OVERLAYS_MIGRATION = `CREATE TABLE catalog_overlays (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL DEFAULT now(),
     change jsonb NOT NULL,
     user_id text,
     user_name text,
     channel text,
     before jsonb,
     after jsonb,
     state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'reverted', 'retired')),
     ended_at timestamptz,
     ended_by text)`;

export interface OverlayRecord extends Overlay {
  at: string;
  userId?: string;
  userName?: string;
  channel?: string;
  before: unknown;
  after: unknown;
  state: 'active' | 'reverted' | 'retired';
  endedAt?: string;
  endedBy?: string;
}

const COLUMNS = `id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at, change,
  user_id AS "userId", user_name AS "userName", channel, before, after, state,
  to_char(ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS "endedAt", ended_by AS "endedBy"`;

export class OverlayStore {
  constructor(private readonly pool: pg.Pool) {}

  async active(): Promise<OverlayRecord[]> {
    return (
      await this.pool.query(`SELECT ${COLUMNS} FROM catalog_overlays WHERE state = 'active' ORDER BY id`)
    ).rows;
  }

  async all(): Promise<OverlayRecord[]> {
    return (await this.pool.query(`SELECT ${COLUMNS} FROM catalog_overlays ORDER BY id`)).rows;
  }

  async add(entry: {
    change: OverlayChange;
    userId?: string;
    userName?: string;
    channel?: string;
    before: unknown;
    after: unknown;
  }): Promise<OverlayRecord> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const row = await client.query(
        `INSERT INTO catalog_overlays (change, user_id, user_name, channel, before, after)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [
          JSON.stringify(entry.change),
          entry.userId ?? null,
          entry.userName ?? null,
          entry.channel ?? null,
          JSON.stringify(entry.before ?? null),
          JSON.stringify(entry.after ?? null),
        ],
      );
      // NOTIFY is delivered on commit: listeners never see a change that was rolled back.
      await client.query('SELECT pg_notify($1, $2)', [OVERLAY_CHANNEL, row.rows[0].id]);
      await client.query('COMMIT');
      return row.rows[0];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Ends overlays (reverted by someone, or retired because the YAML now holds them); returns those ended. */
  async end(ids: string[], state: 'reverted' | 'retired', by?: string): Promise<OverlayRecord[]> {
    if (ids.length === 0) return [];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const rows = await client.query(
        `UPDATE catalog_overlays SET state = $2, ended_at = now(), ended_by = $3
          WHERE id = ANY($1::bigint[]) AND state = 'active' RETURNING ${COLUMNS}`,
        [ids, state, by ?? null],
      );
      if (rows.rows.length > 0) await client.query('SELECT pg_notify($1, $2)', [OVERLAY_CHANNEL, state]);
      await client.query('COMMIT');
      return rows.rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/**
 * Listens for overlay changes on its own connection (LISTEN needs one session for its lifetime);
 * a dropped connection is re-opened and `onChange` called once, since changes may have been missed.
 */
export async function listenForOverlays(
  url: string,
  onChange: () => void,
  log: { warn: (obj: object, msg?: string) => void },
): Promise<{ close(): Promise<void> }> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (missed: boolean) => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === OVERLAY_CHANNEL) onChange();
    });
    next.on('error', (error) => {
      log.warn({ err: error.message }, 'catalog overlay listener lost its connection; reconnecting');
      next.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(true).catch(() => undefined), 1000);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${OVERLAY_CHANNEL}`);
      client = next;
      if (missed) onChange();
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'cannot listen for catalog overlays; retrying');
      await next.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(true).catch(() => undefined), 1000);
    }
  };
  await connect(false);
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
