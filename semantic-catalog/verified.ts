/**
 * Verified questions with a semantic query (verified in chat by an admin): finding one by its
 * question, and the loader's check that its query names what the catalog has.
 */
import { metricByName } from './catalog.ts';
import type { CrossCheckProblem } from './cross-check.ts';
import type { SemanticQuery } from './query.ts';
import type { Catalog } from './schema.ts';

export interface VerifiedBy {
  by: string;
  on: string;
}

const key = (question: string) =>
  question
    .trim()
    .toLowerCase()
    .replace(/[\s?.!]+$/, '')
    .replace(/\s+/g, ' ');

export function findVerified(catalog: Catalog, question: string) {
  const wanted = key(question);
  return catalog.verified_questions.find((q) => q.query && key(q.question) === wanted);
}

/** A verified query names metrics and fields the catalog has (the loader's lint). */
export function checkVerifiedQueries(catalog: Catalog): CrossCheckProblem[] {
  const problems: CrossCheckProblem[] = [];
  catalog.verified_questions.forEach((entry, i) => {
    if (!entry.query) return;
    const query = entry.query as Partial<SemanticQuery>;
    if (!Array.isArray(query.metrics) || !Array.isArray(query.dimensions) || !Array.isArray(query.filters)) {
      problems.push({
        at: ['verified_questions', i, 'query'],
        message: 'needs metrics, dimensions and filters',
      });
      return;
    }
    for (const metric of query.metrics)
      if (!metricByName(catalog, metric))
        problems.push({ at: ['verified_questions', i, 'query'], message: `names no metric ${metric}` });
    const dimensions = [...query.dimensions, ...query.filters.map((f) => f.dimension)];
    for (const dimension of dimensions)
      if (!catalog.dimensions.some((d) => d.name === dimension))
        problems.push({ at: ['verified_questions', i, 'query'], message: `names no field ${dimension}` });
  });
  return problems;
}
