/**
 * Issue 18, "Sentences": what a newcomer read in the answers, through the real ask pipeline on the
 * demo warehouse (data from 1 Jan 2024 to 14 Jun 2026; today 15 Jun 2026).
 * - Months read as `2025-01-01` and "last week" as "(16 Nov 2026)": periods and buckets by name,
 *   ranges by their inclusive dates, in the sentence, the restatement, the card, Block Kit and CSV.
 * - "this year" counted up to today, which has no data yet: the answer says where the data stops.
 * - A period before the data said "was —": it says where the data starts and ends.
 * - The year-over-year table said "Revenue (previous)": each column is named by its period.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBlockKit } from '../adaptive-cards/block-kit.ts';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { renderPng } from '../charts/render.ts';
import { DiskAssetStore } from '../charts/store.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import { restate } from '../semantic-catalog/restate.ts';
import { type AskDeps, ask, displaySql } from '../skills/ask.ts';
import { present } from '../skills/present.ts';
import { toCsv } from '../skills/reply.ts';
import { summarize } from '../skills/summary.ts';
import type { Executor } from '../warehouse/executor.ts';
import { testRuntime } from './helpers.ts';

let runtime: Runtime;
let store: DiskAssetStore;

beforeAll(async () => {
  runtime = await testRuntime();
  store = new DiskAssetStore(
    await mkdtemp(path.join(tmpdir(), 'tally-assets-')),
    'http://localhost:3978',
    3600,
  );
});
afterAll(async () => runtime.close());

const askWith = (deps: AskDeps, text: string) => ask(deps, { text, channel: 'test' });

async function shown(question: string) {
  const answer = await askWith(askDeps(runtime), question);
  const { reply } = await present(
    { catalog: runtime.catalog, store, render: renderPng, log: runtime.log },
    answer,
  );
  // Without the SQL, which rightly keeps its ISO date literals.
  const card = JSON.stringify(renderAdaptiveCard({ ...reply, sql: undefined }));
  const blocks = JSON.stringify(renderBlockKit(reply));
  return { answer, reply, card, blocks, csv: toCsv(answer) };
}

/** The executor as the runtime has it, recording every statement it is given. */
function recording(executor: Executor): { executor: Executor; ran: string[] } {
  const ran: string[] = [];
  const spy = Object.create(executor) as Executor;
  spy.run = (sql, options) => {
    ran.push(sql);
    return executor.run(sql, options);
  };
  return { executor: spy, ran };
}

describe('periods and buckets by name', () => {
  it('names months in the sentence and the table, never by their first day', async () => {
    const { answer, reply, card, blocks, csv } = await shown('revenue by month in 2025');
    expect(answer.summary).toMatch(
      /^Revenue by month in 2025: 12 months, from \$[\d.]+M \(January 2025\) to \$[\d.]+M \(December 2025\), peaking at \$[\d.]+M \(\w+ 2025\)\.$/,
    );
    expect(answer.interpretation?.text).toBe('Revenue by month; 2025 (1 Jan – 31 Dec 2025).');
    expect(reply.table?.columns).toEqual(['Month', 'Revenue']);
    expect(reply.table?.rows.map((r) => r[0])).toEqual(
      ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct'].map((m) => `${m} 2025`),
    );
    expect(card).toContain('"text":"Jan 2025"');
    expect(blocks).toContain('Jan 2025');
    for (const door of [answer.summary, card, blocks]) expect(door).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    // The JSON contract and the CSV cells keep ISO dates; the CSV is headed as the table is.
    expect(answer.rows[0]?.[0]).toBe('2025-01-01');
    expect(csv.split('\r\n').slice(0, 2)).toEqual(['Month,Revenue', `2025-01-01,${answer.rows[0]?.[1]}`]);
  });

  it('names quarters and weeks', async () => {
    const quarters = await shown('revenue by quarter in 2025');
    expect(quarters.reply.table?.rows.map((r) => r[0])).toEqual(['Q1 2025', 'Q2 2025', 'Q3 2025', 'Q4 2025']);
    expect(quarters.answer.summary).toMatch(/\(Q1 2025\) to .*\(Q4 2025\)/);
    const weeks = await shown('revenue by week last month');
    expect(weeks.answer.summary).toMatch(
      /^Revenue by week last month \(May 2026\): 5 weeks, from .* \(week of 27 Apr 2026\)/,
    );
    expect(weeks.reply.table?.rows[1]?.[0]).toBe('week of 4 May 2026');
  });

  it('says last week by its inclusive dates', async () => {
    const { answer, card } = await shown('revenue last week');
    expect(answer.summary).toMatch(/^Revenue last week \(8–14 Jun 2026\) was \$[\d.]+M\.$/);
    expect(answer.interpretation?.text).toBe('Revenue; last week (8–14 Jun 2026).');
    expect(card).toContain('Answered: Revenue; last week (8–14 Jun 2026).');
    const quarter = await askWith(askDeps(runtime), 'revenue by region last quarter');
    expect(quarter.summary).toMatch(/^Revenue by region last quarter \(Q1 2026\): /);
    expect(quarter.interpretation?.text).toBe('Revenue by region; last quarter (1 Jan – 31 Mar 2026).');
  });
});

