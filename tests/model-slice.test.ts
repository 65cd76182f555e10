/**
 * What the model is shown of a large catalog: the parts whose words the question shares, capped,
 * so 500 tables still make a prompt of a few thousand tokens, and nothing personal among them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMessages } from '../model-reader/prompt.ts';
import { catalogSlice } from '../model-reader/slice.ts';
import { type Catalog, catalogSchema } from '../semantic-catalog/schema.ts';
import { buildLexicon } from '../semantic-catalog/understand/lexicon.ts';
import { loadPgParser } from '../warehouse/pg-parser.ts';

const TABLES = 500;

function bigCatalog(): Catalog {
  const n = [...Array(TABLES).keys()];
  return catalogSchema.parse({
    name: 'big',
    tables: n.map((i) => ({
      name: `shop.table_${i}`,
      alias: `t${i}`,
      description: `Facts of line ${i}`,
      columns: [
        { name: 'id', type: 'int', hidden: true },
        { name: 'day', type: 'date' },
        { name: 'amount', type: 'numeric' },
        { name: 'kind', type: 'text', sample_values: [`kind ${i}a`, `kind ${i}b`] },
        { name: 'owner_email', type: 'text', personal: true, sample_values: [`person${i}@example.com`] },
      ],
    })),
    metrics: n.map((i) => ({
      name: `amount_${i}`,
      label: `Amount ${i}`,
      synonyms: [`widget${i} sales`],
      expression: `SUM(t${i}.amount)`,
      table: `shop.table_${i}`,
      time_column: 'day',
    })),
    dimensions: n.map((i) => ({
      name: `kind_${i}`,
      label: `Kind ${i}`,
      sources: [{ table: `shop.table_${i}`, column: 'kind' }],
    })),
  });
}

beforeAll(() => loadPgParser());

describe('the catalog slice of a 500-table catalog', () => {
  it('puts first what the question names, stays small, and holds nothing personal', () => {
    const catalog = bigCatalog();
    const lexicon = buildLexicon(catalog);
    const question = 'how did widget347 sales do by kind 347 lately';
    const slice = catalogSlice(question, catalog, lexicon, { sql: true });
    expect(slice.metrics[0]?.name).toBe('amount_347');
    expect(slice.dimensions[0]?.name).toBe('kind_347');
    expect(slice.metrics.length).toBeLessThanOrEqual(20);
    expect(slice.tables.map((t) => t.name)).toContain('shop.table_347');
    const prompt = JSON.stringify(buildMessages(question, slice, '2026-06-15', true));
    expect(prompt).not.toContain('owner_email');
    expect(prompt).not.toContain('@example.com');
    // A few thousand tokens at ~4 characters a token, whatever the catalog's size.
    expect(prompt.length).toBeLessThan(20_000);
  });
});
