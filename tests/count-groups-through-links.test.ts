/**
 * "How many papers have more than 2 authors": things counted through a link table (papers counted
 * as writes.paperid) are grouped by the things themselves, and a count of other things that can't
 * reach them (all authors on record) is replaced by the one count of the same things that can
 * (the authors of each paper). Questions written for this test, on a catalog written for a public
 * warehouse.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../semantic-catalog/compile.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';

const TODAY = '2026-06-15';
let catalog: Catalog;
let lexicon: Lexicon;
beforeAll(async () => {
  catalog = await loadCatalog(path.join(import.meta.dirname, 'fixtures', 'scholar'));
  lexicon = buildLexicon(catalog);
});
const read = (question: string) => understand(question, catalog, lexicon, TODAY);

describe('a count of things that have more than N other things', () => {
  it('counts papers by their own authors, not by all authors on record', () => {
    const result = read('how many papers have more than 2 authors');
    expect(result.kind === 'query' && result.query).toMatchObject({
      metrics: ['publishing_authors'],
      dimensions: ['paper_id'],
      conditions: [{ metric: 'publishing_authors', level: 'group', op: '>', value: 2 }],
      countGroups: { name: 'papers' },
    });
    if (result.kind !== 'query') return;
    const sql = compile(result.query, catalog, TODAY).sql;
    // Each paper by its id, kept when its own authors are over 2.
    expect(sql).toMatch(/GROUP BY pa\.paperid HAVING \(COUNT\(DISTINCT wr\.authorid\)\) > 2/);
  });

  it('reads a ratio of two such counts', () => {
    const result = read(
      'the ratio of papers with more than 2 datasets used to papers with exactly 1 dataset used',
    );
    expect(result.kind === 'query' && result.query).toMatchObject({
      countGroups: { name: 'papers' },
      conditions: [{ metric: 'datasets_used', op: '>', value: 2 }],
      ratio: { over: { conditions: [{ metric: 'datasets_used', op: '=', value: 1 }] } },
    });
  });

  it('still counts authors by their papers the way it did', () => {
    const result = read('how many authors have more than 2 papers');
    expect(result.kind === 'query' && result.query).toMatchObject({
      metrics: ['papers'],
      dimensions: ['author_id'],
      countGroups: { name: 'author_count' },
    });
  });
});

describe('the most things, counted where the ranked field can reach them', () => {
  it('ranks instructors by the courses they taught, not by all courses on record', async () => {
    const advising = await loadCatalog(path.join(import.meta.dirname, 'fixtures', 'advising'));
    const result = understand(
      'Which instructor teaches the most courses?',
      advising,
      buildLexicon(advising),
      TODAY,
    );
    expect(result.kind === 'query' && result.query).toMatchObject({
      metrics: ['courses_taught'],
      dimensions: ['instructor'],
      order: { by: 'metric', metric: 'courses_taught', direction: 'desc' },
      limit: 1,
    });
    const departments = understand(
      'which department has the most courses',
      advising,
      buildLexicon(advising),
      TODAY,
    );
    expect(departments.kind === 'query' && departments.query.metrics).toEqual(['courses']);
  });
});