describe('a period that runs to today', () => {
  it('says up to which day the data goes, from one MIN/MAX query kept per metric', async () => {
    const { executor, ran } = recording(runtime.executor);
    const deps = { ...askDeps(runtime), executor };
    const answer = await askWith(deps, 'revenue this year');
    expect(answer.summary).toMatch(
      /^Revenue this year \(2026 to date, data through 14 Jun 2026\) was \$[\d.]+M\.$/,
    );
    expect(answer.interpretation?.text).toBe('Revenue; this year (2026 to date, data through 14 Jun 2026).');
    // The extent is a statement of its own, read first (a comparison ends where it does); the
    // answer's own SQL is what was gated and run, untouched.
    expect(ran).toHaveLength(2);
    expect(answer.sql).toBe(displaySql(ran[1] as string));
    expect(ran[1]).not.toMatch(/max\(/i);
    expect(ran[0]).toMatch(
      /^SELECT \(min\(o\.order_date\)\)::date AS first_day, \(max\(o\.order_date\)\)::date AS last_day FROM sales\.orders AS o\b/,
    );

    const monthly = await askWith(deps, 'revenue by month this year');
    expect(ran).toHaveLength(3);
    expect(monthly.summary).toMatch(/\(June 2026 to date\), peaking at/);
  });
});

describe('a period with no data', () => {
  it.each([
    ['revenue on 1 March 2020', 'There is no data for revenue on 1 Mar 2020'],
    ['orders on 1 March 2020', 'There is no data for orders on 1 Mar 2020'],
    ['revenue today', 'There is no data for revenue today (15 Jun 2026)'],
  ])('%s says where the data starts and ends', async (question, start) => {
    const answer = await askWith(askDeps(runtime), question);
    expect(answer.summary).toBe(`${start}: the data runs from 1 Jan 2024 to 14 Jun 2026.`);
  });

  it('the future is still refused by the reading', async () => {
    const answer = await askWith(askDeps(runtime), 'revenue on 1 March 3000');
    expect(answer.status).toBe('refuse');
  });
});

describe('a comparison', () => {
  it('names each column by its period, in the card, Block Kit, the CSV and the KPI', async () => {
    const { reply, card, blocks, csv } = await shown('revenue by month this year vs last year');
    expect(reply.table?.columns).toEqual(['Month', 'Revenue 2026', 'Revenue 2025', 'Revenue change %']);
    expect(card).toContain('"text":"Revenue 2025"');
    expect(blocks).toContain('Revenue 2025');
    expect(csv.split('\r\n')[0]).toBe('Month,Revenue 2026,Revenue 2025,Revenue change %');
    for (const door of [card, blocks, csv]) expect(door).not.toContain('(previous)');

    const total = await shown('revenue last quarter vs last year');
    expect(total.reply.kpis[0]?.delta).toMatch(/^(up|down) [\d.]+% \(was \$[\d.]+M in Q1 2025\)$/);
    expect(total.answer.summary).toMatch(/from \$[\d.]+M in the same period a year earlier \(Q1 2025\)\.$/);
  });

  it('names two weeks apart by their dates', async () => {
    const { reply } = await shown('revenue last week vs the week before');
    expect(reply.kpis[0]?.delta).toMatch(/\(was \$[\d.]+M over 1–7 Jun 2026\)$/);
  });
});

describe('a list of members, said as one', () => {
  it('restates "each customer" and says how many were listed, never just "Done."', async () => {
    const catalog = await loadCatalog('catalog/demo');
    const query = {
      metrics: [],
      dimensions: ['customer'],
      filters: [{ dimension: 'region', values: ['APAC'] }],
      listFrom: 'sales.customers',
    };
    expect(restate(query, catalog).text).toMatch(/^Each customer; all dates; region is APAC\./);
    const columns = [{ name: 'customer', role: 'dimension' as const, label: 'Customer' }];
    expect(summarize(query, columns, [['Acme'], ['Birch']])).toBe('Listed 2 rows (customer) for APAC.');
  });
});
