/**
 * The start-up and access-rule targets (issues 14 and 15), run once on the bench's server: the
 * demo warehouse is already seeded there, so `tally start` meets it as on a warm machine.
 */
import type { GoldenFile } from '../skills/eval.ts';
import { ensureDatabase } from '../warehouse/embedded.ts';
import { benchAccessOverhead } from './access-overhead.ts';
import { benchStartup } from './startup.ts';

export async function benchTargets(options: {
  env: NodeJS.ProcessEnv;
  /** A superuser URL of the bench's server, any database. */
  serverUrl: string;
  golden: GoldenFile;
  scale: number;
  end: string;
}): Promise<void> {
  const app = (name: string) => {
    const url = new URL(options.serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  // App databases of their own: the server's scheduler and outbox, and the access runtimes'
  // audit rows, stay out of the bench's own figures.
  for (const name of ['bench_start_app', 'bench_access_app']) await ensureDatabase(app('postgres'), name);
  await benchStartup({ ...options.env, DATABASE_URL: app('bench_start_app') });
  await benchAccessOverhead({
    serverUrl: options.serverUrl,
    appDbUrl: app('bench_access_app'),
    golden: options.golden,
    scale: options.scale,
    end: options.end,
  });
}
