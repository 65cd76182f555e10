/**
 * Composition: configuration and the catalog's model.yaml → the model the runtime keeps (or none),
 * and the second reader a turn uses. No model configured, or a catalog that turns it off, leaves
 * the offline path exactly as it is.
 */
import type { AppDb } from '../app-db/app-db.ts';
import { claimModelCall } from '../app-db/model-usage.ts';
import type { Config } from '../bot/config.ts';
import type { Metrics } from '../bot/metrics.ts';
import { type ChatFn, createChat } from './client.ts';
import { loadModelPolicy, type ModelPolicy } from './policy.ts';
import { createSecondReader, type SecondReader } from './second-reader.ts';
import { modelConnection } from './settings.ts';

export interface ModelSetup {
  chat: ChatFn;
  model: string;
  provider: 'openai' | 'azure';
  policy: ModelPolicy;
  /** OPENAI_DAILY_CALLS_PER_USER; 0 for no limit. */
  dailyCallsPerUser: number;
}

export async function modelSetup(config: Config, catalogPath: string): Promise<ModelSetup | undefined> {
  const connection = modelConnection(config);
  if (!connection) return undefined;
  const policy = await loadModelPolicy(catalogPath);
  if (!policy.enabled) return undefined;
  return {
    chat: createChat(connection),
    model: connection.provider.model,
    provider: connection.provider.kind,
    policy,
    dailyCallsPerUser: config.OPENAI_DAILY_CALLS_PER_USER,
  };
}

export function secondReader(
  setup: ModelSetup | undefined,
  runtime: { appDb: AppDb; metrics?: () => Metrics | undefined },
): SecondReader | undefined {
  if (!setup) return undefined;
  const limit = setup.dailyCallsPerUser;
  return createSecondReader({
    chat: setup.chat,
    model: setup.model,
    policy: setup.policy,
    // Read at each call: `tally start` sets the runtime's metrics after the runtime is built.
    onCall: (outcome, ms, usage) => runtime.metrics?.()?.modelCall(outcome, ms, usage),
    budget: limit
      ? { limit, claim: (user, day) => claimModelCall(runtime.appDb.pool, user, day, limit) }
      : undefined,
  });
}
