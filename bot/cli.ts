#!/usr/bin/env node
/**
 * `tally`: the command-line door. Each command builds the runtime (composition root), runs one
 * skill, renders for a terminal or as JSON (the DESIGN.md contract), and closes what it opened.
 */
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError, Option } from 'commander';
import { renderBlockKit } from '../adaptive-cards/block-kit.ts';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { ask, runSql } from '../skills/ask.ts';
import { loadGoldenFile, runEval } from '../skills/eval.ts';
import { present } from '../skills/present.ts';
import { INJECTED_ANOMALIES } from '../warehouse/demo/anomalies.ts';
import { defaultSeedEnd, seedDemo } from '../warehouse/demo/seed.ts';
import { checkSql } from '../warehouse/gate.ts';
import { grantStatements, READER_ROLE } from '../warehouse/grants.ts';
import { registerOutboundCommands } from './cli-outbound.ts';
import { configFor, dateOption, fail, numberOption, withRuntime } from './cli-support.ts';
import { createLogger } from './logger.ts';
import { startScheduler } from './outbound.ts';
import { startPlayground } from './playground.ts';
import { createProactive } from './proactive.ts';
import {
  askDeps,
  clock,
  createRuntime,
  DEFAULT_CATALOG,
  openWarehouse,
  presentDeps,
  withClient,
} from './runtime.ts';
import { createServer, listen } from './server.ts';
import { createSlackBot, slackEnabled } from './slack/slack-bot.ts';
import { createTeamsBot, isLocalMode } from './teams/teams-bot.ts';
import { progressReporter, renderAnswer } from './terminal.ts';

const program = new Command('tally').description(
  'Ask the warehouse business questions; answers are grounded, gated and read-only.',
);

program
  .command('start')
  .description('Start the HTTP server (health, metrics; chat channels mount here).')
  .action(async () => {
    const config = configFor({}, false);
    const log = createLogger(config);
    const runtime = await createRuntime(config, log, progressReporter());
    const teams = createTeamsBot(runtime);
    const slack = slackEnabled(config) ? createSlackBot(runtime) : undefined;
    const host = config.HOST ?? (isLocalMode(config) && !slack ? '127.0.0.1' : '0.0.0.0');
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
      // Local mode proper (no Teams app id, no Slack settings): a Teams-like chat in the browser.
      if (!slack && config.TALLY_PLAYGROUND === '1') {
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
  });

program
  .command('ask')
  .description('Ask a question in plain words.')
  .argument('[question...]', 'the question, e.g. "revenue by region last quarter"')
  .option('--json', 'print the answer as JSON')
  .option('--jsonl', 'read one question a line on stdin, print one JSON answer a line')
  .option('--now <date>', 'the clock’s today (YYYY-MM-DD)', dateOption)
  .option('--conversation <id>', 'conversation id (follow-ups)')
  .option('--user <id>', 'who is asking (audit log)', process.env.USER ?? 'cli')
  .option('--sql', 'also print the SQL')
  .option('--chart <file>', 'write the chart as PNG')
  .option('--card <file>', 'write the Adaptive Card (Teams) as JSON')
  .option('--blocks <file>', 'write the Block Kit blocks (Slack) as JSON')
  .action(async (words: string[], options) => {
    const config = configFor(options.now ? { TALLY_NOW: options.now } : {});
    await withRuntime(config, async (runtime) => {
      const deps = askDeps(runtime);
      const turn = (text: string) => ({
        text,
        userId: options.user,
        channel: 'cli',
        conversationId: options.conversation,
      });
      if (options.jsonl) {
        for await (const line of createInterface({ input: process.stdin })) {
          if (!line.trim()) continue;
          process.stdout.write(`${JSON.stringify(await ask(deps, turn(line)))}\n`);
        }
        return;
      }
      const question = words.join(' ');
      if (!question.trim())
        throw new InvalidArgumentError('Ask a question, e.g. tally ask "revenue by region last quarter"');
      const answer = await ask(deps, turn(question));
      if (options.chart || options.card || options.blocks) {
        const { reply, chart } = await present(presentDeps(runtime), answer);
        if (options.chart) {
          if (chart) await writeFile(options.chart, chart.png);
          else
            process.stderr.write(
              'No chart for this answer (a single number or a wide table); no PNG written.\n',
            );
        }
        if (options.card)
          await writeFile(options.card, `${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`);
        if (options.blocks)
          await writeFile(options.blocks, `${JSON.stringify({ blocks: renderBlockKit(reply) }, null, 2)}\n`);
      }
      process.stdout.write(
        options.json ? `${JSON.stringify(answer, null, 2)}\n` : `${renderAnswer(answer, !!options.sql)}\n`,
      );
      if (answer.status === 'error') process.exitCode = 1;
    });
  });

program
  .command('sql')
  .description('Run your own SELECT through the same gate and read-only executor.')
  .argument('<sql>', 'one SELECT statement')
  .option('--json', 'print the result as JSON')
  .option('--user <id>', 'who is asking (audit log)', process.env.USER ?? 'cli')
  .action(async (sql: string, options) => {
    await withRuntime(configFor(), async (runtime) => {
      const answer = await runSql(askDeps(runtime), { text: sql, userId: options.user, channel: 'cli-sql' });
      process.stdout.write(
        options.json ? `${JSON.stringify(answer, null, 2)}\n` : `${renderAnswer(answer, false)}\n`,
      );
      if (answer.status !== 'answer') process.exitCode = answer.status === 'refuse' ? 3 : 1;
    });
  });

program
  .command('eval')
  .description('Score golden questions (format of eval/dev.yaml).')
  .argument('<file>', 'golden questions YAML')
  .option('--json', 'print the report as JSON')
  .option('--min <percent>', 'exit non-zero below this accuracy', Number)
  .action(async (file: string, options) => {
    const golden = await loadGoldenFile(file);
    const config = configFor({ TALLY_NOW: golden.now });
    const report = await withRuntime(config, async (runtime) => {
      const deps = askDeps(runtime);
      return runEval(
        file,
        golden,
        (question, conversationId) =>
          ask(deps, { text: question, channel: 'eval', userId: 'eval', conversationId }),
        async (sql) => {
          const verdict = checkSql(sql, runtime.catalog, { maxRows: runtime.config.MAX_QUERY_ROWS });
          if (!verdict.ok)
            throw new Error(`the reference SQL does not pass the gate: ${verdict.reason}\n${sql}`);
          return (await runtime.executor.run(verdict.sql)).rows;
        },
      );
    });
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const c of report.cases.filter((c) => !c.passed))
        process.stdout.write(`✗ ${c.id} ${c.question}\n    ${c.reason}\n`);
      process.stdout.write(
        `${report.passed}/${report.total} correct (${(100 * report.accuracy).toFixed(1)}%) — ${file}\n`,
      );
    }
    if (options.min !== undefined && 100 * report.accuracy < options.min) process.exitCode = 1;
  });

