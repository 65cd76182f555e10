/**
 * `tally start`: the runtime, the doors whose settings are present, the shared HTTP server, the
 * scheduler, and in local mode the Agents Playground. Only this command loads the chat SDKs.
 */

import { configFor } from './cli-support.ts';
import { isLocalMode, slackConfigured, teamsConfigured } from './config.ts';
import { createLogger } from './logger.ts';
import { startScheduler } from './outbound.ts';
import { startPlayground } from './playground.ts';
import { createProactive } from './proactive.ts';
import { createRuntime } from './runtime.ts';
import { createServer, listen } from './server.ts';
import { progressReporter } from './terminal.ts';

export async function start(): Promise<void> {
  const config = configFor({}, false);
  const log = createLogger(config);
  const runtime = await createRuntime(config, log, progressReporter());
  const teams = teamsConfigured(config)
    ? (await import('./teams/teams-bot.ts')).createTeamsBot(runtime)
    : undefined;
  const slack = slackConfigured(config)
    ? (await import('./slack/slack-bot.ts')).createSlackBot(runtime)
    : undefined;
  const host = config.HOST ?? (isLocalMode(config) ? '127.0.0.1' : '0.0.0.0');
  const server = await listen(createServer(runtime, { teams, slack }), config.PORT, host);
  const proactive = createProactive({ teams, slack });
  const scheduler = await startScheduler(runtime, (target, reply) => proactive.post(target, reply));
  log.info(
    { schedules: (await scheduler.schedules()).length },
    'scheduler started: digests and alerts run on their cron, once across replicas',
  );
  if (slack) log.info('Slack: events, slash command and interactivity at /slack/events');
  log.info(
    { host, port: config.PORT, catalog: runtime.catalog.name },
    `Tally listening on http://localhost:${config.PORT}`,
  );
  let playground: ReturnType<typeof startPlayground>;
  if (isLocalMode(config)) {
    log.warn(
      'Teams: no MicrosoftAppId, so /api/messages accepts unauthenticated local traffic (Agents Playground, local tools only).',
    );
    if (config.TALLY_PLAYGROUND === '1') {
      playground = startPlayground(config.PORT, log, config.TALLY_PLAYGROUND_PORT);
      if (playground)
        process.stderr.write(
          `\n  Chat with Tally in the browser: http://localhost:${config.TALLY_PLAYGROUND_PORT}\n\n`,
        );
    }
  }
  const stop = async () => {
    log.info('shutting down');
    playground?.kill();
    server.close();
    await scheduler
      .stop()
      .catch((error: Error) => log.error({ err: error.message }, 'scheduler stop failed'));
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
