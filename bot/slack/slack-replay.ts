/**
 * What bolt leaves to us at the Slack door:
 *
 * - bolt refuses a request timestamp more than five minutes old, but not one in the future, so a
 *   request signed "ten minutes from now" could be replayed for fifteen. Slack's rule is ±5
 *   minutes; the window guard enforces both sides before bolt reads the body.
 * - events carry an id that a retry repeats; slash commands and interactions don't. A request
 *   replayed byte for byte, or re-sent by Slack with a new signature, has the same body — and
 *   every real command or click differs in its trigger_id — so the body itself is the key.
 */
import { createHash } from 'node:crypto';
import type express from 'express';
import type { Logger } from '../logger.ts';

export const SLACK_WINDOW_SECONDS = 5 * 60;

/** Refuses (401) a request whose x-slack-request-timestamp is missing or outside ±5 minutes. */
export function requestWindowGuard(log: Logger, now: () => number = Date.now): express.RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-slack-request-timestamp'];
    const seconds = typeof header === 'string' && /^\d{1,12}$/.test(header) ? Number(header) : Number.NaN;
    const skew = seconds - Math.floor(now() / 1000);
    if (!Number.isFinite(skew) || Math.abs(skew) > SLACK_WINDOW_SECONDS) {
      log.warn(
        { ip: req.ip, skewSeconds: Number.isFinite(skew) ? skew : null },
        'slack request refused: timestamp outside ±5 minutes',
      );
      return void res.status(401).end();
    }
    next();
  };
}

/** The key a retried or replayed delivery shares with the first: the event id, or the whole body. */
export function deliveryKey(body: unknown): string {
  const eventId = (body as { event_id?: unknown } | undefined)?.event_id;
  if (typeof eventId === 'string' && eventId) return eventId;
  return `body:${createHash('sha256').update(JSON.stringify(body)).digest('base64url')}`;
}
