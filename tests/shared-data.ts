/**
 * The tests read public reference data that the repository does not copy (see ../shared/data/README.md).
 * A clone without it failed with a dozen ENOENT errors deep inside test files; the run now stops
 * before it starts, with one sentence.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const SHARED_DATA = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data');

/** The folders test files read; text2sql-dev is optional (its test skips without it). */
const NEEDED = ['schemas', 'payloads', 'sqli'];

export function sharedDataMissing(dir: string, missing: string[]): string {
  return (
    `The tests need the folder ${dir} (missing: ${missing.join(', ')}), which holds the public reference data ` +
    'they check against: the Adaptive Card, Teams and Slack schemas, real Teams and Slack payloads and ' +
    'SQL-injection lists; put the shared/data folder beside this repository, as in the workspace.'
  );
}

export class SharedDataMissing extends Error {
  readonly code = 'tally_shared_data_missing';
}

export function checkSharedData(dir: string = SHARED_DATA): void {
  const missing = NEEDED.filter((name) => !existsSync(path.join(dir, name)));
  if (missing.length === 0) return;
  const error = new SharedDataMissing(sharedDataMissing(dir, missing));
  // Vitest prints the stack of a failed global setup; here it would only bury the sentence.
  error.stack = `${error.name}: ${error.message}`;
  throw error;
}
