/** `tally ask`, `tally sql` and `tally eval`: one skill over the runtime, rendered for a terminal or as JSON. */
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InvalidArgumentError } from 'commander';
import { ask, runSql } from '../skills/ask.ts';
import { type EvalReport, type GoldenFile, loadGoldenFile, runEval } from '../skills/eval.ts';
import { checkSql } from '../warehouse/gate.ts';
import { configFor, withRuntime } from './cli-support.ts';
import { normaliseText } from './normalise-text.ts';
import { askDeps, presentDeps, type Runtime, renderChart } from './runtime.ts';
import { renderAnswer } from './terminal.ts';

export interface AskOptions {
  json?: boolean;
  jsonl?: boolean;
  now?: string;
  conversation?: string;
  user: string;
  sql?: boolean;
  chart?: string;
  card?: string;
  blocks?: string;
}

export async function askCommand(words: string[], options: AskOptions): Promise<void> {
  const config = configFor(options.now ? { TALLY_NOW: options.now } : {});
  await withRuntime(config, async (runtime) => {
    const deps = askDeps(runtime);
    const turn = (text: string) => ({
      // The CLI is a door too: text is normalised here, before the skill, audit or state see it.
      text: normaliseText(text),
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
      // Charts and cards only when asked for: their renderers are the heaviest imports.
      const { present } = await import('../skills/present.ts');
      const { reply, chart } = await present(presentDeps(runtime), answer);
      if (options.chart) {
        if (chart) await writeFile(options.chart, (await renderChart(chart.spec)).png);
        else
          process.stderr.write(
            'No chart for this answer (a single number or a wide table); no PNG written.\n',
          );
      }
      if (options.card) {
        const { renderAdaptiveCard } = await import('../adaptive-cards/teams-card.ts');
        await writeFile(options.card, `${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`);
      }
      if (options.blocks) {
        const { renderBlockKit } = await import('../adaptive-cards/block-kit.ts');
        await writeFile(options.blocks, `${JSON.stringify({ blocks: renderBlockKit(reply) }, null, 2)}\n`);
      }
    }
    process.stdout.write(
      options.json ? `${JSON.stringify(answer, null, 2)}\n` : `${renderAnswer(answer, !!options.sql)}\n`,
    );
    if (answer.status === 'error') process.exitCode = 1;
  });
}

export async function sqlCommand(sql: string, options: { json?: boolean; user: string }): Promise<void> {
  await withRuntime(configFor(), async (runtime) => {
    const answer = await runSql(askDeps(runtime), {
      text: normaliseText(sql),
      userId: options.user,
      channel: 'cli-sql',
    });
    process.stdout.write(
      options.json ? `${JSON.stringify(answer, null, 2)}\n` : `${renderAnswer(answer, false)}\n`,
    );
    if (answer.status !== 'answer') process.exitCode = answer.status === 'refuse' ? 3 : 1;
  });
}

export async function evalCommand(file: string, options: { json?: boolean; min?: number }): Promise<void> {
  const golden = await loadGoldenFile(file);
  const config = configFor({ TALLY_NOW: golden.now });
  const report = await withRuntime(config, async (runtime) => {
    // The offline reading's own score; `tally eval --llm` (bot/cli-eval-llm.ts) measures the model path.
    runtime.model = undefined;
    return goldenRun(runtime, file, golden);
  });
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(report);
  if (options.min !== undefined && 100 * report.accuracy < options.min) process.exitCode = 1;
}

/** A golden file through the runtime's ask skill, each reference through the same gate and executor. */
export function goldenRun(runtime: Runtime, file: string, golden: GoldenFile): Promise<EvalReport> {
  const deps = askDeps(runtime);
  return runEval(
    file,
    golden,
    (question, conversationId) =>
      ask(deps, { text: question, channel: 'eval', userId: 'eval', conversationId }),
    async (sql) => {
      const verdict = checkSql(sql, runtime.catalog, { maxRows: runtime.config.MAX_QUERY_ROWS });
      if (!verdict.ok) throw new Error(`the reference SQL does not pass the gate: ${verdict.reason}\n${sql}`);
      return (await runtime.executor.run(verdict.sql)).rows;
    },
  );
}

export function printReport(report: EvalReport): void {
  for (const c of report.cases.filter((c) => !c.passed))
    process.stdout.write(`✗ ${c.id} ${c.question}\n    ${c.reason}\n`);
  process.stdout.write(
    `${report.passed}/${report.total} correct (${(100 * report.accuracy).toFixed(1)}%) — ${report.file}\n`,
  );
}
