/**
 * Issue 17, load: chart rendering was the largest stage of an answer, and 200 charts drawn at once
 * interleaved so that every answer waited for nearly all of them. Identical charts are now drawn
 * once, and renders take turns in arrival order — checked with the real renderer.
 */
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { cachedRenderer, RENDERS_AT_ONCE } from '../charts/chart-cache.ts';
import { type RenderedChart, renderPng } from '../charts/render.ts';

const bar = (title: string): TopLevelSpec => ({
  title,
  width: 200,
  height: 100,
  data: {
    values: [
      { region: 'EMEA', revenue: 3 },
      { region: 'APAC', revenue: 5 },
    ],
  },
  mark: 'bar',
  encoding: { x: { field: 'region', type: 'nominal' }, y: { field: 'revenue', type: 'quantitative' } },
});

function counted() {
  const log = { started: [] as string[], finished: [] as string[], running: 0, most: 0 };
  const render = async (spec: TopLevelSpec): Promise<RenderedChart> => {
    log.started.push(String(spec.title));
    log.most = Math.max(log.most, ++log.running);
    try {
      return await renderPng(spec);
    } finally {
      log.running--;
      log.finished.push(String(spec.title));
    }
  };
  return { log, render };
}

describe('the chart cache', () => {
  it('draws an identical chart once, even asked for at the same moment', async () => {
    const { log, render } = counted();
    const cached = cachedRenderer(render);
    const [a, b] = await Promise.all([cached(bar('Revenue')), cached(bar('Revenue'))]);
    const c = await cached(bar('Revenue'));
    expect(log.started).toEqual(['Revenue']);
    expect(b.png.equals(a.png) && c.png.equals(a.png)).toBe(true);
    expect(a.png.subarray(1, 4).toString()).toBe('PNG');
    await cached(bar('Orders'));
    expect(log.started).toEqual(['Revenue', 'Orders']);
  });

  it('forgets the oldest chart past its size, and a failed render', async () => {
    const { log, render } = counted();
    const cached = cachedRenderer(render, 2);
    for (const title of ['A', 'B', 'C', 'A']) await cached(bar(title));
    expect(log.started).toEqual(['A', 'B', 'C', 'A']);
    let fail = true;
    const flaky = cachedRenderer(async (spec: TopLevelSpec) => {
      if (fail) throw new Error('resvg failed');
      return renderPng(spec);
    });
    await expect(flaky(bar('X'))).rejects.toThrow('resvg failed');
    fail = false;
    await expect(flaky(bar('X'))).resolves.toHaveProperty('png');
  });

  it('renders a few at a time, first come first served', async () => {
    const { log, render } = counted();
    const cached = cachedRenderer(render);
    const titles = Array.from({ length: 10 }, (_, i) => `chart ${i}`);
    await Promise.all(titles.map((t) => cached(bar(t))));
    expect(log.most).toBeLessThanOrEqual(RENDERS_AT_ONCE);
    expect(log.started).toEqual(titles);
  });
});
