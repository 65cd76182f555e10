/**
 * Posting something Tally says first (a digest, an alert) to everyone who should hear it, once:
 * each recipient is claimed in the app database before the post, and the claim is given back if
 * the post fails so the job's retry delivers it — never twice, never silently lost.
 */

import type { z } from 'zod';
import type { AppDb, Delivery, Subscription } from '../app-db/app-db.ts';
import type { Reply } from '../skills/reply.ts';
import type { audienceSchema } from './cron.ts';

export type PostTarget =
  | { channel: 'teams'; conversationId: string }
  | { channel: 'slack'; channelId: string };

export type Post = (target: PostTarget, reply: Reply) => Promise<void>;

export type Audience = z.infer<typeof audienceSchema>;

export function targetKey(target: PostTarget): string {
  return target.channel === 'slack' ? `slack:${target.channelId}` : `teams:${target.conversationId}`;
}

/** Slack channel ids are C…/G…/D…; Teams conversation ids always contain a colon ("19:…@thread.tacv2"). */
export function literalTarget(audience: Audience): PostTarget | undefined {
  if (audience.channel === 'slack' && /^[CGD][A-Z0-9]{2,}$/.test(audience.target))
    return { channel: 'slack', channelId: audience.target };
  if (audience.channel === 'teams' && audience.target.includes(':'))
    return { channel: 'teams', conversationId: audience.target };
  return undefined;
}

/** The places a definition reaches: its own literal target and everyone subscribed to its topics. */
export function recipients(
  audience: Audience | undefined,
  subscriptions: Pick<Subscription, 'target'>[],
): PostTarget[] {
  const all = [...(audience ? [literalTarget(audience)] : []), ...subscriptions.map((s) => s.target)];
  const byKey = new Map<string, PostTarget>();
  for (const target of all) if (target) byKey.set(targetKey(target), target);
  return [...byKey.values()];
}

export interface DeliveryReport {
  posted: string[];
  alreadySent: string[];
  failed: { target: string; error: string }[];
}

export class DeliveryError extends Error {
  readonly code = 'tally_delivery';
}

export async function deliver(
  appDb: AppDb,
  post: Post,
  what: Omit<Delivery, 'target'>,
  targets: PostTarget[],
  reply: Reply,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { posted: [], alreadySent: [], failed: [] };
  for (const target of targets) {
    const delivery = { ...what, target: targetKey(target) };
    if (!(await appDb.claimDelivery(delivery))) {
      report.alreadySent.push(delivery.target);
      continue;
    }
    try {
      await post(target, reply);
      report.posted.push(delivery.target);
    } catch (error) {
      await appDb.releaseDelivery(delivery);
      report.failed.push({ target: delivery.target, error: (error as Error).message });
    }
  }
  return report;
}
