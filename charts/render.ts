/**
 * vega-lite spec → vega → SVG → PNG at 2×, with fonts shipped in a package (DejaVu Sans), so the
 * image is the same on every machine: resvg draws no text at all without font files.
 */
import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_FONT } from './frame.ts';

const require = createRequire(import.meta.url);
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
);

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
  const rendered = await renderAsync(svg, {
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: CHART_FONT },
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
