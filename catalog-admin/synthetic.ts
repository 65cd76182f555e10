/**
 * A wide synthetic warehouse for the scale test and the bench: `tables` tables in schema
 * `synthetic`, each with a key, a foreign key to the one before, a commented name, a few rows of
 * text, amounts, dates and e-mails, and never analysed (so init samples rows itself).
 */
import type pg from 'pg';

export async function createSyntheticWarehouse(client: pg.ClientBase, tables: number): Promise<void> {
  const statements = ['DROP SCHEMA IF EXISTS synthetic CASCADE', 'CREATE SCHEMA synthetic'];
  for (let i = 0; i < tables; i++) {
    const parent = i === 0 ? 'int' : `int REFERENCES synthetic.t${i - 1}(id)`;
    statements.push(
      `CREATE TABLE synthetic.t${i} (id int PRIMARY KEY, parent_id ${parent}, label text, status text,
         amount numeric(10,2), created_on date, contact_email text)`,
      `COMMENT ON TABLE synthetic.t${i} IS 'Synthetic table ${i}'`,
      `INSERT INTO synthetic.t${i} SELECT g, ${i === 0 ? 'NULL' : '1'}, 'item ' || g, (ARRAY['open','closed','held'])[1 + g % 3],
         g * 1.5, DATE '2025-01-01' + g, 'person' || g || '@example.com' FROM generate_series(1, 20) g`,
    );
  }
  await client.query(statements.join(';\n'));
}
