/**
 * Every kind of card, drawn by Microsoft's official `adaptivecards` renderer with Teams' host config
 * in headless Chromium; chart images load from the bot's asset store. Screenshots go to
 * test-artifacts/cards/ for a person to look at.
 *
 * Locator.innerText (not textContent) on purpose: the hidden SQL must not count as shown text.
 */

import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../../adaptive-cards/teams-card.ts';
import { askDeps, type Runtime } from '../../bot/runtime.ts';
import { renderPng } from '../../charts/render.ts';
import { DiskAssetStore } from '../../charts/store.ts';
import { ask } from '../../skills/ask.ts';
import { present } from '../../skills/present.ts';
import { testRuntime } from '../helpers.ts';
import { SCHEMAS_DIR } from '../schemas.ts';
import { ARTIFACTS, launchChromium } from './browser.ts';

const require = createRequire(import.meta.url);
let runtime: Runtime;
let browser: Browser;
let page: Page;
let server: Server;
let store: DiskAssetStore;

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/ac/adaptivecards.css">
<style>body{font-family:'Segoe UI',sans-serif;background:#f5f5f5;margin:0;padding:16px;width:760px}#card{background:#fff;border-radius:6px;box-shadow:0 1px 4px #0002}</style>
<script src="/ac/adaptivecards.min.js"></script></head><body><div id="card"></div>
<script>
window.actions = [];
window.renderCard = async (card, hostConfig) => {
  const adaptive = new AdaptiveCards.AdaptiveCard();
  adaptive.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
  adaptive.onExecuteAction = (action) => window.actions.push({ type: action.getJsonTypeName(), title: action.title, data: action.data ?? null, url: action.url ?? null });
  adaptive.parse(card);
  const root = document.getElementById('card');
  root.innerHTML = '';
  root.appendChild(adaptive.render());
  await Promise.all([...root.querySelectorAll('img')].map((img) => img.complete ? null : new Promise((r) => { img.onload = r; img.onerror = r; })));
};
</script></body></html>`;

beforeAll(async () => {
  runtime = await testRuntime();
  const app = express();
  app.get('/', (_req, res) => res.type('html').send(PAGE));
  app.use('/ac', express.static(path.dirname(require.resolve('adaptivecards/dist/adaptivecards.min.js'))));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  store = new DiskAssetStore(await mkdtemp(path.join(tmpdir(), 'tally-e2e-assets-')), base, 3600);
  app.use(store.router());
  await mkdir(path.join(ARTIFACTS, 'cards'), { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.goto(base);
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await runtime?.close();
});

async function showCard(question: string, name: string) {
  const answer = await ask(askDeps(runtime), { text: question, channel: 'e2e' });
  const { reply } = await present(
    { catalog: runtime.catalog, store, render: renderPng, log: runtime.log },
    answer,
  );
  const card = renderAdaptiveCard(reply);
  const hostConfig = JSON.parse(
    await readFile(path.join(SCHEMAS_DIR, 'teams-host-config-light.json'), 'utf8'),
  );
  await page.evaluate(
    ([c, h]) =>
      (window as unknown as { renderCard: (c: unknown, h: unknown) => Promise<void> }).renderCard(c, h),
    [card, hostConfig],
  );
  await page.locator('#card').screenshot({ path: path.join(ARTIFACTS, 'cards', `${name}.png`) });
  return { reply, card };
}

describe('cards in the official renderer', () => {
  it.each([
    ['monthly revenue in 2025', 'trend'],
    ['top 5 products by revenue this year', 'ranking'],
    ['revenue by category and channel in Q1 2026', 'grouped'],
  ])('%s: sentence, chart image, table and working Show SQL', async (question, name) => {
    const { reply } = await showCard(question, name);
    await expect(page.locator('#card')).toBeDefined();
    expect(await page.locator('#card').innerText()).toContain(reply.summary);
    const size = await page
      .locator('#card img')
      .first()
      .evaluate((img) => ({
        width: (img as HTMLImageElement).naturalWidth,
        shown: (img as HTMLImageElement).clientWidth,
      }));
    expect(size.width).toBeGreaterThanOrEqual(600);
    expect(size.shown).toBeGreaterThan(300);
    expect(await page.locator('#card [role="table"] [role="row"]').count()).toBeGreaterThan(1);
    expect(await page.locator('#card').innerText()).not.toContain('SELECT');
    await page.getByRole('button', { name: 'Show SQL' }).click();
    expect(await page.locator('#card').innerText()).toContain('SELECT');
    await page.locator('#card').screenshot({ path: path.join(ARTIFACTS, 'cards', `${name}-sql.png`) });
  });

  it('a single number: KPI with its change', async () => {
    await showCard('total revenue last quarter vs last year', 'kpi');
    const text = await page.locator('#card').innerText();
    expect(text).toMatch(/\$\d+(\.\d+)?M/);
    expect(text).toMatch(/▲ up \d+\.\d%/);
  });

  it('a clarification: its choices submit the full question', async () => {
    await showCard('margin by category last year', 'clarify');
    await page.evaluate(() => {
      (window as unknown as { actions: unknown[] }).actions = [];
    });
    await page.getByRole('button', { name: 'Gross margin %' }).click();
    const actions = await page.evaluate(() => (window as unknown as { actions: unknown[] }).actions);
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'Action.Submit',
        data: { verb: 'choose', question: 'Gross margin % by category last year' },
      }),
    ]);
  });

  it('a refusal: the reason and suggested questions', async () => {
    await showCard('average salary by department', 'refusal');
    const text = await page.locator('#card').innerText();
    expect(text).toContain('personal data');
    expect(await page.getByRole('button').count()).toBeGreaterThan(0);
  });
});
