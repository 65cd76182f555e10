/**
 * Issue 18, charts through the real pipeline (question → catalog → SQL → PostgreSQL → present →
 * Teams card): the metric's format and the answer's period reach the chart spec, and the card
 * shows the card-sized image with the full-size one behind a link. Today is 2026-06-15 and the demo
 * data ends on 2026-06-14, so June 2026 is not over.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { renderPng, renderSvg } from '../charts/render.ts';
import { DiskAssetStore } from '../charts/store.ts';
import { ask } from '../skills/ask.ts';
import { present } from '../skills/present.ts';
import { axisLabels, legendLabels, pngSize, valueLabels } from './chart-svg.ts';
import { testRuntime } from './helpers.ts';

const PUBLIC = 'http://localhost:3978';
let runtime: Runtime;
let dir: string;
let store: DiskAssetStore;

beforeAll(async () => {
  runtime = await testRuntime();
  dir = await mkdtemp(path.join(tmpdir(), 'tally-chart-assets-'));
  store = new DiskAssetStore(dir, PUBLIC, 3600);
});
afterAll(async () => runtime?.close());

async function presented(question: string) {
  const answer = await ask(askDeps(runtime), { text: question, channel: 'test' });
  expect(answer.status, answer.message ?? answer.summary).toBe('answer');
  const presentation = await present(
    { catalog: runtime.catalog, store, render: renderPng, log: runtime.log },
    answer,
  );
  const chart = presentation.chart;
  if (!chart) throw new Error(`no chart for ${question}`);
  return { ...presentation, chart, svg: await renderSvg(chart.card.spec) };
}

/** The PNG a stored chart URL points at, read from the store's folder. */
const stored = (url: string) => readFile(path.join(dir, new URL(url).pathname));

describe('charts from real answers', () => {
  it('gross margin % by category: every bar label and tick says %', async () => {
    const { svg } = await presented('gross margin % by category last year');
    const labels = valueLabels(svg);
    expect(labels.length).toBeGreaterThan(1);
    for (const label of [...labels, ...axisLabels(svg, 'X')]) expect(label).toMatch(/%$/);
  });

  it('revenue by month this year vs last year: lines named 2026 and 2025, June dashed as to date', async () => {
    const { svg, chart } = await presented('revenue by month this year vs last year');
    expect(legendLabels(svg)).toEqual(['Revenue 2026', 'Revenue 2025', 'Jun 2026 to date']);
    expect(axisLabels(svg, 'X')).toEqual([
      'Jan 2026',
      'Feb 2026',
      'Mar 2026',
      'Apr 2026',
      'May 2026',
      'Jun 2026',
    ]);
    expect(chart.alt).toContain('Jun 2026 to date');
  });

  it('revenue by day last month: every tick is "day month"', async () => {
    const { svg } = await presented('revenue by day last month');
    const ticks = axisLabels(svg, 'X');
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    for (const tick of ticks) expect(tick).toMatch(/^\d{1,2} May$/);
    expect(svg).not.toContain('to date');
  });

  it('the Teams card shows the 540 px image at 2x and links the larger one', async () => {
    const { reply } = await presented('revenue by region last quarter');
    const card = renderAdaptiveCard(reply) as { body: Record<string, unknown>[] };
    const image = card.body.find((e) => e.type === 'Image') as {
      url: string;
      selectAction: { type: string; url: string };
    };
    expect(pngSize(await stored(image.url)).width).toBe(1080);
    expect(image.selectAction.type).toBe('Action.OpenUrl');
    expect(image.selectAction.url).not.toBe(image.url);
    expect(pngSize(await stored(image.selectAction.url)).width).toBeGreaterThan(1080);
    expect(JSON.stringify(card.body)).toContain(`](${image.selectAction.url})`);
  });
});
