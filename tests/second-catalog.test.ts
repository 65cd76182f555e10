/**
 * Generality: a second catalog over a different schema (support tickets), in its own database,
 * read by its own least-privilege role, answers its own golden questions through the same CLI.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { ensureDatabase } from '../warehouse/embedded.ts';
import { grantStatements } from '../warehouse/grants.ts';
import { runTally } from './helpers.ts';

const root = path.resolve(import.meta.dirname, '..');
const fixture = path.join(root, 'tests', 'fixtures', 'support');
let readerUrl: string;

beforeAll(async () => {
  const admin = new URL(inject('adminUrl'));
  admin.pathname = '/postgres';
  await ensureDatabase(admin.toString(), 'support');
  admin.pathname = '/support';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(await readFile(path.join(fixture, 'schema.sql'), 'utf8'));
    const catalog = await loadCatalog(path.join(fixture, 'catalog.yaml'));
    for (const sql of grantStatements(catalog, {
      role: 'support_reader',
      database: 'support',
      password: 'support-reader',
    })) {
      await client.query(sql);
    }
  } finally {
    await client.end();
  }
  const reader = new URL(admin.toString());
  reader.username = 'support_reader';
  reader.password = 'support-reader';
  readerUrl = reader.toString();
});

function tally(args: string[]) {
  return runTally(args, { TALLY_CATALOG: path.join(fixture, 'catalog.yaml'), ANALYTICS_DB_URL: readerUrl });
}

describe('a second catalog (support tickets)', () => {
  it('answers its own golden questions, follow-ups and clarifications included', async () => {
    const { stdout } = await tally(['eval', path.join(fixture, 'golden.yaml'), '--json']);
    const report = JSON.parse(stdout);
    expect(report.cases.filter((c: { passed: boolean }) => !c.passed)).toEqual([]);
    expect(report.total).toBe(20);
  });

  it('asks which dimension a shared value means, and refuses personal data', async () => {
    const web = JSON.parse(
      (await tally(['ask', 'web tickets last month', '--json', '--now', '2026-06-15'])).stdout,
    );
    expect(web.status).toBe('clarify');
    expect(web.choices.map((c: { label: string }) => c.label).sort()).toEqual([
      'web (channel)',
      'web (product area)',
    ]);
    const emails = JSON.parse((await tally(['ask', 'agent emails by team', '--json'])).stdout);
    expect(emails).toMatchObject({ status: 'refuse', rule: 'personal_data' });
  });
});

describe('nothing about the demo lives in code', () => {
  it('no source file outside the demo generator names a demo table or metric', async () => {
    const demoWords =
      /\b(sales|finance|hr)\.(orders|customers|regions|products|gl_entries|gl_accounts|cost_centers|invoices|employees)\b|\bnet_amount\b/;
    const offenders: string[] = [];
    for (const dir of [
      'semantic-catalog',
      'skills',
      'bot',
      'app-db',
      path.join('semantic-catalog', 'understand'),
      'warehouse',
    ]) {
      for (const file of await readdir(path.join(root, dir))) {
        if (!file.endsWith('.ts')) continue;
        const text = await readFile(path.join(root, dir, file), 'utf8');
        if (demoWords.test(text)) offenders.push(path.join(dir, file));
      }
    }
    expect(offenders).toEqual([]);
  });
});
