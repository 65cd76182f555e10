/** Test runtime: the real composition root against the run's throwaway embedded PostgreSQL. */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/logger.ts';
import { createRuntime, type Runtime } from '../bot/runtime.ts';
import type { Reply } from '../skills/reply.ts';
import { ensureDatabase } from '../warehouse/embedded.ts';

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

/** A fresh app database on the run's server, so a test's subscriptions, deliveries and alert state are its own. */
export async function isolatedAppUrl(prefix: string): Promise<string> {
  const url = new URL(inject('adminUrl'));
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  url.pathname = '/postgres';
  await ensureDatabase(url.toString(), name);
  url.pathname = `/${name}`;
  return url.toString();
}

const ROOT = path.resolve(import.meta.dirname, '..');

/** `tally <args>` as a real process against the run's embedded PostgreSQL (TALLY_NOW 2026-06-15 unless set). */
export function spawnTally(
  args: string[],
  env: Record<string, string>,
  stdio: StdioOptions = 'ignore',
): ChildProcess {
  return spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'bot', 'cli.ts'), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      TALLY_HOME: inject('tallyHome'),
      TALLY_PG_PORT: String(inject('tallyPgPort')),
      TALLY_NOW: '2026-06-15',
      TALLY_PLAYGROUND: '0',
      ...env,
    },
    stdio,
  });
}
