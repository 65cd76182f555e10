/**
 * Golden-question evaluation (format of eval/dev.yaml): each answer is compared with the rows of
 * its reference SQL. Every reference row must match its own answer row (numbers within 0.5%,
 * extra answer columns allowed), the row counts must agree, and the order too where `ordered`.
 * A `no-answer` question passes only if no rows come back.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Answer, ModelUse } from './answer.ts';

export const goldenFileSchema = z.object({
  now: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  questions: z
    .array(
      z.object({
        id: z.string(),
        question: z.string(),
        sql: z.string().optional(),
        ordered: z.boolean().default(false),
        expect: z.enum(['answer', 'no-answer']).optional(),
        /** Questions with the same conversation run in order, each a follow-up of the one before. */
        conversation: z.string().optional(),
      }),
    )
    .min(1),
});

export type GoldenFile = z.infer<typeof goldenFileSchema>;
export type GoldenQuestion = GoldenFile['questions'][number];

export interface EvalCase {
  id: string;
  question: string;
  passed: boolean;
  reason?: string;
  status: Answer['status'];
  understandMs: number;
  /** How the language model's part ended, when it was asked (`tally eval --llm`). */
  model?: ModelUse['outcome'];
}

export interface EvalReport {
  file: string;
  total: number;
  passed: number;
  accuracy: number;
  cases: EvalCase[];
}

export async function loadGoldenFile(file: string): Promise<GoldenFile> {
  const parsed = goldenFileSchema.safeParse(parseYaml(await readFile(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

const close = (a: unknown, b: unknown): boolean => {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    return Math.abs(a - b) <= 0.005 * Math.max(Math.abs(a), Math.abs(b));
  }
  return String(a) === String(b);
};

/** Each value of the reference row finds a distinct value in the answer row. */
export function rowMatches(reference: unknown[], answer: unknown[]): boolean {
  const used = new Set<number>();
  return reference.every((value) => {
    const index = answer.findIndex((candidate, i) => !used.has(i) && close(value, candidate));
    if (index < 0) return false;
    used.add(index);
    return true;
  });
}

export function compareRows(
  reference: unknown[][],
  answer: unknown[][],
  ordered: boolean,
): string | undefined {
  if (reference.length !== answer.length) return `expected ${reference.length} rows, got ${answer.length}`;
  if (ordered) {
    const bad = reference.findIndex((row, i) => !rowMatches(row, answer[i] as unknown[]));
    return bad < 0
      ? undefined
      : `row ${bad + 1} differs: expected ${JSON.stringify(reference[bad])}, got ${JSON.stringify(answer[bad])}`;
  }
  const used = new Set<number>();
  for (const row of reference) {
    const index = answer.findIndex((candidate, i) => !used.has(i) && rowMatches(row, candidate));
    if (index < 0) return `no answer row matches ${JSON.stringify(row)}`;
    used.add(index);
  }
  return undefined;
}

/** Runs a golden file: each question through `ask`, each reference through the same gate and executor. */
export async function runEval(
  file: string,
  golden: GoldenFile,
  askQuestion: (question: string, conversationId: string | undefined) => Promise<Answer>,
  runReference: (sql: string) => Promise<unknown[][]>,
): Promise<EvalReport> {
  const run = Date.now().toString(36);
  const cases: EvalCase[] = [];
  for (const q of golden.questions) {
    const answer = await askQuestion(
      q.question,
      q.conversation ? `eval:${run}:${q.conversation}` : undefined,
    );
    const reference = q.sql && q.expect !== 'no-answer' ? await runReference(q.sql) : undefined;
    cases.push(judge(q, answer, reference));
  }
  const passed = cases.filter((c) => c.passed).length;
  return { file, total: cases.length, passed, accuracy: passed / cases.length, cases };
}

export function judge(golden: GoldenQuestion, answer: Answer, reference: unknown[][] | undefined): EvalCase {
  const base = {
    id: golden.id,
    question: golden.question,
    status: answer.status,
    understandMs: answer.timings.understandMs,
    ...(answer.model ? { model: answer.model.outcome } : {}),
  };
  if (golden.expect === 'no-answer' || !golden.sql) {
    const passed = answer.rows.length === 0;
    return {
      ...base,
      passed,
      reason: passed ? undefined : `expected no rows, got ${answer.rows.length} (${answer.status})`,
    };
  }
  if (answer.status !== 'answer')
    return { ...base, passed: false, reason: `${answer.status}: ${answer.message ?? answer.summary}` };
  const problem = compareRows(reference ?? [], answer.rows, golden.ordered);
  return { ...base, passed: !problem, reason: problem };
}
