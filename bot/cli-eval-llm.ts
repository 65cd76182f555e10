/**
 * `tally eval --llm FILE [--recorded RESPONSES]`: a golden file through the model path (the offline
 * reading first, the model for what it can't place), scored as correct / wrong / clarify / refuse
 * with the offline-vs-model split. With recorded replies the model is a local HTTP server in this
 * process (model-reader/recorded.ts), so CI has model-path regression tests without a key.
 */
import { InvalidArgumentError } from 'commander';
import { formatSplit, modelSplit } from '../model-reader/eval-split.ts';
import { type RecordedModel, serveRecorded } from '../model-reader/recorded.ts';
import { modelConnection } from '../model-reader/settings.ts';
import { loadGoldenFile } from '../skills/eval.ts';
import { goldenRun, printReport } from './cli-ask.ts';
import { configFor, withRuntime } from './cli-support.ts';
import type { Config } from './config.ts';

export const needsModel = () =>
  'tally eval --llm needs a language model: set OPENAI_API_KEY (or OPENAI_BASE_URL, or the AZURE_OPENAI_* settings), or give --recorded FILE.';
export const catalogTurnsModelOff = () =>
  'tally eval --llm: this catalog’s model.yaml turns the language model off.';

export async function evalLlmCommand(
  file: string,
  options: { json?: boolean; min?: number; recorded?: string },
): Promise<void> {
  const golden = await loadGoldenFile(file);
  const recorded = options.recorded ? await serveRecorded(options.recorded) : undefined;
  try {
    const config = configFor({
      TALLY_NOW: golden.now,
      // A run's questions are all one "user": the daily budget is for people, not for measuring.
      OPENAI_DAILY_CALLS_PER_USER: 0,
      ...(recorded ? recordedModel(recorded) : {}),
    });
    if (!modelConnection(config)) throw new InvalidArgumentError(needsModel());
    const report = await withRuntime(config, async (runtime) => {
      if (!runtime.model) throw new InvalidArgumentError(catalogTurnsModelOff());
      return goldenRun(runtime, file, golden);
    });
    const llm = modelSplit(report.cases);
    const missing = recorded?.missing ?? [];
    if (options.json) process.stdout.write(`${JSON.stringify({ ...report, llm, missing }, null, 2)}\n`);
    else {
      printReport(report);
      process.stdout.write(`${formatSplit(llm)}\n`);
      for (const question of missing) process.stdout.write(`no recorded reply for: ${question}\n`);
    }
    if (options.min !== undefined && 100 * report.accuracy < options.min) process.exitCode = 1;
  } finally {
    await recorded?.close();
  }
}

/** The recorded server instead of whatever model the environment names. */
function recordedModel(recorded: RecordedModel): Partial<Config> {
  return {
    OPENAI_BASE_URL: `${recorded.url}/v1`,
    OPENAI_API_KEY: 'recorded',
    OPENAI_MODEL: 'recorded',
    // A missing reply is a 404 and never retried; nothing else fails here.
    OPENAI_MAX_RETRIES: 0,
    AZURE_OPENAI_ENDPOINT: undefined,
    AZURE_OPENAI_DEPLOYMENT: undefined,
    AZURE_OPENAI_API_KEY: undefined,
    AZURE_OPENAI_AD_TOKEN: undefined,
  };
}
