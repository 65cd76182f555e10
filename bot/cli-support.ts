/** What every `tally` command shares: option parsers, configuration, the runtime's lifetime, failing. */
import { InvalidArgumentError } from 'commander';
import { isIsoDate } from '../semantic-catalog/dates.ts';
import { CatalogError } from '../semantic-catalog/loader.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import type { Runtime } from './runtime.ts';

export function dateOption(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('must be a date written YYYY-MM-DD');
  return value;
}
export function numberOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** Configuration for one command: the environment, with --now over TALLY_NOW; quiet logs unless asked. */
export function configFor(overrides: Partial<Config> = {}, quiet = true): Config {
  const env = { ...process.env };
  if (quiet && !env.LOG_LEVEL) env.LOG_LEVEL = 'warn';
  return { ...loadConfig(env), ...overrides };
}

export async function withRuntime<T>(config: Config, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  // Loaded by the commands that use the warehouse, not by `--help` or `catalog show`.
  const { createRuntime } = await import('./runtime.ts');
  const { createLogger } = await import('./logger.ts');
  const { progressReporter } = await import('./terminal.ts');
  const log = createLogger(config);
  const runtime = await createRuntime(config, log, progressReporter());
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

export function fail(error: unknown): never {
  if (
    error instanceof ConfigError ||
    error instanceof CatalogError ||
    error instanceof InvalidArgumentError
  ) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('tally_')) {
    process.stderr.write(`tally: ${error.message}\n`);
  } else {
    process.stderr.write(
      `tally: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(2);
}
