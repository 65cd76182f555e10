/**
 * Issue 17, load: charts are rasterised with DejaVu Sans cut down to the characters charts nearly
 * always show, the full faces behind it (charts/fonts/README.md), and vega's hidden labels left out
 * of the SVG — both only to make drawing cheaper: every PNG must be byte for byte what the full
 * faces drew from the whole SVG, whatever the labels' script.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { CARD_SIZE, type ChartInput, chooseChart, FULL_SIZE } from '../charts/choose.ts';
import { CHART_FONT } from '../charts/frame.ts';
import { FONT_FILES, fontFilesFor, renderPng, renderSvg, withoutHiddenText } from '../charts/render.ts';
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import { region, revenue } from './chart-columns.ts';

const require = createRequire(import.meta.url);
const FULL_FACES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
);
const channel: OutputColumn = { name: 'channel', role: 'dimension', label: 'Channel' };

const LABELS = [
  ['EMEA', 'North America', 'APAC', 'LATAM'],
  ['Zürich', 'São Paulo', 'Kraków', 'Œuvre — “quoted” …'],
  ['Ελλάδα', 'Привет', '大阪', 'x ≥ 5 € ™'],
];

function inputs(): ChartInput[] {
  const days = Array.from({ length: 120 }, (_, i) =>
    new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10),
  );
  return [
    ...LABELS.map((names, n) => ({
      title: `Revenue by region ${names[1]}`,
      subtitle: 'In March 2024',
      fields: [region, revenue],
      rows: names.map((name, i) => [name, 1000 + 3777 * i + n]),
    })),
    {
      title: 'Revenue by region and channel',
      fields: [region, channel, revenue],
      rows: (LABELS[2] as string[]).flatMap((name, i) =>
        ['Online', 'Retail'].map((c, j) => [name, c, 500 + 999 * i + 77 * j]),
      ),
    },
    // A daily line: vega hides most of its candidate axis labels (opacity 0).
    {
      title: 'Revenue by day',
      fields: [{ name: 'day', role: 'time', label: 'day' }, revenue],
      rows: days.map((d, i) => [d, 1000 + ((i * 7919) % 300)]),
    },
  ];
}

describe('chart fonts and hidden labels', () => {
  it('draws with the cut-down faces only what they have every character of', () => {
    expect(FONT_FILES.map((f) => f.split('/').at(-1))).toEqual([
      'DejaVuSans-charts.ttf',
      'DejaVuSans-Bold-charts.ttf',
    ]);
    expect(fontFilesFor('<text>Zürich — “Œuvre” € 1.2k ≥ 5 ▲</text>')).toEqual(FONT_FILES);
    for (const other of ['<text>Привет</text>', '<text>Revenue 大阪</text>', '<text>&#x41F;</text>'])
      expect(fontFilesFor(other)).toEqual(FULL_FACES);
  });

  it('draws every chart byte for byte as the full faces drew the whole SVG, any script', async () => {
    for (const input of inputs())
      for (const size of [CARD_SIZE, FULL_SIZE]) {
        const spec = chooseChart(input, size)?.spec;
        if (!spec) throw new Error('no chart chosen');
        const svg = await renderSvg(spec);
        const before = new Resvg(svg, {
          font: { loadSystemFonts: false, fontFiles: FULL_FACES, defaultFontFamily: CHART_FONT },
          fitTo: { mode: 'zoom', value: 2 },
        })
          .render()
          .asPng();
        expect((await renderPng(spec)).png.equals(before), `${input.title} at ${size.name} size`).toBe(true);
      }
  });

  it('leaves out only the labels vega hid', async () => {
    const texts = (s: string) => s.match(/<text[^>]*>.*?<\/text>/g) ?? [];
    const isHidden = (t: string) => /\sopacity="0"/.test(t.slice(0, t.indexOf('>')));
    const svgs = await Promise.all(
      inputs().flatMap((input) =>
        [CARD_SIZE, FULL_SIZE].map((size) => renderSvg(chooseChart(input, size)?.spec as never)),
      ),
    );
    const svg = svgs.find((s) => texts(s).some(isHidden));
    if (!svg) throw new Error('no chart with hidden labels');
    const hidden = texts(svg).filter(isHidden);
    const kept = texts(withoutHiddenText(svg));
    expect(kept).toEqual(texts(svg).filter((t) => !hidden.includes(t)));
    expect(withoutHiddenText('<text fill-opacity="0" x="1">a</text><text opacity="0.5">b</text>')).toBe(
      '<text fill-opacity="0" x="1">a</text><text opacity="0.5">b</text>',
    );
  });
});
