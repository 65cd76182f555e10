/**
 * Answers people would rather look at: for a trend, a ranking and a single number (and a
 * clarification, a refusal and a very wide answer), the chart, the Adaptive Card and the Block Kit
 * come from the real pipeline and are checked against the official schemas and the channels' limits.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBlockKit, SLACK_LIMITS } from '../adaptive-cards/block-kit.ts';
import { renderAdaptiveCard, TEAMS_CARD_LIMIT } from '../adaptive-cards/teams-card.ts';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { renderPng } from '../charts/render.ts';
import { DiskAssetStore } from '../charts/store.ts';
import { ask } from '../skills/ask.ts';
import { present } from '../skills/present.ts';
import { testRuntime } from './helpers.ts';
import { adaptiveCardValidator, vegaLiteValidator } from './schemas.ts';

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

async function presentQuestion(question: string, conversationId?: string) {
  const answer = await ask(askDeps(runtime), { text: question, channel: 'test', conversationId });
  const presentation = await present(
    { catalog: runtime.catalog, store, render: renderPng, log: runtime.log },
    answer,
  );
  return { answer, ...presentation };
}

function pngSize(png: Buffer) {
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function expectValidCard(card: object) {
  const validate = adaptiveCardValidator();
  expect(validate(card), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(TEAMS_CARD_LIMIT);
}

function expectWithinSlackLimits(blocks: Record<string, unknown>[]) {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  const texts = JSON.stringify(blocks).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? [];
  for (const text of texts)
    expect(JSON.parse(`{${text}}`).text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
}

describe.each([
  ['monthly revenue in 2025', 'line'],
  ['top 5 products by revenue this year', 'bar'],
  ['revenue by category and channel in Q1 2026', 'grouped-bar'],
])('%s', (question, kind) => {
  it(`draws a ${kind} chart, a schema-valid card under 28 KB and Block Kit within Slack's limits`, async () => {
    const { reply, chart } = await presentQuestion(question);
    expect(chart?.kind).toBe(kind);
    const validate = vegaLiteValidator();
    expect(validate(chart?.spec), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(pngSize(chart?.card.png as Buffer).width).toBeGreaterThanOrEqual(600);
    expect(chart?.alt.length).toBeGreaterThan(20);

    const card = renderAdaptiveCard(reply);
    expectValidCard(card);
    const body = JSON.stringify(card);
    expect(body).toContain(reply.summary);
    expect(body).toMatch(/"type":"Image","url":"http:\/\/localhost:3978\/charts\/[A-Za-z0-9_-]{22}\.png"/);
    expect(body).toContain('"type":"Action.ToggleVisibility"');
    expect(body).toContain('"verb":"feedback"');
    expectWithinSlackLimits(renderBlockKit(reply));
  });
});

describe('a single number', () => {
  it('is a KPI tile with its change, and no chart', async () => {
    const { reply, chart } = await presentQuestion('total revenue last quarter vs last year');
    expect(chart).toBeUndefined();
    expect(reply.kpis).toEqual([
      expect.objectContaining({
        label: 'Revenue',
        value: expect.stringMatching(/^\$[\d.]+M$/),
        direction: 'up',
        good: true,
      }),
    ]);
    const card = renderAdaptiveCard(reply);
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('"color":"Good"');
    expectWithinSlackLimits(renderBlockKit(reply));
  });
});

describe('a very wide answer', () => {
  it('keeps the whole sentence and trims the table to stay under 28 KB', async () => {
    const { reply } = await presentQuestion('revenue by customer');
    expect(reply.table?.totalRows).toBeGreaterThan(1000);
    const card = renderAdaptiveCard({
      ...reply,
      table: reply.table && {
        ...reply.table,
        rows: reply.table.rows.concat(Array(400).fill(reply.table.rows[0])),
      },
    });
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain(reply.summary);
  });
});

describe('clarifications and refusals', () => {
  it('offers the choices as buttons that carry the full question', async () => {
    const { reply } = await presentQuestion('margin by category last year');
    const card = renderAdaptiveCard(reply);
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain(
      '"data":{"verb":"choose","question":"Gross margin % by category last year"}',
    );
    const blocks = renderBlockKit(reply);
    expect(JSON.stringify(blocks)).toContain('"action_id":"choose_1"');
  });

  it('explains a refusal and suggests questions that work', async () => {
    const { reply } = await presentQuestion('average salary by department');
    const card = renderAdaptiveCard(reply);
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('personal data');
    expect(reply.actions.filter((a) => a.type === 'ask').length).toBeGreaterThan(0);
  });
});
