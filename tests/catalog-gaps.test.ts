/**
 * `tally catalog gaps`: questions asked through the CLI that Tally refused or had to clarify,
 * and an answer marked Not helpful, read back from the audit log grouped by the word it didn't
 * know (or the refusal's code), with a count, an example and the fix.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Gap } from '../catalog-admin/gaps.ts';
import { isolatedAppUrl, runTally } from './helpers.ts';

let env: Record<string, string>;

beforeAll(async () => {
  // Its own app database: the run's shared audit log holds other tests' questions.
  env = { DATABASE_URL: await isolatedAppUrl('gaps') };
});

async function ask(question: string): Promise<{ status: string; message?: string }> {
  const { stdout } = await runTally(['ask', question, '--json'], env);
  return JSON.parse(stdout);
}

describe('tally catalog gaps', () => {
  it('groups refused questions by their unknown word, with a count, an example and a fix', async () => {
    const first = await ask('revenue by zorblax last month');
    expect(first.status).toBe('refuse');
    expect(first.message).toContain('“zorblax”');
    expect((await ask('orders by zorblax')).status).toBe('refuse');
    expect((await ask('show me the email of every employee')).status).toBe('refuse');
    expect((await ask('revenue by region last quarter')).status).toBe('answer');
    const app = new pg.Client({ connectionString: env.DATABASE_URL });
    await app.connect();
    await app.query(
      "INSERT INTO feedback (channel, rating, question) VALUES ('cli', 'down', 'revenue by region last quarter')",
    );
    await app.end();

    const gaps = JSON.parse(
      (await runTally(['catalog', 'gaps', '--since', '7d', '--json'], env)).stdout,
    ) as Gap[];
    const zorblax = gaps.find((g) => g.key === 'zorblax');
    expect(zorblax).toMatchObject({ kind: 'unknown_word', count: 2 });
    expect(['revenue by zorblax last month', 'orders by zorblax']).toContain(zorblax?.example);
    expect(zorblax?.fix).toMatch(/^add a synonym: put “zorblax” in the synonyms/);
    expect(gaps.find((g) => g.kind === 'refusal')).toMatchObject({ key: 'personal_data', count: 1 });
    expect(gaps.find((g) => g.kind === 'not_helpful')).toMatchObject({
      key: 'revenue by region last quarter',
      count: 1,
    });
    // The answered question is no gap of its own.
    expect(gaps.reduce((n, g) => n + g.count, 0)).toBe(4);
    expect(gaps[0]?.key).toBe('zorblax');

    const text = (await runTally(['catalog', 'gaps'], env)).stdout;
    expect(text).toContain('2× unknown word “zorblax” — e.g.');
    expect(text).toContain('fix: add a synonym');
  });

  it('says plainly when nothing went unanswered, and refuses a period it cannot read', async () => {
    const later = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await runTally(['catalog', 'gaps', '--since', later], env)).stdout).toMatch(
      /^Nothing went unanswered/,
    );
    await expect(runTally(['catalog', 'gaps', '--since', 'last tuesday'], env)).rejects.toMatchObject({
      stderr: expect.stringContaining('write it 7d, 24h, 2w or YYYY-MM-DD'),
    });
  });
});
