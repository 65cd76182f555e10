/** The HTTP server every door shares: Teams at /api/messages, charts and exports, health and metrics. */
import type { Server } from 'node:http';
import express from 'express';
import { isLocalMode, teamsConfigured } from './config.ts';
import { requestIds } from './request-id.ts';
import type { Runtime } from './runtime.ts';
import type { SlackBot } from './slack/slack-bot.ts';
import type { TeamsBot } from './teams/teams-bot.ts';

export function createServer(
  runtime: Runtime,
  doors: { teams?: TeamsBot; slack?: SlackBot } = {},
  ops?: express.Router,
): express.Express {
  const app = express();
  app.use(requestIds(runtime.log));
  app.get('/healthz', async (_req, res) => {
    try {
      await runtime.appDb.pool.query('SELECT 1');
      res.json({ status: 'ok' });
    } catch (error) {
      // Public in every mode: the database's own error text stays in the log.
      runtime.log.error({ err: (error as Error).message }, 'health check: app database unreachable');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  if (runtime.diskStore) {
    app.use(runtime.diskStore.router());
    const sweep = setInterval(() => void runtime.diskStore?.sweep().catch(() => undefined), 3600_000);
    sweep.unref();
  }
  // /readyz and /metrics (bot/ops.ts), when the caller runs them (`tally start`).
  if (ops) app.use(ops);
  // A door that isn't configured isn't mounted: without an app id, outside local mode, anyone could post.
  const teams = teamsConfigured(runtime.config) ? doors.teams : undefined;
  if (teams) {
    app.post('/api/messages', express.json({ limit: '1mb' }), async (req, res) => {
      if (!req.body || typeof req.body !== 'object' || typeof req.body.type !== 'string') {
        runtime.log.warn({ ip: req.ip }, 'malformed Bot Framework request');
        return void res.status(400).json({ error: 'expected a Bot Framework activity' });
      }
      // Unauthenticated local mode answers only a chat on this machine: a reply goes to the
      // activity's serviceUrl, so any other address would make Tally post wherever it is told.
      if (isLocalMode(runtime.config) && !isLoopbackUrl(req.body.serviceUrl)) {
        runtime.log.warn(
          { ip: req.ip, serviceUrl: String(req.body.serviceUrl).slice(0, 200) },
          'refused: local mode replies only to a service URL on this machine',
        );
        return void res
          .status(403)
          .json({ error: 'local mode replies only to a service URL on this machine' });
      }
      await teams.process(req, res);
    });
  }
  // Bolt verifies Slack's signature on the raw body itself: mounted before any body parser.
  if (doors.slack) app.use(doors.slack.receiver.router);
  // Malformed JSON and other request errors: a 4xx, logged, never a crash.
  app.use(
    (
      error: Error & { status?: number },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      runtime.log.warn({ err: error.message }, 'bad request');
      res.status(error.status && error.status < 500 ? error.status : 400).json({ error: 'bad request' });
    },
  );
  return app;
}

export function listen(app: express.Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}
