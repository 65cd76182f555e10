/**
 * Issue 18, the charts as a person sees them: `tally start` with Microsoft's Agents Playground in
 * headless Chromium, four questions, and each card's chart measured where it is shown. Before,
 * the card shrank a 1,500 px image until its 12 px labels showed at about 8 px. Screenshots of each
 * card: test-artifacts/charts/ (daily line, GM% bars, year over year, a month not over).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_SIZE, CARD_WIDTH } from '../../charts/frame.ts';
import { freePort } from '../../warehouse/free-port.ts';
import { pngSize } from '../chart-svg.ts';
import { spawnTally } from '../helpers.ts';
import { ARTIFACTS, launchChromium } from './browser.ts';

const shots = path.join(ARTIFACTS, 'charts');
let tally: ChildProcess;
let browser: Browser;
let page: Page;

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  const [port, playgroundPort] = [await freePort(), await freePort()];
  tally = spawnTally(['start'], {
    PORT: String(port),
    TALLY_PLAYGROUND: '1',
    TALLY_PLAYGROUND_PORT: String(playgroundPort),
  });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  await waitForHttp(`http://127.0.0.1:${playgroundPort}/`, 60_000);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  await page.goto(`http://127.0.0.1:${playgroundPort}/`, { waitUntil: 'networkidle' });
});

afterAll(async () => {
  await browser?.close();
  tally?.kill('SIGTERM');
});

/** Asks in the personal chat and returns the new chart image once it has loaded. */
async function askForChart(question: string) {
  const charts = page.locator('img[src*="/charts/"]');
  const before = await charts.count();
  const box = page.locator('[role="textbox"][contenteditable="true"]').first();
  await box.click();
  await box.fill(question);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (n) => {
      const images = document.querySelectorAll<HTMLImageElement>('img[src*="/charts/"]');
      const last = images[images.length - 1];
      return images.length > n && last?.complete && last.naturalWidth > 0;
    },
    before,
    { timeout: 30_000 },
  );
  const image = charts.last();
  await image.scrollIntoViewIfNeeded();
  return image;
}

describe('charts in the Agents Playground', () => {
  it.each([
    ['revenue by day last month', 'daily-line'],
    ['gross margin % by category last year', 'gm-bars'],
    ['revenue by month this year vs last year', 'year-over-year'],
    ['revenue by month this year', 'partial-month'],
  ])(
    '%s: drawn for the card, text at least 12 px as shown, the full size behind a link',
    async (question, name) => {
      const image = await askForChart(question);
      // Screenshots first: when an assertion fails they show why.
      const card = image.locator('xpath=ancestor::*[contains(@class, "ac-adaptiveCard")][1]');
      await ((await card.count()) ? card : image).screenshot({ path: path.join(shots, `${name}.png`) });
      await page.screenshot({ path: path.join(shots, `${name}-page.png`) });
      const size = await image.evaluate((img) => ({
        natural: (img as HTMLImageElement).naturalWidth,
        shown: img.getBoundingClientRect().width,
        src: (img as HTMLImageElement).src,
      }));
      expect(size.natural).toBe(2 * CARD_WIDTH);
      // The smallest text in a card chart is CARD_SIZE.font CSS px at CARD_WIDTH; the card scales it by shown/CARD_WIDTH.
      expect((CARD_SIZE.font * size.shown) / CARD_WIDTH).toBeGreaterThanOrEqual(12);

      const link = page.getByRole('link', { name: 'Open the full-size chart' }).last();
      const href = await link.getAttribute('href');
      expect(href).toMatch(/\/charts\/[A-Za-z0-9_-]{22}\.png$/);
      expect(href).not.toBe(size.src);
      const full = Buffer.from(await (await fetch(href as string)).arrayBuffer());
      expect(pngSize(full).width).toBeGreaterThan(2 * CARD_WIDTH);
    },
  );
});
