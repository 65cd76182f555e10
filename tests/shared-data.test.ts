/**
 * Issue 18: `npm test` from a clone outside the workspace failed with 13 ENOENT errors on
 * ../shared/data. The global setup now checks the folder first and says, once, what is missing.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSharedData, SHARED_DATA, SharedDataMissing } from './shared-data.ts';

describe('the shared reference data', () => {
  it('is found where the workspace keeps it', () => {
    expect(() => checkSharedData()).not.toThrow();
    expect(SHARED_DATA.endsWith(path.join('shared', 'data'))).toBe(true);
  });

  it('missing: one sentence naming the folder, what is missing and what it holds, no stack', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tally-no-shared-'));
    let error: unknown;
    try {
      checkSharedData(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SharedDataMissing);
    const { message, stack } = error as SharedDataMissing;
    expect(message).toContain(dir);
    expect(message).toContain('missing: schemas, payloads, sqli');
    expect(message).toMatch(/schemas.*payloads.*SQL-injection/);
    expect(message.match(/[.;:] [A-Z]/g) ?? []).toHaveLength(0);
    expect(message.endsWith('.')).toBe(true);
    expect(stack).not.toMatch(/\n\s+at /);
  });

  it('names only the folders that are missing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tally-some-shared-'));
    await mkdir(path.join(dir, 'schemas'));
    await mkdir(path.join(dir, 'sqli'));
    expect(() => checkSharedData(dir)).toThrow('(missing: payloads)');
  });
});
