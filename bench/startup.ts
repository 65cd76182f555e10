/**
 * `npm start` to the first answered question (issue 14), on a warm machine with the warehouse
 * already seeded: the built `bin/tally.js start` from process start until a Teams question's card
 * reaches a Bot Connector stand-in, next to `node -e 0` in the same run. Node runs the CLI itself,
 * as `npm start` does, without npm's own wrapper (its ~0.3 s is not Tally's, and a signal sent to
 * the wrapper would not reach the server).
 */
import { execFile, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { freePort } from '../warehouse/free-port.ts';

const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'tally.js');
const TARGET_MS = 10_000;
const LIMIT_MS = 120_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Resolves when a card lands in the conversation; the stand-in answers every post as Teams would. */
async function connector(): Promise<{
  url: string;
  card(conversation: string): Promise<void>;
  close(): Promise<void>;
}> {
  const waiting = new Map<string, () => void>();
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  const take = (req: express.Request, res: express.Response) => {
    if (req.body.attachments?.length) waiting.get(String(req.params.conversation))?.();
    res.json({ id: `activity-${Date.now()}` });
  };
  app.post('/v3/conversations/:conversation/activities{/:activityId}', take);
  app.put('/v3/conversations/:conversation/activities/:activityId', take);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    card: (conversation) => new Promise((resolve) => waiting.set(conversation, resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One start: spawn, wait for /readyz, ask, wait for the card; the server is stopped either way. */
async function startToAnswer(
  env: NodeJS.ProcessEnv,
  serviceUrl: string,
  card: (c: string) => Promise<void>,
  round: number,
) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...env, PORT: String(port), TALLY_PLAYGROUND: '0' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    while (
      !(await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (child.exitCode !== null) throw new Error(`tally start exited with ${child.exitCode}`);
      if (performance.now() - started > LIMIT_MS) throw new Error('tally start never became ready');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const ready = performance.now() - started;
    const conversation = `a:bench-start-${round}`;
    const answered = card(conversation);
    const response = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `bench-start-${round}`,
        channelId: 'msteams',
        serviceUrl,
        text: 'revenue by region last quarter',
        from: { id: '29:bench', name: 'Bench' },
        recipient: { id: '28:tally', name: 'Tally' },
        conversation: { id: conversation, conversationType: 'personal' },
        channelData: { tenant: { id: 'tenant' } },
      }),
    });
    if (!response.ok) throw new Error(`the question got HTTP ${response.status}`);
    await answered;
    return { ready, answered: performance.now() - started };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function benchStartup(env: NodeJS.ProcessEnv, rounds = 3): Promise<void> {
  const run = promisify(execFile);
  const stand = await connector();
  try {
    // The warm-up: file cache, app-database migrations, pg-boss's schema, a first build if stale.
    await startToAnswer(env, stand.url, stand.card, 0);
    const ready: number[] = [];
    const answered: number[] = [];
    const node: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const one = await startToAnswer(env, stand.url, stand.card, round);
      ready.push(one.ready);
      answered.push(one.answered);
      const t = performance.now();
      await run(process.execPath, ['-e', '0'], { env });
      node.push(performance.now() - t);
    }
    const ms = median(answered);
    console.log(
      `${'npm start → 1st answer'.padEnd(22)} median ${ms.toFixed(0).padStart(5)} ms   node -e 0 ${median(node).toFixed(0).padStart(4)} ms   target < ${TARGET_MS} ms ${ms < TARGET_MS ? 'met' : 'MISSED'}  (ready at ${median(ready).toFixed(0)} ms; ${rounds} starts after a warm-up)`,
    );
  } finally {
    await stand.close();
  }
}
