/**
 * Microsoft's Agents Playground (a Teams-like chat in the browser, offline) pointed at this bot:
 * what `npm start` opens in local mode, so a newcomer chats with Tally without any Azure setup.
 * It listens on this machine only (playground-loopback.mjs), on the port asked for or not at all
 * (it would quietly take a random port instead), and its address is given once it answers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isPortFree } from '../warehouse/free-port.ts';
import { portInUse } from './listener.ts';
import type { Logger } from './logger.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const READY_TIMEOUT_MS = 30_000;

export type PlaygroundStart =
  | { ok: true; child: ChildProcess; url: string }
  | { ok: false; reason: string; child?: ChildProcess };

export async function startPlayground(botUrl: string, log: Logger, port: number): Promise<PlaygroundStart> {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'agentsplayground');
  if (!existsSync(bin))
    return {
      ok: false,
      reason:
        'The Agents Playground is not installed (a dev dependency); chat through Teams or Slack instead.',
    };
  if (!(await isPortFree(port)))
    return { ok: false, reason: portInUse('The Agents Playground', port, 'TALLY_PLAYGROUND_PORT') };
  const child = spawn(
    process.execPath,
    [
      '--import',
      path.join(ROOT, 'bot', 'playground-loopback.mjs'),
      realpathSync(bin),
      ...['-e', `${botUrl}/api/messages`, '-c', 'msteams', '-p', String(port), '--disable-telemetry'],
    ],
    {
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', TEAMSAPPTESTER_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => log.debug({ playground: chunk.toString().trim() }));
  child.stderr?.on('data', (chunk: Buffer) => log.debug({ playground: chunk.toString().trim() }));
  child.on('exit', (code) => {
    if (code) log.warn({ code }, 'the Agents Playground stopped');
  });
  const url = `http://localhost:${port}`;
  const reason = await ready(`http://127.0.0.1:${port}/`, child);
  return reason ? { ok: false, reason, child } : { ok: true, child, url };
}

/** Waits until the Playground answers HTTP on its port; says why not otherwise. */
async function ready(url: string, child: ChildProcess): Promise<string | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return `The Agents Playground exited (code ${child.exitCode}).`;
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.status < 500)
      .catch(() => false);
    if (ok) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
  return `The Agents Playground did not answer at ${url} within ${READY_TIMEOUT_MS / 1000} s.`;
}
