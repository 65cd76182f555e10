/**
 * The load bench's moving parts (bench/load.ts): a Bot Connector stand-in that catches each
 * conversation's final reply, a built `tally start` to send questions to, a round of questions
 * all at once, and CPU accounting — the server's own, PostgreSQL's (every backend, live or
 * exited) and this process's — so a figure says where the machine's time went, not only how long
 * a round took on a machine shared with other work.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent, createServer, request as httpRequest } from 'node:http';
import path from 'node:path';
import { freePort } from '../warehouse/free-port.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Connector {
  serviceUrl: string;
  /** Resolves once the conversation's final reply comes: when, and the card's image URLs. */
  expect(conversation: string, timeoutMs: number): Promise<Reply>;
  close(): void;
}

interface Reply {
  at: number;
  images: string[];
}

/**
 * Final replies by conversation: a card, a card put into "Working on it…", or a plain sentence.
 * Plain node:http rather than express, and the card walked rather than re-serialised: this stands
 * in for Teams' own service, which is not on the bench machine, so it should cost the machine as
 * little as it can.
 */
export async function startConnector(): Promise<Connector> {
  const waiting = new Map<string, (reply: Reply) => void>();
  const route = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]*)?$/;
  let replies = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const match = route.exec(req.url ?? '');
      if (match && chunks.length > 0) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          type?: string;
          text?: string;
          attachments?: { content?: unknown }[];
        };
        if (body.type === 'message' && body.text !== 'Working on it…') {
          const at = performance.now();
          // Key order is not kept (the outbox stores the card as jsonb), so the card is walked.
          const images: string[] = [];
          imagesIn(body.attachments?.[0]?.content, images);
          waiting.get(decodeURIComponent(match[1] as string))?.({ at, images });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"a-${++replies}"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    serviceUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    expect(conversation, timeoutMs) {
      return new Promise<Reply>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply in ${conversation}`)), timeoutMs);
        waiting.set(conversation, (reply) => {
          clearTimeout(timer);
          waiting.delete(conversation);
          resolve(reply);
        });
      });
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Every Adaptive Card Image's URL, wherever it sits in the card. */
function imagesIn(node: unknown, images: string[]): void {
  if (Array.isArray(node)) for (const item of node) imagesIn(item, images);
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.type === 'Image' && typeof record.url === 'string') images.push(record.url);
    for (const value of Object.values(record))
      if (value !== null && typeof value === 'object') imagesIn(value, images);
  }
}

/**
 * The harness's own HTTP client: no fetch machinery per request; keep-alive within a round (one
 * agent per round, destroyed after it: a connection kept across rounds can be closed by the
 * server's keep-alive timeout just as a question is written on it, and the question is lost).
 */
function send(agent: Agent, url: string, body?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        agent,
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface LoadServer {
  base: string;
  metrics(): Promise<Map<string, number>>;
  /** A full collection in the server (bot/start.ts listens for SIGUSR2 under --expose-gc). */
  collect(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(options: {
  root: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}): Promise<LoadServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [...options.args, path.join(options.root, 'bin', 'tally.js'), 'start'],
    {
      cwd: options.root,
      env: { ...process.env, ...options.env, PORT: String(port) },
      stdio: [
        'ignore',
        process.env.LOAD_SERVER_STDOUT
          ? (await import('node:fs')).openSync(process.env.LOAD_SERVER_STDOUT, 'w')
          : 'ignore',
        'inherit',
      ],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let ready = false; !ready; await sleep(250))
    ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
  return {
    base,
    async metrics() {
      const text = await (await fetch(`${base}/metrics`)).text();
      return new Map(
        [...text.matchAll(/^(\w+(?:\{[^}]*\})?) (\S+)$/gm)].map((m) => [m[1] as string, Number(m[2])]),
      );
    },
    async collect() {
      child.kill('SIGUSR2');
      await sleep(1000);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What a Teams client does with a card's image: fetch it. A failure is described, never thrown. */
async function fetchImage(agent: Agent, url: string): Promise<string | undefined> {
  try {
    const response = await send(agent, url);
    if (response.status === 200 && response.body.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
    return `${url}: HTTP ${response.status}, ${response.body.length} bytes`;
  } catch (error) {
    return `${url}: ${(error as Error).message}`;
  }
}

export interface RoundResult {
  seconds: number;
  /** Question to final reply, in ms (the image is fetched after, as a client shows the card). */
  latencies: number[];
  imagesFetched: number;
  imageFailures: string[];
}

/** One round: every question at once, each in its own conversation, each reply's images fetched. */
export async function round(
  connector: Connector,
  base: string,
  name: string,
  questions: string[],
): Promise<RoundResult> {
  const agent = new Agent({ keepAlive: true });
  const started = performance.now();
  const imageFailures: string[] = [];
  let imagesFetched = 0;
  const latencies = await Promise.all(
    questions.map((text, i) => {
      const conversation = `${name}-${i}`;
      const sent = performance.now();
      const replied = connector.expect(conversation, 180_000).then(async ({ at, images }) => {
        for (const failure of await Promise.all(images.map((url) => fetchImage(agent, url))))
          if (failure) imageFailures.push(failure);
        imagesFetched += images.length;
        return at - sent;
      });
      // A question that could not be sent fails the round at once, not after the reply timeout.
      const asked = send(
        agent,
        `${base}/api/messages`,
        JSON.stringify({
          type: 'message',
          id: `m-${conversation}`,
          channelId: 'msteams',
          serviceUrl: connector.serviceUrl,
          text,
          from: { id: `29:${conversation}`, aadObjectId: `aad-${conversation}` },
          recipient: { id: '28:tally' },
          conversation: { id: conversation, conversationType: 'personal' },
          channelData: { tenant: { id: 'tenant' } },
        }),
      ).then(({ status }) => {
        if (status !== 200) throw new Error(`${conversation}: the question got HTTP ${status}`);
      });
      return Promise.all([replied, asked]).then(([latency]) => latency);
    }),
  );
  agent.destroy();
  return { seconds: (performance.now() - started) / 1000, latencies, imagesFetched, imageFailures };
}

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds of the PostgreSQL server so far: the postmaster's own and its waited-for children's
 * (backends that ended) from its /proc stat, plus every live child's. Linux only; 0 elsewhere.
 */
export async function postgresCpuSeconds(dataDir: string): Promise<number> {
  const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const stat = async (p: string) => {
    const text = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  const own = await stat(String(pid));
  if (own.length < 17) return 0;
  // Fields after the command: ppid is 2nd, utime/stime 12th/13th, cutime/cstime 14th/15th.
  let ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(own[i]), 0);
  const { readdir } = await import('node:fs/promises');
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await stat(entry);
    if (Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/**
 * PostgreSQL's CPU seconds so far by what each process serves: a backend's database (its title is
 * `postgres: user database host(port) state`), a background process by its name, and
 * `exited` for ended children (the postmaster's cutime/cstime, which can't be told apart).
 */
export async function postgresCpuByPart(dataDir: string): Promise<Map<string, number>> {
  const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const stat = async (p: string) => {
    const text = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  const parts = new Map<string, number>();
  const add = (part: string, ticks: number) =>
    parts.set(part, (parts.get(part) ?? 0) + ticks / TICKS_PER_SECOND);
  const own = await stat(String(pid));
  if (own.length < 17) return parts;
  add('postmaster', Number(own[11]) + Number(own[12]));
  add('exited', Number(own[13]) + Number(own[14]));
  const { readdir } = await import('node:fs/promises');
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await stat(entry);
    if (Number(fields[1]) !== pid) continue;
    const title = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
    const words = title.replace(/^postgres:\s*/, '').split(/\s+/);
    // A backend: user, database, host(port); anything else is a background process.
    const part = /\(\d+\)$/.test(words[2] ?? '') ? `db ${words[1]}` : words.slice(0, 2).join(' ') || 'other';
    add(part, Number(fields[11]) + Number(fields[12]));
  }
  return parts;
}

/** This process's CPU seconds so far (the connector stand-in, the HTTP client, the raw pg client). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
