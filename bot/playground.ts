/**
 * Microsoft's Agents Playground (a Teams-like chat in the browser, offline) pointed at this bot:
 * what `npm start` opens in local mode, so a newcomer chats with Tally without any Azure setup.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.ts';

export function startPlayground(botPort: number, log: Logger, port: number): ChildProcess | undefined {
  const bin = path.resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'agentsplayground');
  if (!existsSync(bin)) {
    log.warn(
      'The Agents Playground is not installed (it is a dev dependency); chat through Teams or Slack instead.',
    );
    return undefined;
  }
  const child = spawn(
    bin,
    ['-e', `http://localhost:${botPort}/api/messages`, '-c', 'msteams', '--disable-telemetry'],
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
  return child;
}
