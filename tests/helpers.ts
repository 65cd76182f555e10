/** Test runtime: the real composition root against the run's throwaway embedded PostgreSQL. */
import { inject } from 'vitest';
import { type Config, loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/logger.ts';
import { createRuntime, type Runtime } from '../bot/runtime.ts';
import type { Reply } from '../skills/reply.ts';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    TALLY_HOME: inject('tallyHome'),
    TALLY_PG_PORT: String(inject('tallyPgPort')),
    TALLY_NOW: '2026-06-15',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export async function testRuntime(overrides: Record<string, string> = {}): Promise<Runtime> {
  const config = testConfig(overrides);
  return createRuntime(config, createLogger(config));
}

/** A plain reply, as a digest or an alert would post it. */
export function sampleReply(summary: string): Reply {
  return { status: 'answer', question: 'digest', summary, kpis: [], context: [], choices: [], actions: [] };
}
