/**
 * Composition: configuration and the catalog's model.yaml → the model the runtime keeps (or none),
 * and the second reader a turn uses. No model configured, or a catalog that turns it off, leaves
 * the offline path exactly as it is.
 */
import type { Config } from '../bot/config.ts';
import { type ChatFn, createChat } from './client.ts';
import { loadModelPolicy, type ModelPolicy } from './policy.ts';
import { createSecondReader, type SecondReader, type SecondReaderDeps } from './second-reader.ts';
import { modelConnection } from './settings.ts';

export interface ModelSetup {
  chat: ChatFn;
  model: string;
  provider: 'openai' | 'azure';
  policy: ModelPolicy;
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
  };
}

export function secondReader(
  setup: ModelSetup | undefined,
  onCall?: SecondReaderDeps['onCall'],
): SecondReader | undefined {
  return setup && createSecondReader({ chat: setup.chat, model: setup.model, policy: setup.policy, onCall });
}
