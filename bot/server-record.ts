/**
 * Where the running `tally start` listens, recorded in TALLY_HOME: links a CLI command writes
 * (chart and CSV links in --card / --blocks) then point at the real server, never a guessed port.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FILE = 'server.json';

export function recordServer(home: string, url: string): () => void {
  const file = path.join(home, FILE);
  writeFileSync(file, JSON.stringify({ url, pid: process.pid }));
  return () => {
    if (runningServer(home)?.pid === process.pid) rmSync(file, { force: true });
  };
}

/** The server recorded in TALLY_HOME, if its process is still alive. */
export function runningServer(home: string): { url: string; pid: number } | undefined {
  const file = path.join(home, FILE);
  if (!existsSync(file)) return undefined;
  try {
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number };
    process.kill(recorded.pid, 0);
    return recorded;
  } catch {
    return undefined;
  }
}
