/**
 * The optional language model's use, in the app database so every replica counts the same
 * (issue 13): a person's calls per day, claimed before each call, against OPENAI_DAILY_CALLS_PER_USER.
 * Appended to the app database's migrations; kept apart so app-db.ts stays one list.
 */
import type pg from 'pg';

export const MODEL_BUDGET_MIGRATION = `CREATE TABLE model_calls (
     user_id text NOT NULL,
     day date NOT NULL,
     calls integer NOT NULL,
     PRIMARY KEY (user_id, day))`;

/**
 * One call claimed for `user` on `day`, or false when they have had `limit` already. A single
 * statement, so two replicas claiming at once can't both take the last call.
 */
export async function claimModelCall(
  pool: pg.Pool,
  user: string,
  day: string,
  limit: number,
): Promise<boolean> {
  const result = await pool.query(
    `INSERT INTO model_calls (user_id, day, calls) VALUES ($1, $2, 1)
     ON CONFLICT (user_id, day) DO UPDATE SET calls = model_calls.calls + 1
       WHERE model_calls.calls < $3
     RETURNING calls`,
    [user, day, limit],
  );
  return result.rowCount === 1;
}

/** How each question's visit to the model went, on its audit row (skills/answer.ts ModelUse). */
export const MODEL_AUDIT_MIGRATION = `ALTER TABLE audit_log
     ADD COLUMN model_outcome text,
     ADD COLUMN model_calls integer,
     ADD COLUMN model_ms integer,
     ADD COLUMN model_prompt_tokens integer,
     ADD COLUMN model_completion_tokens integer`;
