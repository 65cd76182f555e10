/**
 * Answers run on the geography warehouse (a catalog written for a public warehouse; questions
 * written for this test). Conditions on counts of two different things: "which countries have both
 * lakes and rivers" keeps the countries that have any of each, and "more than 2 lakes and more
 * than 2 rivers" every condition — never the countries that meet one of them (the facts are joined
 * inner where a condition holds). Things without an id are counted by their own name (a lake by
 * lake_name). Sorts: "rivers ordered by length" lists the rivers, and "by the length of the river
 * name" sorts by how long the name is, while "the length of the river" stays the river's measure.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadText2Sql, text2sqlAvailable } from '../eval/text2sql/load.ts';
import { compile } from '../semantic-catalog/compile.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';

const TODAY = '2026-06-15';
let catalog: Catalog;
let lexicon: Lexicon;
let client: pg.Client | undefined;
beforeAll(async () => {
  catalog = await loadCatalog(path.join(import.meta.dirname, 'fixtures', 'geography'));
  lexicon = buildLexicon(catalog);
  if (!text2sqlAvailable()) return;
  // The test cluster's superuser; no other test loads this warehouse there.
  client = new pg.Client({ connectionString: await loadText2Sql(inject('adminUrl'), 'geography') });
  await client.connect();
}, 120_000);
afterAll(async () => {
  await client?.end();
});

function sql(question: string): string {
  const result = understand(question, catalog, lexicon, TODAY);
  if (result.kind !== 'query') throw new Error(`${question}: ${result.kind}: ${result.message}`);
  return compile(result.query, catalog, TODAY).sql;
}
const countries = async (query: string) =>
  ((await (client as pg.Client).query(query)).rows as { country: string }[]).map((r) => r.country).sort();

describe('things that have each of two things', () => {
  it('reads "which countries have both lakes and rivers" as any of each', () => {
    const result = understand('Which countries have both lakes and rivers?', catalog, lexicon, TODAY);
    expect(result.kind === 'query' && result.query).toMatchObject({
      dimensions: ['country'],
      conditions: [
        { metric: 'lake_count', level: 'group', op: '>', value: 0 },
        { metric: 'river_count', level: 'group', op: '>', value: 0 },
      ],
    });
  });

  it.runIf(text2sqlAvailable())('keeps only the countries that meet every condition', async () => {
    const both = await countries(sql('which countries have both lakes and rivers'));
    const lakes = await countries('SELECT DISTINCT country_name AS country FROM lake');
    const rivers = await countries('SELECT DISTINCT country_name AS country FROM river');
    expect(both.length).toBeGreaterThan(0);
    expect(both).toEqual(lakes.filter((c) => rivers.includes(c)));
  });

  it.runIf(text2sqlAvailable())('counts lakes by name where they have no id', async () => {
    const many = await countries(sql('which countries have more than 1 lakes'));
    const reference = await countries(
      'SELECT country_name AS country FROM lake GROUP BY country_name HAVING COUNT(DISTINCT lake_name) > 1',
    );
    expect(many).toEqual(reference);
  });
});

const rows = async (query: string) =>
  (await (client as pg.Client).query(query)).rows as Record<string, unknown>[];

describe('sorting the things named', () => {
  it('lists rivers ordered by their length, never one number', () => {
    for (const question of ['rivers ordered by length', 'rivers ordered by the length of the river']) {
      const result = understand(question, catalog, lexicon, TODAY);
      expect(result.kind === 'query' && result.query).toMatchObject({
        metrics: ['river_length'],
        dimensions: ['river'],
        order: { by: 'metric', metric: 'river_length', direction: 'asc' },
      });
    }
  });

  it.runIf(text2sqlAvailable())('sorts by the length of a name when the name is said', async () => {
    const listed = await rows(sql('rivers ordered by the length of the river name, longest first'));
    const lengths = listed.map((r) => String(r.river).length);
    expect(lengths.length).toBeGreaterThan(1);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
  });
});
