// `npm run build`: the TypeScript sources → dist/ as ESM for Node 20, one bundle per command path.
// Packages stay external (node resolves them from node_modules), and every `await import()` becomes
// its own chunk, so `tally catalog show` never loads the chat SDKs, vega or the S3 client.
// Plain JavaScript on purpose: bin/tally.js and postinstall run it with no TypeScript runner.
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
export const DIST = path.join(ROOT, 'dist');
/** What bin/tally.js compares with the sources to decide whether dist/ is stale. */
export const STAMP = path.join(DIST, 'build.json');
const ENTRIES = { cli: 'bot/cli.ts', 'check-embedded-postgres': 'scripts/check-embedded-postgres.ts' };

/**
 * Builds into a private folder, then moves each file into dist/ with a rename, the stamp last:
 * processes building at the same moment (parallel tests, two terminals) never see half a build.
 * `clean` removes the previous build's scripts first (other files in dist/, such as the Teams
 * package, stay).
 */
export async function build({ clean = false } = {}) {
  const { build: esbuild } = await import('esbuild');
  await mkdir(DIST, { recursive: true });
  const work = await mkdtemp(path.join(DIST, '.build-'));
  try {
    const result = await esbuild({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      outdir: work,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      metafile: true,
      // Chunks beside the entries: code that finds files with import.meta.dirname + '..' (the
      // demo catalog, the Playground) sees the same depth as in the sources.
      chunkNames: '[name]-[hash]',
      logLevel: 'warning',
    });
    if (clean) await removeScripts(DIST);
    for (const file of Object.keys(result.metafile.outputs)) {
      const relative = path.relative(work, path.resolve(ROOT, file));
      await rename(path.join(work, relative), path.join(DIST, relative));
    }
    const inputs = [...Object.keys(result.metafile.inputs), 'package.json', 'scripts/build.mjs'];
    await writeFile(`${STAMP}.tmp-${process.pid}`, `${JSON.stringify({ inputs }, null, 1)}\n`);
    await rename(`${STAMP}.tmp-${process.pid}`, STAMP);
    return inputs.length;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function removeScripts(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isFile() && /\.js(\.map)?$/.test(entry.name)) await rm(file, { force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const started = performance.now();
  // --no-clean: processes running from dist/ now (a test run) keep the chunks they may still import.
  const count = await build({ clean: !process.argv.includes('--no-clean') });
  process.stdout.write(
    `dist/ built from ${count} sources in ${Math.round(performance.now() - started)} ms\n`,
  );
}
