#!/usr/bin/env node
// `tally`: runs the build in dist/. In a source checkout (bot/cli.ts beside us) it first rebuilds
// dist/ when any source the last build read is newer than that build, so `npm start` after a
// `git pull` or an edit never runs stale code. An installed image has no sources and skips this.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist', 'build.json');

async function stale() {
  if (!existsSync(stamp)) return true;
  const builtAt = statSync(stamp).mtimeMs;
  const { readFile } = await import('node:fs/promises');
  const { inputs } = JSON.parse(await readFile(stamp, 'utf8'));
  return inputs.some((file) => {
    const source = path.join(root, file);
    return !existsSync(source) || statSync(source).mtimeMs > builtAt;
  });
}

if (existsSync(path.join(root, 'bot', 'cli.ts')) && (await stale())) {
  const { build } = await import('../scripts/build.mjs');
  // esbuild has already printed each error with its file and line; its stack would only bury them.
  await build().catch(() => {
    process.stderr.write('tally: the sources do not build (errors above); fix them, then run again.\n');
    process.exit(1);
  });
}
await import('../dist/cli.js');
