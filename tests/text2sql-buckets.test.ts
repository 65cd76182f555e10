/**
 * The text2sql-dev judge and Tally's time buckets: a bucket pairs with the name the answer gives
 * it (a year with its number; a month with its bare name only when the answer's months lie in one
 * year), and never with a wrong number or an ambiguous name. Likewise a breakdown field built
 * from a yes/no column pairs its two labels with true and false, and nothing else.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { booleanLabels, bucketNames, compareRows } from '../eval/text2sql/evaluate.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { Answer } from '../skills/answer.ts';

function answer(grain: 'month' | 'year', rows: [string, number][]): Answer {
  return {
    question: 'q',
    status: 'answer',
    sql: '',
    columns: [
      { name: grain, type: 'date' },
      { name: 'reviews', type: 'number' },
    ],
    rows,
    fields: [
      { name: grain, role: 'time', label: grain },
      { name: 'reviews', role: 'metric', label: 'Reviews', metric: 'reviews' },
    ],
    summary: '',
    timings: { understandMs: 0, gateMs: 0, databaseMs: 0 },
  };
}

const plain = { braceColumns: 0, limited: false };
const judge = (reference: (string | number)[][], tally: Answer) =>
  compareRows(reference, tally.rows as (string | number)[][], plain, 5000, bucketNames(tally));

describe('time buckets in the text2sql-dev judge', () => {
  it('pairs the months of one year with their names, and years with their numbers', () => {
    const months = answer('month', [
      ['2021-01-01', 2],
      ['2021-03-01', 1],
    ]);
    expect(
      judge(
        [
          ['January', 2],
          ['March', 1],
        ],
        months,
      ),
    ).toBeUndefined();
    expect(
      judge(
        [
          ['January', 2],
          ['March', 5],
        ],
        months,
      ),
    ).toMatch(/not in the answer/);
    expect(judge([[2021, 3]], answer('year', [['2021-01-01', 3]]))).toBeUndefined();
  });

  it('never reads a bare month name into an answer spanning years', () => {
    const twoYears = answer('month', [
      ['2021-01-01', 2],
      ['2022-01-01', 2],
    ]);
    expect(
      judge(
        [
          ['January', 2],
          ['January', 2],
        ],
        twoYears,
      ),
    ).toMatch(/not in the answer/);
  });
});

describe('yes/no breakdowns in the text2sql-dev judge', () => {
  it('pairs "with final exam" with true and "without final exam" with false, never the other way', async () => {
    const catalog = await loadCatalog(path.join(import.meta.dirname, 'fixtures', 'advising'));
    const byExam: Answer = {
      ...answer('year', []),
      columns: [
        { name: 'final_exam', type: 'text' },
        { name: 'offerings', type: 'number' },
      ],
      rows: [
        ['with final exam', 6],
        ['without final exam', 2],
      ],
      fields: [
        { name: 'final_exam', role: 'dimension', label: 'Final exam' },
        { name: 'offerings', role: 'metric', label: 'Course offerings', metric: 'offerings' },
      ],
    };
    const rows = byExam.rows as (string | number)[][];
    const labels = booleanLabels(byExam, catalog);
    const compare = (reference: (boolean | number)[][]) => compareRows(reference, rows, plain, 5000, labels);
    expect(
      compare([
        [true, 6],
        [false, 2],
      ]),
    ).toBeUndefined();
    expect(
      compare([
        [true, 2],
        [false, 6],
      ]),
    ).toMatch(/not in the answer/);
  });
});
