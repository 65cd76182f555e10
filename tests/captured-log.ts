/** A real pino logger whose lines are kept in memory, so a test can assert on what was logged. */
import { pino } from 'pino';
import type { Logger } from '../bot/logger.ts';

export interface CapturedLog {
  log: Logger;
  lines: Record<string, unknown>[];
  /** Lines whose message matches. */
  find(msg: RegExp): Record<string, unknown>[];
}

export function captureLog(): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines, find: (msg) => lines.filter((l) => msg.test(String(l.msg))) };
}
