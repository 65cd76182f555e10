/**
 * Issue 17, load: an answer drew two chart images, the card's and the full-size one behind its
 * link, and drawing was the largest cost of an answer. Now the full-size image is drawn when its
 * URL is first fetched, over HTTP through the store's own route, with the real renderer: the card
 * still carries its image, the link serves the full-size PNG on the first fetch and the same bytes
 * after, a burst of first fetches draws it once, and an expired link is 404 like any asset. The same
 * bytes stored twice get one URL (charts/store-reuse.ts), while they have more than half their life.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../adaptive-cards/teams-card.ts';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { renderPng } from '../charts/render.ts';
import { DiskAssetStore } from '../charts/store.ts';
import { reusingStore } from '../charts/store-reuse.ts';
import { ask } from '../skills/ask.ts';
import { present } from '../skills/present.ts';
import { pngSize } from './chart-svg.ts';
import { testRuntime } from './helpers.ts';

let runtime: Runtime;
let dir: string;
let server: Server;
let base: string;
let clock = Date.now();
let draws = 0;
let store: DiskAssetStore;

beforeAll(async () => {
  runtime = await testRuntime();
  dir = await mkdtemp(path.join(tmpdir(), 'tally-chart-later-'));
  const app = express();
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  store = new DiskAssetStore(
    dir,
    base,
    3600,
    () => clock,
    async (spec) => {
      draws++;
      return (await renderPng(spec as Parameters<typeof renderPng>[0])).png;
    },
  );
  app.use(store.router());
});
afterAll(async () => {
  server?.close();
  await runtime?.close();
  await rm(dir, { recursive: true, force: true });
});

async function cardImage(question: string) {
  const answer = await ask(askDeps(runtime), { text: question, channel: 'test' });
  expect(answer.status, answer.message ?? answer.summary).toBe('answer');
  const { reply } = await present(
    { catalog: runtime.catalog, store, render: renderPng, log: runtime.log },
    answer,
  );
  const card = renderAdaptiveCard(reply) as { body: Record<string, unknown>[] };
  return card.body.find((e) => e.type === 'Image') as { url: string; selectAction: { url: string } };
}

const charts = async () => (await readdir(path.join(dir, 'charts'))).sort();
const fetched = async (url: string) => {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  };
};

describe('the full-size chart, drawn on first fetch', () => {
  it('the card image is drawn now; the full-size one is a kept spec until its link is opened', async () => {
    draws = 0;
    const image = await cardImage('revenue by region last quarter');
    const card = await fetched(image.url);
    expect(card.status).toBe(200);
    expect(pngSize(card.body).width).toBe(1080);
    const fullId = new URL(image.selectAction.url).pathname.split('/').pop()?.replace('.png', '') as string;
    expect(await charts()).toContain(`${fullId}.spec.json`);
    expect(await charts()).not.toContain(`${fullId}.png`);
    expect(draws).toBe(0);

    const first = await fetched(image.selectAction.url);
    expect(first.status).toBe(200);
    expect(first.type).toBe('image/png');
    expect(pngSize(first.body).width).toBeGreaterThan(1080);
    expect(draws).toBe(1);
    expect(await charts()).toContain(`${fullId}.png`);
    expect(await charts()).not.toContain(`${fullId}.spec.json`);
    const again = await fetched(image.selectAction.url);
    expect(again.body).toEqual(first.body);
    expect(draws).toBe(1);
  });

  it('a burst of first fetches draws the chart once, and every one gets the whole PNG', async () => {
    draws = 0;
    const image = await cardImage('revenue by channel last year');
    const all = await Promise.all(Array.from({ length: 8 }, () => fetched(image.selectAction.url)));
    expect(draws).toBe(1);
    for (const one of all) {
      expect(one.status).toBe(200);
      expect(one.body).toEqual(all[0]?.body);
    }
  });

  it('an expired link is 404, drawn or not, and the sweep removes what it kept', async () => {
    const drawn = await cardImage('revenue by segment last year');
    await fetched(drawn.selectAction.url);
    const kept = await cardImage('orders by region last year');
    clock += 7200_000;
    try {
      expect((await fetched(drawn.selectAction.url)).status).toBe(404);
      expect((await fetched(kept.selectAction.url)).status).toBe(404);
      const before = draws;
      expect(await store.sweep()).toBeGreaterThanOrEqual(4);
      expect(draws).toBe(before);
      expect(await charts()).toEqual([]);
    } finally {
      clock -= 7200_000;
    }
  });

  it('a malformed or unknown id is 404 and draws nothing', async () => {
    const before = draws;
    expect((await fetched(`${base}/charts/${'B'.repeat(22)}.png`)).status).toBe(404);
    expect((await fetched(`${base}/charts/${'B'.repeat(22)}.spec.json`)).status).toBe(404);
    expect(draws).toBe(before);
  });

  it('with no server behind its URLs (a CLI run), the full-size chart is drawn at once', async () => {
    const fileDir = await mkdtemp(path.join(tmpdir(), 'tally-chart-later-file-'));
    try {
      const local = new DiskAssetStore(fileDir, `file://${fileDir}`, 3600, Date.now, async () =>
        Buffer.from('89504e470d0a1a0a', 'hex'),
      );
      const url = (await local.putLater?.({ mark: 'bar' })) as string;
      expect(await readdir(path.join(fileDir, 'charts'))).toEqual([path.basename(url)]);
    } finally {
      await rm(fileDir, { recursive: true, force: true });
    }
  });
});

describe('the same bytes stored again', () => {
  it('get the same URL while more than half their life is left, then a new one', async () => {
    let now = 0;
    const puts: string[] = [];
    const inner = {
      put: async (kind: 'chart' | 'export', body: Buffer | string) => {
        puts.push(String(body));
        return `${kind}-${puts.length}`;
      },
    };
    const reusing = reusingStore(inner, 100, () => now);
    expect(await reusing.put('export', 'a,b')).toBe('export-1');
    expect(await reusing.put('export', 'a,b')).toBe('export-1');
    expect(await reusing.put('chart', 'a,b')).toBe('chart-2');
    expect(await reusing.put('export', 'a,c')).toBe('export-3');
    now = 49_000;
    expect(await reusing.put('export', 'a,b')).toBe('export-1');
    now = 51_000;
    expect(await reusing.put('export', 'a,b')).toBe('export-4');
  });

  it('a put that failed is tried again, not remembered', async () => {
    let fail = true;
    const reusing = reusingStore(
      {
        put: async () => {
          if (fail) throw new Error('store down');
          return 'stored';
        },
      },
      100,
    );
    await expect(reusing.put('chart', 'x')).rejects.toThrow('store down');
    fail = false;
    expect(await reusing.put('chart', 'x')).toBe('stored');
  });
});
