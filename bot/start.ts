/**
 * `tally start`: bind the port → build the runtime → mount the doors whose settings are present,
 * /readyz and /metrics → start the scheduler → in local mode, the Agents Playground → say what to
 * do next. SIGTERM (or SIGINT) drains: readiness fails, no new connections, answers in flight
 * finish (up to SHUTDOWN_TIMEOUT_SECONDS), pg-boss stops, pools close, exit 0.
 */
import type { ChildProcess } from 'node:child_process';
import { formatDay } from '../semantic-catalog/dates.ts';
import { configFor } from './cli-support.ts';
import { isLocalMode, slackConfigured, teamsConfigured } from './config.ts';
import { openListener } from './listener.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { opsRouter } from './ops.ts';
import { startScheduler } from './outbound.ts';
import { startPlayground } from './playground.ts';
import { createProactive } from './proactive.ts';
import { createRuntime, DEFAULT_HOME } from './runtime.ts';
import { createServer } from './server.ts';
import { recordServer } from './server-record.ts';
import { progressReporter } from './terminal.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function start(): Promise<void> {
  const config = configFor({}, false);
  const log = createLogger(config);
  const host = config.HOST ?? (isLocalMode(config) ? '127.0.0.1' : '0.0.0.0');
  const loopback = LOOPBACK.has(host);
  if (isLocalMode(config) && !loopback) warnExposed(host, log);
  const listener = await openListener(config.PORT, host);
  const address = `http://${loopback ? 'localhost' : host}:${listener.port}`;
  const runtime = await createRuntime(
    { ...config, PUBLIC_URL: config.PUBLIC_URL ?? address },
    log,
    progressReporter(),
  );
  await (await import('../catalog-admin/drift.ts')).logDrift(runtime);
  let draining = false;
  let scheduler: Awaited<ReturnType<typeof startScheduler>> | undefined;
  const metrics = createMetrics({ queueDepths: async () => (await scheduler?.queueDepths()) ?? {} });
  runtime.metrics = metrics;
  const teams = teamsConfigured(config)
    ? (await import('./teams/teams-bot.ts')).createTeamsBot(runtime)
    : undefined;
  const slack = slackConfigured(config)
    ? (await import('./slack/slack-bot.ts')).createSlackBot(runtime)
    : undefined;
  const proactive = createProactive({ teams, slack });
  scheduler = await startScheduler(runtime, async (target, reply) => {
    const started = performance.now();
    await proactive.post(target, reply);
    metrics.stage('delivery', performance.now() - started);
  });
  log.info(
    { schedules: (await scheduler.schedules()).length },
    'scheduler started: digests and alerts run on their cron, once across replicas',
  );
  const ops = opsRouter(runtime, {
    metrics,
    token: config.METRICS_TOKEN,
    openWithoutToken: isLocalMode(config) && loopback,
    draining: () => draining,
  });
  listener.mount(createServer(runtime, { teams, slack }, ops));
  // Replies a killed process left unsent go out now (issue 17), and whatever another replica leaves later.
  await teams?.outbox.start();
  const forget = recordServer(config.TALLY_HOME ?? DEFAULT_HOME, address);
  log.info(
    {
      host,
      port: listener.port,
      catalog: runtime.catalog.name,
      schedules: (await scheduler.schedules()).length,
    },
    `Tally listening on ${address}`,
  );
  if (slack) log.info('Slack: events, slash command and interactivity at /slack/events');

  let playground: ChildProcess | undefined;
  let chat = '';
  if (isLocalMode(config)) {
    log.warn(
      'Teams: no MicrosoftAppId, so /api/messages accepts unauthenticated local traffic (Agents Playground, local tools only).',
    );
    if (config.TALLY_PLAYGROUND === '1') {
      const started = await startPlayground(address, log, config.TALLY_PLAYGROUND_PORT);
      playground = started.child;
      if (started.ok) chat = `  Chat with Tally in the browser: ${started.url}\n`;
      else process.stderr.write(`tally: ${started.reason}\n`);
    }
  }
  const stale = runtime.staleDemoEnd
    ? `  The demo data ends ${formatDay(runtime.staleDemoEnd)}: npm run tally -- demo seed brings it up to yesterday.\n`
    : '';
  process.stderr.write(
    `\n  Tally is ready at ${address}\n${chat}  Ask from another terminal: npm run tally -- ask "revenue by region last quarter"\n${stale}\n`,
  );

  const stop = async (signal: string) => {
    draining = true;
    log.info({ signal }, 'shutting down: finishing answers in flight');
    playground?.kill();
    const limitMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
    const deadline = Date.now() + limitMs;
    const drained = await listener.drain(limitMs);
    // Slack and slow Teams answers finish after their HTTP response: wait for those as well.
    while (metrics.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!drained || metrics.inFlight() > 0)
      log.warn({ limitSeconds: config.SHUTDOWN_TIMEOUT_SECONDS }, 'answers still in flight at the limit');
    await scheduler
      .stop()
      .catch((error: Error) => log.error({ err: error.message }, 'scheduler stop failed'));
    forget();
    await teams?.outbox.stop();
    await runtime.close();
    log.info('stopped');
    process.exit(0);
  };
  // Only under node --expose-gc (the load bench): a full collection on request, so memory can be
  // sampled without the collector's timing in the figure. Twice: pages the first one emptied are
  // swept concurrently and handed back to the system only by the next (measured: the heap V8
  // kept read ~70 MB high after the first collection of a run, and at its level after the second).
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc)
    process.on('SIGUSR2', () => {
      gc();
      setTimeout(gc, 100);
    });
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** The loud warning: an unauthenticated bot that reads the warehouse, reachable from the network. */
function warnExposed(host: string, log: Logger): void {
  const text =
    `HOST=${host} with no authentication (no MicrosoftAppId, no Slack signing secret): anyone who ` +
    'can reach this machine can query your warehouse through Tally. Use HOST=127.0.0.1, or configure a door.';
  log.warn(text);
  process.stderr.write(`\n  !!! WARNING: ${text}\n\n`);
}
