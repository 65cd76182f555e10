/** Test runtime: the real composition root against the run's throwaway embedded PostgreSQL. */
import { type ChildProcess, execFile, type StdioOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Config, loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/logger.ts';
import { askDeps, createRuntime, type Runtime } from '../bot/runtime.ts';
import { ask } from '../skills/ask.ts';
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

/** The test runtime plus a superuser client on its warehouse, for tests that look behind the reader's back. */
export async function runtimeWithAdmin(): Promise<{
  runtime: Runtime;
  admin: pg.Client;
  close(): Promise<void>;
}> {
  const runtime = await testRuntime();
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  return {
    runtime,
    admin,
    close: async () => {
      await admin.end();
      await runtime.close();
    },
  };
}

/**
 * A demo runtime and an admin connection for a test file (set up before its tests, closed after),
 * and `ask`, which asks the demo as a person would, in a conversation when one is named.
 */
export function useDemo() {
  let demo: Awaited<ReturnType<typeof runtimeWithAdmin>> | undefined;
  beforeAll(async () => {
    demo = await runtimeWithAdmin();
  });
  afterAll(() => demo?.close());
  const started = () => {
    if (!demo) throw new Error('useDemo() is only ready inside tests');
    return demo;
  };
  return {
    get admin() {
      return started().admin;
    },
    ask: (text: string, conversationId?: string) =>
      ask(askDeps(started().runtime), {
        text,
        channel: 'test',
        ...(conversationId ? { conversationId } : {}),
      }),
  };
}

/** Where the runtime's executor connects: the read-only role's URL. */
export function readerUrl(runtime: Runtime): string {
  return (runtime.executor as unknown as { options: { connectionString: string } }).options.connectionString;
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
const execFileAsync = promisify(execFile);

// The built CLI, as `npm start` and users run it (global-setup builds dist/ once per run).
const BIN = path.join(ROOT, 'bin', 'tally.js');

/** The environment of a `tally` process against the run's embedded PostgreSQL (TALLY_NOW 2026-06-15 unless set). */
function tallyEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TALLY_HOME: inject('tallyHome'),
    TALLY_PG_PORT: String(inject('tallyPgPort')),
    TALLY_NOW: '2026-06-15',
    TALLY_PLAYGROUND: '0',
    LOG_LEVEL: 'warn',
    ...env,
  };
}

/** `tally <args>` as a long-running process (`start`). */
export function spawnTally(
  args: string[],
  env: Record<string, string>,
  stdio: StdioOptions = 'ignore',
): ChildProcess {
  // Node itself, no wrapper in between: a signal sent to the child reaches the server.
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: tallyEnv(env), stdio });
}

/** `tally <args>` run to completion: stdout and stderr, rejected with the exit code on failure. */
export function runTally(args: string[], env: Record<string, string> = {}, input?: string) {
  const child = execFileAsync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: tallyEnv(env),
    maxBuffer: 20 * 1024 * 1024,
  });
  if (input !== undefined) child.child.stdin?.end(input);
  return child;
}
