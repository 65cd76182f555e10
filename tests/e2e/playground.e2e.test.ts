/**
 * A newcomer's path: `tally start` in local mode starts Microsoft's Agents Playground against the
 * bot; in headless Chromium we ask in a personal chat, a group chat and a channel, wait for the card
 * and its chart, open "Show SQL" and pick a clarification choice. Screenshots: test-artifacts/playground/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../warehouse/free-port.ts';
import { ARTIFACTS, launchChromium } from './browser.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const shots = path.join(ARTIFACTS, 'playground');
let tally: ChildProcess;
let browser: Browser;
let page: Page;

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (
      await fetch(url)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  const [port, playgroundPort] = [await freePort(), await freePort()];
  tally = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'bot', 'cli.ts'), 'start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      TALLY_PLAYGROUND_PORT: String(playgroundPort),
      TALLY_HOME: inject('tallyHome'),
      TALLY_PG_PORT: String(inject('tallyPgPort')),
      TALLY_NOW: '2026-06-15',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  await waitForHttp(`http://127.0.0.1:${playgroundPort}/`, 60_000);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`http://127.0.0.1:${playgroundPort}/`, { waitUntil: 'networkidle' });
});

afterAll(async () => {
  await browser?.close();
  tally?.kill('SIGTERM');
});

/** Group chats and channels, as in Teams, reach the bot only when it is @mentioned. */
async function askInChat(question: string, expected: RegExp, mention = false) {
  const box = page.locator('[role="textbox"][contenteditable="true"]').first();
  await box.click();
  if (mention) {
    await page.keyboard.type('@');
    await page
      .getByRole('menuitem', { name: /Test Bot/ })
      .first()
      .click();
    await page.keyboard.type(` ${question}`);
  } else {
    await box.fill(question);
  }
  await page.keyboard.press('Enter');
  await page.getByText(expected).last().waitFor({ timeout: 20_000 });
}

async function lastChartWidth(): Promise<number> {
  const chart = page.locator('img[src*="/charts/"]').last();
  await chart.waitFor({ timeout: 20_000 });
  await page.waitForFunction((el) => (el as HTMLImageElement)?.complete, await chart.elementHandle(), {
    timeout: 20_000,
  });
  return chart.evaluate((img) => (img as HTMLImageElement).naturalWidth);
}

describe('Tally in the Agents Playground', () => {
  it('answers in a personal chat with a card and its chart, and shows the SQL', async () => {
    await askInChat('revenue by region last quarter', /Revenue by region last quarter/);
    expect(await lastChartWidth()).toBeGreaterThanOrEqual(600);
    await page.getByRole('button', { name: 'Show SQL' }).last().click();
    await page
      .getByText(/region_name/)
      .last()
      .waitFor({ timeout: 5_000 });
    await page.screenshot({ path: path.join(shots, 'personal.png') });
  });

  it('asks which "margin" is meant, and a choice answers the question', async () => {
    await askInChat('margin by category last year', /can mean several things/);
    await page.getByRole('button', { name: 'Gross margin %' }).last().click();
    await page
      .getByText(/Gross margin % by category last year \(2025\)/)
      .last()
      .waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(shots, 'clarification.png') });
  });

  it('answers in a group chat', async () => {
    await page.getByText('Group Chat', { exact: true }).first().click();
    await askInChat('orders by channel last week', /Orders by channel last week/, true);
    expect(await lastChartWidth()).toBeGreaterThanOrEqual(600);
    await page.screenshot({ path: path.join(shots, 'group-chat.png') });
  });

  it('answers in a channel', async () => {
    await page.getByText('General', { exact: true }).first().click();
    await askInChat('headcount by department', /Headcount by department/, true);
    await page.screenshot({ path: path.join(shots, 'channel.png') });
  });
});
