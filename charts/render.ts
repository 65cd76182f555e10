/**
 * vega-lite spec → vega → SVG → PNG at 2×, with fonts shipped in a package (DejaVu Sans), so the
 * image is the same on every machine: resvg draws no text at all without font files.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_FONT } from './frame.ts';

const require = createRequire(import.meta.url);
const FULL_FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
);
/**
 * The same faces cut down to the characters charts nearly always show (charts/fonts/README.md):
 * resvg reads and parses the file of the face it lays each run of text in, several times per
 * label, and the full faces are 0.7 MB each. Same glyphs, metrics and kerning, so the PNG is byte
 * for byte what the full faces drew. Beside this file in the source tree and one folder up from
 * dist/; without them (an image that left them out) the full faces draw the same, more slowly.
 */
const CHART_FONT_FILES = ['DejaVuSans-charts.ttf', 'DejaVuSans-Bold-charts.ttf'].map((f) =>
  path.resolve(import.meta.dirname, '..', 'charts', 'fonts', f),
);
export const FONT_FILES = CHART_FONT_FILES.every((f) => existsSync(f)) ? CHART_FONT_FILES : FULL_FONT_FILES;
/**
 * What the cut-down faces draw (charts/fonts/README.md). An SVG with any other character is drawn
 * with the full faces alone: a label mixing the two would be shaped in two runs, not one.
 */
const IN_CHART_FONTS =
  /^[\t\n\r\u0020-\u007e\u00a0-\u017f\u2010-\u2027\u2030-\u203a\u2044\u20ac\u2122\u2190-\u2193\u2212\u2260\u2264\u2265\u25b2\u25bc\ufffd]*$/;

/** The faces to draw an SVG with: the cut-down ones when they have every character in it. */
export function fontFilesFor(svg: string): string[] {
  // A character reference (&#…;) could name any character: the full faces.
  return IN_CHART_FONTS.test(svg) && !svg.includes('&#') ? FONT_FILES : FULL_FONT_FILES;
}

/**
 * Labels vega hid (overlapping axis labels get opacity 0) taken out of the SVG before it is
 * rasterised: they draw nothing, but resvg lays out the text of each all the same.
 */
export function withoutHiddenText(svg: string): string {
  return svg.replace(/<text(?=[\s>])[^>]*\sopacity="0"[^>]*>.*?<\/text>/g, '');
}

export interface RenderedChart {
  png: Buffer;
  width: number;
  height: number;
  svgMs: number;
  pngMs: number;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // vega-lite's warnings (legend and sort merging of layers) are about its own choices, not errors.
  const view = new vega.View(vega.parse(compile(spec, { logger: vega.logger(vega.Error) }).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderPng(spec: TopLevelSpec): Promise<RenderedChart> {
  const started = performance.now();
  const svg = await renderSvg(spec);
  const svgMs = performance.now() - started;
  // Rasterised on libuv's thread pool, not the event loop: the largest stage of an answer, and
  // while it runs the server keeps understanding, querying and replying to everyone else.
  const drawn = withoutHiddenText(svg);
  const rendered = await renderAsync(drawn, {
    font: { loadSystemFonts: false, fontFiles: fontFilesFor(drawn), defaultFontFamily: CHART_FONT },
    fitTo: { mode: 'zoom', value: 2 },
  });
  const png = rendered.asPng();
  return {
    png,
    width: rendered.width,
    height: rendered.height,
    svgMs,
    pngMs: performance.now() - started - svgMs,
  };
}
