/**
 * The asking person's e-mail address, for access rules that name people by e-mail (`members:`, a
 * `{user.email}` row filter). Teams and Slack hand a door only an id; the address comes from the
 * channel's own directory (Teams' conversation members, Slack's users.info) and is kept a while, so
 * a conversation costs one lookup, not one per question. A lookup that fails leaves the person
 * without an address (rules by id still apply) and is tried again on their next turn.
 */
import type { Logger } from './logger.ts';

/** Long enough to spare the directory, short enough that a changed address is seen within the hour. */
export const EMAIL_TTL_MS = 60 * 60 * 1000;
/** A busy workspace, not an unbounded map: the oldest entries go first. */
const MAX_ENTRIES = 10_000;

export type EmailLookup = (
  userId: string,
  fetch: () => Promise<string | undefined>,
) => Promise<string | undefined>;

export function createEmailCache(
  log: Pick<Logger, 'warn'>,
  options: { ttlMs?: number; now?: () => number } = {},
): EmailLookup {
  const ttlMs = options.ttlMs ?? EMAIL_TTL_MS;
  const now = options.now ?? Date.now;
  const kept = new Map<string, { at: number; email: Promise<string | undefined> }>();
  return (userId, fetch) => {
    const entry = kept.get(userId);
    if (entry && now() - entry.at < ttlMs) return entry.email;
    const email: Promise<string | undefined> = fetch().then(
      (found) => found?.trim().toLowerCase() || undefined,
      (error: Error) => {
        if (kept.get(userId)?.email === email) kept.delete(userId);
        log.warn({ err: error.message, userId }, 'cannot look up the user’s e-mail address');
        return undefined;
      },
    );
    kept.delete(userId);
    kept.set(userId, { at: now(), email });
    if (kept.size > MAX_ENTRIES) kept.delete(kept.keys().next().value as string);
    return email;
  };
}
