/**
 * `tally eval --llm`'s report: each golden question as correct, wrong (rows that don't match),
 * clarify, refuse or error, and which reader it went to — the offline reading alone, or the model
 * (by how the model's part ended) — so a change to either shows where it moved the numbers.
 */
import type { ModelUse } from '../skills/answer.ts';
import type { EvalCase } from '../skills/eval.ts';

export type Verdict = 'correct' | 'wrong' | 'clarify' | 'refuse' | 'error';

export interface ModelSplit {
  verdicts: Record<Verdict, number>;
  offline: { questions: number; correct: number };
  model: { questions: number; correct: number; outcomes: Partial<Record<ModelUse['outcome'], number>> };
}

export function verdictOf(c: EvalCase): Verdict {
  if (c.passed) return 'correct';
  return c.status === 'answer' ? 'wrong' : c.status;
}

export function modelSplit(cases: EvalCase[]): ModelSplit {
  const split: ModelSplit = {
    verdicts: { correct: 0, wrong: 0, clarify: 0, refuse: 0, error: 0 },
    offline: { questions: 0, correct: 0 },
    model: { questions: 0, correct: 0, outcomes: {} },
  };
  for (const c of cases) {
    split.verdicts[verdictOf(c)]++;
    const side = c.model ? split.model : split.offline;
    side.questions++;
    if (c.passed) side.correct++;
    if (c.model) split.model.outcomes[c.model] = (split.model.outcomes[c.model] ?? 0) + 1;
  }
  return split;
}

export function formatSplit(split: ModelSplit): string {
  const verdicts = Object.entries(split.verdicts)
    .map(([verdict, n]) => `${verdict} ${n}`)
    .join(' · ');
  const outcomes = Object.entries(split.model.outcomes)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  return [
    verdicts,
    `offline reading: ${split.offline.questions} questions, ${split.offline.correct} correct`,
    `model asked: ${split.model.questions} questions, ${split.model.correct} correct${outcomes ? ` (${outcomes})` : ''}`,
  ].join('\n');
}
