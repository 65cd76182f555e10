/**
 * Issue 11: a group whose dimension value is NULL or blank. Its rows are real and counted, but it
 * was shown as "null" in charts, an empty cell or "—" in tables, and the sentence could say
 * "null is highest". Every door now names it "(none)", and the sentence never puts "(none)" first
 * without saying plainly that the leading group has nothing recorded.
 *
 * A small shop warehouse of its own, with sales whose region is NULL (the largest group) and whose
 * channel is sometimes blank, asked through the real ask pipeline and presented as every door does.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderBlockKit } from '../adaptive-cards/block-kit.ts';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { askDeps, presentDeps, type Runtime } from '../bot/runtime.ts';
import { renderAnswer } from '../bot/terminal.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { ask } from '../skills/ask.ts';
import { present } from '../skills/present.ts';
import { toCsv } from '../skills/reply.ts';
import { ensureDatabase } from '../warehouse/embedded.ts';
import { grantStatements } from '../warehouse/grants.ts';
import { isolatedAppUrl, testRuntime } from './helpers.ts';

const SCHEMA = `
CREATE SCHEMA shop;
CREATE TABLE shop.sales (sale_id int PRIMARY KEY, sold_on date NOT NULL, region text, channel text NOT NULL, amount numeric NOT NULL);
INSERT INTO shop.sales VALUES
  (1, '2026-05-03', NULL, 'Web', 2000), (2, '2026-05-04', NULL, 'Store', 3000),
  (3, '2026-05-05', 'North', 'Web', 2500), (4, '2026-05-06', 'North', '', 500),
  (5, '2026-05-07', 'South', 'Store', 1000), (6, '2026-05-08', 'South', '', 200);
`;

const CATALOG = `
name: shop
description: A shop's sales.
default_metric: revenue
tables:
  - name: shop.sales
    alias: s
    columns:
      - { name: sale_id, type: int, hidden: true }
      - { name: sold_on, type: date }
      - { name: region, type: text }
      - { name: channel, type: text }
      - { name: amount, type: numeric }
metrics:
  - name: revenue
    label: Revenue
    description: Sales amount.
    table: shop.sales
    expression: SUM(s.amount)
    time_column: sold_on
    format: currency
dimensions:
  - { name: region, label: Region, sources: [{ table: shop.sales, column: region }], values: learn }
  - { name: channel, label: Channel, sources: [{ table: shop.sales, column: channel }], values: learn }
`;

let runtime: Runtime;

beforeAll(async () => {
  const database = `members_${randomBytes(4).toString('hex')}`;
  const url = new URL(inject('adminUrl'));
  url.pathname = '/postgres';
  await ensureDatabase(url.toString(), database);
  url.pathname = `/${database}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const dir = await mkdtemp(path.join(tmpdir(), 'tally-members-'));
  await writeFile(path.join(dir, 'catalog.yaml'), CATALOG);
  try {
    await admin.query(SCHEMA);
    const catalog = await loadCatalog(dir);
    for (const sql of grantStatements(catalog, { role: 'members_reader', database, password: 'members' }))
      await admin.query(sql);
  } finally {
    await admin.end();
  }
  const reader = new URL(url);
  reader.username = 'members_reader';
  reader.password = 'members';
  runtime = await testRuntime({
    ANALYTICS_DB_URL: reader.toString(),
    DATABASE_URL: await isolatedAppUrl('members'),
    TALLY_CATALOG: dir,
  });
});
afterAll(async () => {
  await runtime?.close();
});

const asked = async (text: string) => {
  const answer = await ask(askDeps(runtime), { text, channel: 'test', userId: 'ann' });
  expect(answer.status, text).toBe('answer');
  const { reply, chart } = await present(presentDeps(runtime), answer);
  return { answer, reply, chart };
};

describe('a group with no value recorded', () => {
  it('is "(none)" in the table, card, Block Kit, terminal, CSV and chart; the JSON keeps null', async () => {
    const { answer, reply, chart } = await asked('revenue by region');
    expect(answer.rows.map((r) => r[0])).toContain(null);
    expect(reply.table?.rows.map((r) => r[0])).toEqual(['(none)', 'North', 'South']);
    for (const door of [renderAdaptiveCard(reply), renderBlockKit(reply)])
      expect(JSON.stringify(door)).toContain('(none)');
    expect(renderAnswer(answer, false)).toContain('(none)');
    expect(toCsv(answer).split('\r\n')).toContain('(none),5000');
    const data = JSON.stringify(chart?.spec);
    expect(data).toContain('"c":"(none)"');
    expect(data).not.toContain('"c":"null"');
    expect(chart?.alt).toContain('largest first: no region recorded');
    // "only (none)" is not a question Tally can read: no such button.
    expect(reply.actions.map((a) => a.label)).not.toContain('only null');
    expect(reply.actions.map((a) => a.label)).not.toContain('only (none)');
  });

  it('the sentence says plainly that the largest group has no region recorded, then names the largest region', async () => {
    const { answer } = await asked('revenue by region');
    expect(answer.summary).toContain('the largest group has no region recorded, with $5,000.00');
    expect(answer.summary).toContain('of those with a region recorded, North is highest with $3,000.00');
    expect(answer.summary).not.toMatch(/\(none\) is|null is/);
  });

  it('a blank value is "(none)" too, and never named lowest', async () => {
    const { answer, reply, chart } = await asked('lowest revenue by channel');
    expect(reply.table?.rows.map((r) => r[0])).toEqual(['(none)', 'Store', 'Web']);
    expect(answer.summary).toContain('the smallest group has no channel recorded, with $700.00');
    expect(answer.summary).toContain('of those with a channel recorded, Store is lowest with $4,000.00');
    // The bars are drawn largest first whatever order the rows came in.
    expect(chart?.alt).toContain('largest first: Web');
  });

  it('in two dimensions, the sentence names the part that was recorded', async () => {
    const { answer, reply, chart } = await asked('revenue by region and channel');
    expect(answer.summary).toMatch(/Store with no region recorded is highest with \$3,000\.00/);
    expect(reply.table?.rows.some((r) => r[0] === '(none)')).toBe(true);
    expect(JSON.stringify(chart?.spec)).toContain('"o":"(none)"');
  });

  it('a series with no value recorded is "(none)" in the line chart legend', async () => {
    const { chart } = await asked('revenue by region by week');
    expect(chart?.kind).toBe('line');
    const data = JSON.stringify(chart?.spec);
    expect(data).toContain('"s":"(none)"');
    expect(data).not.toContain('"s":"null"');
  });
});
