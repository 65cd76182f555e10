import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../bot/runtime.ts';
import { CatalogError, loadCatalog, parseCatalog } from '../semantic-catalog/loader.ts';
import { loadPgParser } from '../warehouse/pg-parser.ts';

await loadPgParser();

const minimal = (extra = '') => `
name: shop
tables:
  - name: shop.orders
    alias: o
    columns:
      - { name: id, type: int }
      - { name: amount, type: numeric }
      - { name: day, type: date }
metrics:
  - { name: sales, label: Sales, table: shop.orders, expression: SUM(o.amount), time_column: day }
${extra}`;

function problemsOf(text: string) {
  try {
    parseCatalog(text, 'shop.yaml');
  } catch (error) {
    if (error instanceof CatalogError) return error.problems;
    throw error;
  }
  return [];
}

describe('catalog loader', () => {
  it('loads the demo catalog with every business definition of the demo warehouse', async () => {
    const catalog = await loadCatalog(DEFAULT_CATALOG);
    const names = catalog.metrics.map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'revenue',
        'orders',
        'units_sold',
        'average_order_value',
        'gross_profit',
        'gross_margin_pct',
        'refunds',
        'refund_amount',
        'active_customers',
        'new_customers',
        'opex',
        'ar_outstanding',
        'overdue_ar',
        'headcount',
      ]),
    );
    const personal = catalog.tables.flatMap((t) =>
      t.columns.filter((c) => c.personal).map((c) => `${t.name}.${c.name}`),
    );
    expect(personal.sort()).toEqual(['hr.employees.email', 'hr.employees.full_name', 'hr.employees.salary']);
  });

  it('accepts a minimal catalog', () => {
    expect(problemsOf(minimal())).toEqual([]);
  });

  it('refuses "<table> id" as another column’s name: the words belong to the table’s key', () => {
    const dimension = (synonyms: string) => `dimensions:
  - { name: order_code, label: Order code, synonyms: [${synonyms}], sources: [{ table: shop.orders, column: amount }] }
`;
    const problems = problemsOf(minimal(dimension('order number, order id')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'dimensions[0].synonyms[1]' });
    expect(problems[0]?.message).toMatch(/“order id” names shop\.orders\.id/);
    expect(problemsOf(minimal(dimension('order number')))).toEqual([]);
  });

  it('reports the file, line and path of a schema problem', () => {
    const problems = problemsOf(minimal().replace('alias: o', 'alias: O-1'));
    expect(problems[0]).toMatchObject({ file: 'shop.yaml', line: 5, path: 'tables[0].alias' });
    expect(problems[0]?.message).toMatch(/lower_snake_case/);
  });

  it('collects every cross-reference problem at once', () => {
    const text = minimal(`  - { name: bad_col, label: Bad, table: shop.orders, expression: SUM(o.missing) }
  - { name: bad_table, label: Bad, table: shop.nope, expression: COUNT(*) }
  - { name: bad_sql, label: Bad, table: shop.orders, expression: "SUM(o.amount" }
  - { name: bad_ref, label: Bad, expression: "{sales} / {nothing}" }
dimensions:
  - { name: d, label: D, sources: [{ table: shop.orders, column: nope }] }`);
    const messages = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/metrics\[1\]\.expression: refers to o\.missing/),
      expect.stringMatching(/metrics\[2\]\.table: table shop\.nope is not in the catalog/),
      expect.stringMatching(/metrics\[3\]\.expression: is not valid SQL/),
      expect.stringMatching(/metrics\[4\]\.expression: refers to metric \{nothing\}/),
      expect.stringMatching(/dimensions\[0\]\.sources\[0\]\.column: shop\.orders has no column nope/),
    ]);
  });

  it('refuses personal data in a metric', () => {
    const text = minimal().replace(
      '{ name: amount, type: numeric }',
      '{ name: amount, type: numeric, personal: true }',
    );
    expect(problemsOf(text)[0]?.message).toMatch(/personal data/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('name: [unclosed\n')[0]).toMatchObject({
      file: 'shop.yaml',
      message: expect.stringMatching(/^YAML/),
    });
  });
});
