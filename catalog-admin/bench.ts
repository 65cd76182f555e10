/** `npm run bench`: `tally catalog init` on 500 tables, before and after ANALYZE (rows read vs pg_stats). */
import pg from 'pg';
import { ensureDatabase } from '../warehouse/embedded.ts';
import { initCatalog } from './init.ts';
import { createSyntheticWarehouse } from './synthetic.ts';

export async function benchCatalogInit(superuserUrl: string, tables = 500): Promise<void> {
  await ensureDatabase(superuserUrl, 'synthetic_init');
  const url = new URL(superuserUrl);
  url.pathname = '/synthetic_init';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await createSyntheticWarehouse(client, tables);
    console.log(`\ncatalog init on ${tables} tables (7 columns, 20 rows each):`);
    for (const when of ['never analysed (SELECT DISTINCT per table)', 'after ANALYZE (pg_stats)']) {
      if (when.startsWith('after')) await client.query('ANALYZE');
      const started = performance.now();
      const result = await initCatalog(url.toString(), { schemas: ['synthetic'] });
      const seconds = (performance.now() - started) / 1000;
      console.log(`  ${when}: ${seconds.toFixed(2)} s, ${result.draft.catalog.tables.length} tables drafted`);
    }
  } finally {
    await client.end();
  }
}
