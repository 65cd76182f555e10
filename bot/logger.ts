/** One pino logger, built by the composition root: JSON lines by default, readable ones with LOG_FORMAT=pretty. */
import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';

export type Logger = pino.Logger;

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>): Logger {
  const stream =
    config.LOG_FORMAT === 'pretty'
      ? pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname' })
      : pino.destination({ fd: 2, sync: true });
  return pino({ level: config.LOG_LEVEL }, stream);
}
