/** The HTTP server every door shares. For now: health and metrics; the chat channels mount here later. */
import type { Server } from 'node:http';
import express from 'express';
import type { Runtime } from './runtime.ts';

export function createServer(runtime: Runtime): express.Express {
  const app = express();
  const started = Date.now();
  app.get('/healthz', async (_req, res) => {
    try {
      await runtime.appDb.pool.query('SELECT 1');
      res.json({
        status: 'ok',
        catalog: runtime.catalog.name,
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
      });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', reason: (error as Error).message });
    }
  });
  if (runtime.diskStore) {
    app.use(runtime.diskStore.router());
    const sweep = setInterval(() => void runtime.diskStore?.sweep().catch(() => undefined), 3600_000);
    sweep.unref();
  }
  app.get('/metrics', (_req, res) => {
    res
      .type('text/plain')
      .send(
        `# TYPE tally_uptime_seconds gauge\ntally_uptime_seconds ${Math.round((Date.now() - started) / 1000)}\n`,
      );
  });
  return app;
}

export function listen(app: express.Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '0.0.0.0', (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
