/**
 * Tally on eight warehouses nobody on the project designed (../shared/data/text2sql-dev): every
 * question is classified, and confident wrong answers stay within a small budget. Clarifying and
 * refusing are honest outcomes here; answering a different question is not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateText2Sql, OUTCOMES, type Report } from '../eval/text2sql/evaluate.ts';
import { text2sqlAvailable } from '../eval/text2sql/load.ts';

/** Share of all questions answered wrongly that we accept. */
const WRONG_BUDGET = 0.02;

const available = text2sqlAvailable();
if (!available) console.warn('text2sql-dev evaluation skipped: ../shared/data/text2sql-dev is missing');

describe.skipIf(!available)('text2sql-dev warehouses', () => {
  let report: Report;
  beforeAll(async () => {
    report = await evaluateText2Sql({});
  });

  it('classifies all 221 questions of the eight databases', () => {
    expect(report.totals.total).toBe(221);
    expect(Object.keys(report.databases)).toHaveLength(8);
    expect(report.questions.filter((q) => !OUTCOMES.includes(q.outcome))).toEqual([]);
    const sum = OUTCOMES.reduce((total, outcome) => total + report.totals[outcome], 0);
    expect(sum).toBe(221);
  });

  it(`answers wrongly at most ${WRONG_BUDGET * 100}% of the questions`, () => {
    const wrong = report.questions
      .filter((q) => q.outcome === 'wrong')
      .map((q) => `${q.db} #${q.row}: ${q.question} — ${q.note}`);
    expect(wrong.length / report.totals.total, wrong.join('\n')).toBeLessThanOrEqual(WRONG_BUDGET);
  });
});
