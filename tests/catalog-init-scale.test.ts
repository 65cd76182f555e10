/**
 * `tally catalog init` on a 500-table warehouse: every table is drafted, foreign keys become
 * joins, comments become descriptions, progress is reported, and the draft loads. (How long it
 * takes is measured by `npm run bench`, not asserted here.)
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSyntheticWarehouse } from '../catalog-admin/synthetic.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { isolatedAppUrl, runTally } from './helpers.ts';

const TABLES = 500;

describe('tally catalog init on 500 tables', () => {
  let url: string;
  beforeAll(async () => {
    url = await isolatedAppUrl('init_scale');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await createSyntheticWarehouse(client, TABLES);
    } finally {
      await client.end();
    }
  });
  afterAll(async () => {
    const admin = new URL(inject('adminUrl'));
    const name = new URL(url).pathname.slice(1);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await client.end();
  });

  it('drafts every table, joins the foreign keys, reports progress, and lints clean', async () => {
    const file = path.join(tmpdir(), `tally-init-scale-${process.pid}.yaml`);
    const { stderr } = await runTally([
      'catalog',
      'init',
      '--url',
      url,
      '--schema',
      'synthetic',
      '--out',
      file,
      '--force',
    ]);
    const catalog = await loadCatalog(file);
    expect(catalog.tables).toHaveLength(TABLES);
    const names = new Set(catalog.tables.map((t) => t.name));
    for (let i = 0; i < TABLES; i++) expect(names.has(`synthetic.t${i}`)).toBe(true);
    // Each table after the first references the one before it.
    expect(catalog.joins.filter((j) => j.from !== j.to)).toHaveLength(TABLES - 1);
    expect(catalog.joins).toContainEqual({
      from: 'synthetic.t7',
      to: 'synthetic.t6',
      on: [['parent_id', 'id']],
    });
    expect(catalog.tables.find((t) => t.name === 'synthetic.t42')?.description).toBe('Synthetic table 42');
    expect(catalog.metrics.filter((m) => m.expression === 'COUNT(*)')).toHaveLength(TABLES);
    // Plain lines when not in a terminal: one per tenth of the tables, so a 500-table run isn't silent.
    expect(stderr.match(/\d+% sampling columns/g)?.length).toBeGreaterThanOrEqual(10);
    expect(await readFile(file, 'utf8')).toMatch(/^# Drafted by `tally catalog init`/);
  });
});
