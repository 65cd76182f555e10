/**
 * Identical charts are drawn once (issue 17): rendering is the largest stage of an answer, and the
 * same question asked again (a team asking "revenue by region last quarter" all morning, a burst
 * of the same question) gives the same spec, so the same PNG. Keyed by the whole spec (data,
 * title, size), most recent first, bounded by count; a render in flight is shared, and a failed
 * one is forgotten so the next ask tries again.
 *
 * Renders also wait their turn, a few at a time, first come first served: 200 charts drawn all at
 * once interleave, and every answer waits for nearly all of them (p50 ≈ p95 ≈ the whole burst).
 */
import type { RenderedChart } from './render.ts';

export const CHART_CACHE_ENTRIES = 200;
/** Renders at once: two rasterise on the thread pool while the next one's SVG is drawn. */
export const RENDERS_AT_ONCE = 3;

export function cachedRenderer<Spec>(
  render: (spec: Spec) => Promise<RenderedChart>,
  entries = CHART_CACHE_ENTRIES,
): (spec: Spec) => Promise<RenderedChart> {
  const cache = new Map<string, Promise<RenderedChart>>();
  const inTurn = queue(RENDERS_AT_ONCE);
  return (spec) => {
    const key = JSON.stringify(spec);
    const found = cache.get(key);
    if (found) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      cache.delete(key);
      cache.set(key, found);
      return found;
    }
    const rendered = inTurn(() => render(spec));
    cache.set(key, rendered);
    rendered.catch(() => cache.delete(key));
    while (cache.size > entries) cache.delete(cache.keys().next().value as string);
    return rendered;
  };
}

/** Runs at most `size` tasks at once, the rest in the order they came. */
function queue(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
