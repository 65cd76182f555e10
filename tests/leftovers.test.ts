/**
 * The end-of-run check really fails a run that leaves a `tally start` behind: a server is started
 * the way the old replicas.test.ts leak happened — under a wrapper that exits, so the test holds no
 * handle on it — and the check (the function global-setup's teardown calls) must find it by its
 * TALLY_HOME, throw naming its pid, and kill it. The server gets a TALLY_HOME of its own, so the
 * check never touches other test files' servers running meanwhile.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../warehouse/free-port.ts';
import { isolatedAppUrl } from './helpers.ts';
import { failOnLeftovers, tallyProcessesOf } from './leftovers.ts';
import { until } from './wait.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
let home = '';
let orphan = 0;

afterAll(async () => {
  // Should the check have missed it, it must still not outlive this file.
  if (orphan && tallyProcessesOf(home).includes(orphan)) process.kill(orphan, 'SIGKILL');
  if (home) await rm(home, { recursive: true, force: true });
});

describe('the leftover-process check', () => {
  it('passes when nothing is left, fails naming an orphaned tally start, and kills it', async () => {
    home = await mkdtemp(path.join(tmpdir(), 'tally-leftover-'));
    await chmod(home, 0o755);
    expect(() => failOnLeftovers(home)).not.toThrow();

    const port = await freePort();
    const env = {
      ...process.env,
      TALLY_HOME: home,
      ANALYTICS_DB_URL: inject('adminUrl'),
      DATABASE_URL: await isolatedAppUrl('leftovers'),
      TALLY_PLAYGROUND: '0',
      PORT: String(port),
      LOG_LEVEL: 'silent',
    };
    // The shell backgrounds the server and exits: nothing in this process holds the server.
    const { stdout } = await promisify(execFile)(
      'sh',
      ['-c', '"$0" bin/tally.js start >"$1" 2>&1 & echo $!', process.execPath, path.join(home, 'server.log')],
      { cwd: ROOT, env },
    );
    orphan = Number(stdout.trim());
    await until(
      () =>
        fetch(`http://127.0.0.1:${port}/readyz`)
          .then((r) => r.ok)
          .catch(() => false),
      40_000,
      () =>
        `the orphaned tally start never became ready: ${readFileSync(path.join(home, 'server.log'), 'utf8')}`,
      200,
    );
    expect(tallyProcessesOf(home)).toEqual([orphan]);

    expect(() => failOnLeftovers(home)).toThrow(
      new RegExp(`left 1 tally process\\(es\\) running \\(pids ${orphan}\\)`),
    );
    await until(
      () => tallyProcessesOf(home).length === 0,
      10_000,
      () => `pid ${orphan} still running after the check killed it`,
    );
    expect(() => failOnLeftovers(home)).not.toThrow();
  });
});