const demo = program.command('demo').description('The demo warehouse.');
demo
  .command('seed')
  .description('(Re)create the demo warehouse in ANALYTICS_DB_URL or the embedded server.')
  .addOption(
    new Option('--scale <n>', 'multiplies the fact tables (1 ≈ 200k orders)')
      .argParser(numberOption)
      .default(1),
  )
  .addOption(new Option('--seed <n>', 'random seed').argParser(numberOption).default(42))
  .option('--end <date>', 'last day with data (default: yesterday)', dateOption)
  .action(async (options) => {
    const config = configFor();
    const log = createLogger(config);
    const warehouse = await openWarehouse(config, log);
    try {
      const end = options.end ?? defaultSeedEnd(clock(config)());
      process.stderr.write(
        `Seeding the demo warehouse: scale ${options.scale}, seed ${options.seed}, ${'2024-01-01'} … ${end}\n`,
      );
      const summary = await withClient(warehouse.adminUrl, (client) =>
        seedDemo(client, { seed: options.seed, scale: options.scale, end, onProgress: progressReporter() }),
      );
      const counts = Object.entries(summary.rows).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`);
      process.stdout.write(
        `Seeded in ${summary.seconds.toFixed(1)} s: ${counts.join(', ')}\nInjected anomalies:\n`,
      );
      for (const a of INJECTED_ANOMALIES) process.stdout.write(`  ${a.id}: ${a.description}\n`);
    } finally {
      await warehouse.embedded?.stop();
    }
  });

registerOutboundCommands(program);

const catalog = program.command('catalog').description('The semantic catalog.');
const catalogPath = (path?: string) => path ?? configFor().TALLY_CATALOG ?? DEFAULT_CATALOG;
catalog
  .command('lint')
  .argument('[path]', 'catalog file or folder (default: TALLY_CATALOG or the demo catalog)')
  .action(async (path?: string) => {
    const loaded = await loadCatalog(catalogPath(path));
    process.stdout.write(
      `${catalogPath(path)}: OK — ${loaded.tables.length} tables, ${loaded.metrics.length} metrics, ${loaded.dimensions.length} dimensions, ${loaded.joins.length} joins\n`,
    );
  });
catalog
  .command('show')
  .argument('[path]', 'catalog file or folder')
  .option('--json', 'as JSON')
  .action(async (path: string | undefined, options) => {
    const loaded = await loadCatalog(catalogPath(path));
    if (options.json) return void process.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
    const lines = [`Catalog ${loaded.name}: ${loaded.description}`, '', 'Metrics:'];
    for (const m of loaded.metrics)
      lines.push(
        `  ${m.label} (${m.name}) — ${m.description}${m.synonyms.length ? `  [also: ${m.synonyms.join(', ')}]` : ''}`,
      );
    lines.push('', 'Dimensions:');
    for (const d of loaded.dimensions)
      lines.push(
        `  ${d.label} (${d.name}) — ${d.sources.map((s) => `${s.table}.${s.column ?? s.expression}`).join(', ')}`,
      );
    lines.push('', 'Tables:');
    for (const t of loaded.tables) {
      const personal = t.columns.filter((c) => c.personal).map((c) => c.name);
      lines.push(
        `  ${t.name} (${t.alias}) — ${t.description}${personal.length ? `  personal: ${personal.join(', ')}` : ''}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });
catalog
  .command('grants')
  .description('Print the statements that set up the read-only role on your warehouse.')
  .argument('[path]', 'catalog file or folder')
  .option('--role <name>', 'role name', READER_ROLE)
  .option('--database <name>', 'warehouse database name', 'warehouse')
  .action(async (path: string | undefined, options) => {
    const loaded = await loadCatalog(catalogPath(path));
    const statements = grantStatements(loaded, { role: options.role, database: options.database });
    process.stdout.write(
      `-- Run as an administrator, then set a password: ALTER ROLE ${options.role} PASSWORD '…';\n`,
    );
    process.stdout.write(`${statements.map((s) => `${s};`).join('\n')}\n`);
  });

program.hook('preAction', () => {
  process.on('unhandledRejection', fail);
});

program.parseAsync(process.argv).catch(fail);
