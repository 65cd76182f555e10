/**
 * What operators and load balancers ask the server: /readyz (may it take traffic now?) and
 * /metrics (Prometheus). /healthz (is the process alive?) stays in server.ts.
 *
 * /metrics names the warehouse's tables, gate rules and queues, so it is closed unless a bearer
 * token is configured (METRICS_TOKEN) — or the server is in local mode on a loopback address,
 * where only this machine can reach it.
 */
import { timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Metrics } from './metrics.ts';
import type { Runtime } from './runtime.ts';

export interface OpsOptions {
  metrics: Metrics;
  /** Set by the configuration: the bearer token /metrics requires. */
  token?: string;
  /** Local mode on a loopback address: /metrics needs no token. */
  openWithoutToken: boolean;
  /** True once shutdown began: readiness fails so the load balancer stops sending traffic. */
  draining(): boolean;
}

export function opsRouter(runtime: Runtime, options: OpsOptions): express.Router {
  const router = express.Router();
  router.get('/readyz', async (_req, res) => {
    const checks = {
      warehouse: await reachable(() => runtime.executor.run('SELECT 1', { user: 'readyz' })),
      appDatabase: await reachable(() => runtime.appDb.pool.query('SELECT 1')),
      catalog: runtime.catalog.metrics.length > 0,
      accepting: !options.draining(),
    };
    const ready = Object.values(checks).every(Boolean);
    if (!ready) runtime.log.warn({ checks }, 'not ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  router.get('/metrics', async (req, res) => {
    if (!allowed(req.get('authorization'), options)) {
      return void res
        .status(options.token ? 401 : 403)
        .json({ error: options.token ? 'a bearer token is required' : metricsClosed() });
    }
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  return router;
}

/** The answer to /metrics when no token is configured outside local mode. */
export function metricsClosed(): string {
  return 'metrics need METRICS_TOKEN (a bearer token) outside local mode on a loopback address';
}

function allowed(header: string | undefined, options: OpsOptions): boolean {
  if (!options.token) return options.openWithoutToken;
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(options.token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}
