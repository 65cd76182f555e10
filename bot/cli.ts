#!/usr/bin/env node
/**
 * `tally`: the command-line door. This file only declares the commands; each action imports what
 * it runs when it runs, so `tally --help` or `tally catalog show` never loads the warehouse, the
 * chat SDKs or the chart renderer (the build turns each `import()` into its own chunk).
 */
import { Command, Option } from 'commander';
import { lintWarehouse, registerCatalogAdminCommands } from '../catalog-admin/cli.ts';
import { registerOutboundCommands } from './cli-outbound.ts';
import { dateOption, fail, numberOption } from './cli-support.ts';

const program = new Command('tally').description(
  'Ask the warehouse business questions; answers are grounded, gated and read-only.',
);

program
  .command('start')
  .description('Start the HTTP server (Teams, Slack, charts, health, readiness, metrics).')
  .action(async () => (await import('./start.ts')).start());

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
  .action(async (words: string[], options) => (await import('./cli-ask.ts')).askCommand(words, options));

program
  .command('sql')
  .description('Run your own SELECT through the same gate and read-only executor.')
  .argument('<sql>', 'one SELECT statement')
  .option('--json', 'print the result as JSON')
  .option('--user <id>', 'who is asking (audit log)', process.env.USER ?? 'cli')
  .action(async (sql: string, options) => (await import('./cli-ask.ts')).sqlCommand(sql, options));

program
  .command('eval')
  .description('Score golden questions (format of eval/dev.yaml).')
  .argument('<file>', 'golden questions YAML')
  .option('--json', 'print the report as JSON')
  .option('--min <percent>', 'exit non-zero below this accuracy', Number)
  .option(
    '--llm',
    'through the optional language model: correct / wrong / clarify / refuse, offline vs model',
  )
  .option('--recorded <file>', 'with --llm: serve these recorded model replies locally (no key, no network)')
  .action(async (file: string, options) =>
    options.llm || options.recorded
      ? (await import('./cli-eval-llm.ts')).evalLlmCommand(file, options)
      : (await import('./cli-ask.ts')).evalCommand(file, options),
  );

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
  .action(async (options) => (await import('./cli-catalog.ts')).seedCommand(options));

registerOutboundCommands(program);

const catalog = program.command('catalog').description('The semantic catalog.');
catalog
  .command('lint')
  .argument('[path]', 'catalog file or folder (default: TALLY_CATALOG or the demo catalog)')
  .option(
    '--warehouse',
    'also check every table, column, type, join key and sample value against the database',
  )
  .option(
    '--url <url>',
    'with --warehouse: the database (default: ANALYTICS_DB_URL or the embedded warehouse)',
  )
  .action(async (path: string | undefined, options) =>
    options.warehouse ? lintWarehouse(path, options) : (await import('./cli-catalog.ts')).lintCommand(path),
  );
catalog
  .command('show')
  .argument('[path]', 'catalog file or folder')
  .option('--json', 'as JSON')
  .action(async (path: string | undefined, options) =>
    (await import('./cli-catalog.ts')).showCommand(path, options),
  );
catalog
  .command('grants')
  .description('Print the statements that set up the read-only role on your warehouse.')
  .argument('[path]', 'catalog file or folder')
  .option('--role <name>', 'role name (default tally_reader)')
  .option('--database <name>', 'warehouse database name', 'warehouse')
  .action(async (path: string | undefined, options) =>
    (await import('./cli-catalog.ts')).grantsCommand(path, options),
  );
registerCatalogAdminCommands(catalog);

program.hook('preAction', () => {
  process.on('unhandledRejection', fail);
});

program.parseAsync(process.argv).catch(fail);
