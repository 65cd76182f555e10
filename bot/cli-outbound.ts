/** `tally alerts …`, `tally digest …` and `tally subscriptions`: what Tally says first, by hand. */
import { readFile, writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import type { Reply } from '../skills/reply.ts';
import { configFor, dateOption, withRuntime } from './cli-support.ts';

// Each action imports what it runs: registering these commands must cost `tally --help` nothing.
const outbound = () => import('./outbound.ts');

function named<T extends { name: string }>(kind: string, all: T[], name: string): T {
  const found = all.find((d) => d.name === name);
  if (!found)
    throw new InvalidArgumentError(
      `No ${kind} named ${name}. Known: ${all.map((d) => d.name).join(', ') || 'none'}.`,
    );
  return found;
}

async function writeCards(reply: Reply, options: { card?: string; blocks?: string }): Promise<void> {
  const { renderAdaptiveCard } = await import('../adaptive-cards/teams-card.ts');
  const { renderBlockKit } = await import('../adaptive-cards/block-kit.ts');
  if (options.card) await writeFile(options.card, `${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`);
  if (options.blocks)
    await writeFile(options.blocks, `${JSON.stringify({ blocks: renderBlockKit(reply) }, null, 2)}\n`);
}

function printReply(reply: Reply): void {
  const lines = [
    reply.summary,
    ...reply.kpis.map((k) => `${k.label}: ${k.value}${k.delta ? `  ${k.delta}` : ''}`),
    ...reply.context,
  ];
  process.stdout.write(lines.map((l) => `  ${l}\n`).join(''));
}

/** `alerts run` and `digest run` share their options: the clock, a dry run, and the cards to write. */
function postingCommand(
  parent: Command,
  what: 'alert' | 'digest',
  description: string,
  nowHelp: string,
): Command {
  return parent
    .command('run')
    .description(description)
    .argument('<name>', `${what} name (${what}s.yaml beside the catalog)`)
    .option('--now <date>', nowHelp, dateOption)
    .option('--dry-run', 'print what would be posted; post nothing')
    .option('--card <file>', `write the ${what}’s Adaptive Card (Teams) as JSON`)
    .option('--blocks <file>', `write the ${what}’s Block Kit (Slack) as JSON`);
}

export function registerOutboundCommands(program: Command): void {
  const alerts = program.command('alerts').description('Anomaly detection on daily metrics.');
  alerts
    .command('detect')
    .description('Judge each day of a date,value CSV using only the days before it.')
    .requiredOption('--csv <file>', 'a CSV of date,value rows (a header row is fine)')
    .option('--sensitivity <n>', '1 (few alerts) … 10 (many)', Number, 5)
    .option('--json', 'print {"anomalies": [...]} as JSON')
    .action(async (options) => {
      const { parseSeriesCsv } = await import('../alerts/csv.ts');
      const { detect } = await import('../alerts/detector.ts');
      const points = parseSeriesCsv(await readFile(options.csv, 'utf8'), options.csv);
      const anomalies = detect(points, { sensitivity: options.sensitivity });
      if (options.json) return void process.stdout.write(`${JSON.stringify({ anomalies }, null, 2)}\n`);
      if (anomalies.length === 0)
        return void process.stdout.write(`No anomalies in ${points.length} days.\n`);
      for (const a of anomalies) {
        process.stdout.write(
          `${a.date}  ${a.direction === 'up' ? '▲' : '▼'} ${a.value.toFixed(2)} (expected ${a.expected.toFixed(2)}, band ${a.low.toFixed(2)}–${a.high.toFixed(2)}, score ${a.score.toFixed(1)})\n`,
        );
      }
    });

  alerts
    .command('backtest')
    .description('Replay an alert definition over history and list what it would have sent.')
    .argument('<name>', 'alert name (alerts.yaml beside the catalog)')
    .requiredOption('--from <date>', 'first day', dateOption)
    .requiredOption('--to <date>', 'last day', dateOption)
    .option('--sensitivity <n>', 'override the definition’s sensitivity', Number)
    .option('--json', 'as JSON')
    .action(async (name: string, options) => {
      const { backtest } = await import('../alerts/backtest.ts');
      const { warehouseAccess } = await outbound();
      await withRuntime(configFor(), async (runtime) => {
        const alert = named('alert', runtime.definitions.alerts, name);
        const hits = await backtest(
          warehouseAccess(runtime),
          alert,
          options.from,
          options.to,
          options.sensitivity,
        );
        if (options.json)
          return void process.stdout.write(`${JSON.stringify({ alert: name, hits }, null, 2)}\n`);
        process.stdout.write(
          `${alert.name}: ${hits.length} alert${hits.length === 1 ? '' : 's'} from ${options.from} to ${options.to}\n`,
        );
        for (const h of hits) {
          process.stdout.write(
            `  ${h.date}  ${h.slice.padEnd(28)} ${h.direction === 'up' ? '▲' : '▼'} ${h.value.toFixed(0)} vs expected ${h.expected.toFixed(0)} (score ${h.score.toFixed(1)})\n`,
          );
        }
      });
    });

  postingCommand(
    alerts,
    'alert',
    'Check an alert for the last closed day and post an anomaly to its audience (once per place).',
    'the clock’s today (YYYY-MM-DD); yesterday is checked',
  ).action(async (name: string, options) => {
    const { runAlert } = await import('../alerts/run.ts');
    const { alertDeps, createPoster } = await outbound();
    await withRuntime(configFor(options.now ? { TALLY_NOW: options.now } : {}), async (runtime) => {
      const alert = named('alert', runtime.definitions.alerts, name);
      const post = options.dryRun ? undefined : createPoster(runtime);
      const result = await runAlert(alertDeps(runtime, post), alert, runtime.today());
      process.stdout.write(`${alert.name} for ${result.day}: ${result.status}\n`);
      if (result.status === 'no-recipients')
        process.stdout.write(
          `  Nobody is subscribed: in a channel, say “subscribe this channel to ${alert.audience?.target ?? alert.name} alerts”.\n`,
        );
      if (result.reply) {
        printReply(result.reply);
        await writeCards(result.reply, options);
      }
    });
  });

  const digest = program
    .command('digest')
    .description('Scheduled digests (digests.yaml beside the catalog).');
  postingCommand(
    digest,
    'digest',
    'Build a digest for the last closed period and post it to its recipients (once per place).',
    'the clock’s today (YYYY-MM-DD)',
  ).action(async (name: string, options) => {
    const { runDigest } = await import('../digests/digest.ts');
    const { createPoster, digestDeps, digestTargets } = await outbound();
    await withRuntime(configFor(options.now ? { TALLY_NOW: options.now } : {}), async (runtime) => {
      const definition = named('digest', runtime.definitions.digests, name);
      const targets = options.dryRun
        ? []
        : await digestTargets(runtime, definition, { withDigestSubscriptions: true });
      const run = await runDigest(
        {
          ...digestDeps(runtime),
          appDb: runtime.appDb,
          post: options.dryRun ? undefined : createPoster(runtime),
        },
        definition,
        runtime.today(),
        targets,
      );
      const posted = run.delivery
        ? `posted to ${run.delivery.posted.length}, already sent to ${run.delivery.alreadySent.length}`
        : options.dryRun
          ? 'dry run'
          : 'nobody subscribed';
      process.stdout.write(`${definition.name} for ${run.period.label}: ${posted}\n`);
      printReply(run.reply);
      await writeCards(run.reply, options);
    });
  });
  digest
    .command('list')
    .description('The digests and alerts, their schedules and who gets them.')
    .action(async () => {
      const { describeCron } = await import('../scheduler/cron.ts');
      await withRuntime(configFor(), async (runtime) => {
        const { definitions } = runtime;
        const subscriptions = await runtime.appDb.subscriptions();
        const line = (
          kind: string,
          d: { name: string; schedule: string; timezone: string; audience?: { target: string } },
        ) => {
          const subs = subscriptions.filter((s) => s.topic === d.name || s.topic === d.audience?.target);
          return `  ${kind.padEnd(6)} ${d.name.padEnd(18)} ${describeCron(d.schedule, d.timezone)}; ${d.audience ? `audience ${d.audience.target}, ` : ''}${subs.length} subscription${subs.length === 1 ? '' : 's'}\n`;
        };
        for (const d of definitions.digests) process.stdout.write(line('digest', d));
        for (const a of definitions.alerts) process.stdout.write(line('alert', a));
      });
    });
}
