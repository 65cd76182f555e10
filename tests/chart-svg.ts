/** Reading a rendered chart back: the texts a person sees in vega's SVG, and a PNG's size from its header. */
import { expect } from 'vitest';

/** Visible texts (vega hides overlapping labels with opacity 0), a two-line label joined by a space. */
function visibleTexts(fragment: string): string[] {
  return [...fragment.matchAll(/<text([^>]*)>(.*?)<\/text>/g)]
    .filter(([, attributes]) => !/opacity="0"/.test(attributes ?? ''))
    .map(([, , inner]) =>
      (inner ?? '')
        .replace(/<\/tspan><tspan[^>]*>/g, ' ')
        .replace(/<[^>]+>/g, '')
        .replaceAll('&amp;', '&'),
    );
}

/** Labels of the x or y axis, in drawing order. */
export function axisLabels(svg: string, axis: 'X' | 'Y'): string[] {
  const start = svg.search(new RegExp(`aria-label="${axis}-axis`));
  expect(start, `${axis} axis drawn`).toBeGreaterThanOrEqual(0);
  const group = svg.slice(start).match(/<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/);
  return visibleTexts(group?.[1] ?? '');
}

export function legendLabels(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-text role-legend-label"[^>]*>(.*?)<\/g>/g)].flatMap(([, inner]) =>
    visibleTexts(inner ?? ''),
  );
}

/** Text marks drawn on the data (value labels at the end of bars). */
export function valueLabels(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-text role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].flatMap(([, inner]) =>
    visibleTexts(inner ?? ''),
  );
}

export function fontSizes(svg: string): number[] {
  return [...svg.matchAll(/font-size="([\d.]+)px"/g)].map(([, size]) => Number(size));
}

/** Width and height from the IHDR chunk, which follows the 8-byte signature. */
export function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
