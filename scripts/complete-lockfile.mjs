// Adds the lock entries npm leaves out for other platforms' optional native packages
// (@rollup/rollup-*, @biomejs/cli-*, @esbuild/*) when the registry it talks to lacks them, which
// makes `npm ci` refuse the lock (npm/cli#4828). Each entry carries os/cpu, so npm skips it on
// other platforms. Run after changing dependencies: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
const platformOf = (name) => {
  const tail = name
    .split('/')
    .pop()
    .replace(/^(rollup|cli)-/, '');
  const [os, cpu, libc] = tail.split('-');
  const osName = {
    android: 'android',
    darwin: 'darwin',
    freebsd: 'freebsd',
    linux: 'linux',
    win32: 'win32',
    openbsd: 'openbsd',
    netbsd: 'netbsd',
    sunos: 'sunos',
    aix: 'aix',
    openharmony: 'openharmony',
  }[os];
  if (!osName) return undefined;
  const entry = { os: [osName], cpu: [cpu === 'arm' ? 'arm' : cpu] };
  if (libc === 'musl' || libc === 'musleabihf') entry.libc = ['musl'];
  if (libc === 'gnu' || libc === 'gnueabihf') entry.libc = ['glibc'];
  return entry;
};
let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    if (!/^@(rollup|biomejs|esbuild)\//.test(dep)) continue;
    const where = `${path ? `${path}/` : ''}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[where] || packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    packages[hoisted] = { version: spec.replace(/^[\^~]/, ''), dev: meta.dev, optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} entries`);
