/**
 * `tally eval --llm --recorded` (issue 13): the built CLI runs a golden file through the model
 * path with recorded replies served by its own in-process HTTP server — the real `openai` client,
 * the checks and the gate, no key — and reports correct / wrong / clarify / refuse and which
 * reader each question went to, so CI has model-path regression tests.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsModel } from '../bot/cli-eval-llm.ts';
import { runTally } from './helpers.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'model-eval');
const golden = path.join(fixtures, 'golden.yaml');
const recorded = path.join(fixtures, 'recorded.yaml');

describe('tally eval --llm', () => {
  it('scores recorded model replies and splits offline from model', async () => {
    const { stdout } = await runTally(['eval', '--llm', golden, '--recorded', recorded, '--json']);
    const report = JSON.parse(stdout);
    const byId = Object.fromEntries(report.cases.map((c: { id: string }) => [c.id, c])) as Record<
      string,
      { passed: boolean; status: string; model?: string }
    >;

    expect(byId['offline-answer']).toMatchObject({ passed: true, status: 'answer' });
    expect(byId['offline-answer']?.model).toBeUndefined();
    expect(byId['model-correct']).toMatchObject({ passed: true, status: 'answer', model: 'read' });
    expect(byId['model-wrong']).toMatchObject({ passed: false, status: 'answer', model: 'read' });
    expect(byId['model-declines']).toMatchObject({ passed: false, status: 'refuse', model: 'declined' });
    expect(byId['not-recorded']).toMatchObject({ passed: false, status: 'clarify', model: 'unavailable' });
    expect(byId['offline-refusal']).toMatchObject({ passed: true, status: 'refuse' });
    expect(byId['offline-refusal']?.model).toBeUndefined();

    expect(report.llm).toEqual({
      verdicts: { correct: 3, wrong: 1, clarify: 1, refuse: 1, error: 0 },
      offline: { questions: 2, correct: 2 },
      model: { questions: 4, correct: 1, outcomes: { read: 2, declined: 1, unavailable: 1 } },
    });
    expect(report.missing).toEqual(['takings by segment last quarter']);
  });

  it('prints the split for people, and says what is missing', async () => {
    const { stdout } = await runTally(['eval', '--llm', golden, '--recorded', recorded]);
    expect(stdout).toContain('3/6 correct (50.0%)');
    expect(stdout).toContain('correct 3 · wrong 1 · clarify 1 · refuse 1 · error 0');
    expect(stdout).toContain('model asked: 4 questions, 1 correct (read 2, declined 1, unavailable 1)');
    expect(stdout).toContain('no recorded reply for: takings by segment last quarter');
  });

  it('refuses to run without a model or recorded replies', async () => {
    await expect(runTally(['eval', '--llm', golden])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(needsModel()),
    });
  });

  it('leaves plain tally eval to the offline reading, even with a model configured', async () => {
    const { stdout } = await runTally(['eval', golden, '--json'], {
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_MAX_RETRIES: '0',
    });
    const report = JSON.parse(stdout);
    expect(report.cases.filter((c: { model?: string }) => c.model)).toEqual([]);
    expect(report.passed).toBe(2);
  });
});
