/**
 * `npx tsx bench/chart-cost.ts`: CPU per chart drawn, as the distinct load case draws them (a card
 * image per answer): bars by one breakdown, grouped bars by two, and a line over months — each a
 * different spec (different data), so no cache helps. CPU is the whole process's (the rasteriser
 * runs on libuv's pool), per chart, after a warm-up; split into the SVG and the PNG stage.
 */
import { CARD_SIZE, type ChartInput, chooseChart } from '../charts/choose.ts';
import { renderPng } from '../charts/render.ts';
import type { OutputColumn } from '../semantic-catalog/compile.ts';

const count = Number(process.env.CHARTS ?? 60);
const metric: OutputColumn = {
  name: 'revenue',
  role: 'metric',
  label: 'Revenue',
  format: 'currency',
  metric: 'revenue',
};
const dim = (name: string): OutputColumn => ({
  name,
  role: 'dimension',
  label: name[0]?.toUpperCase() + name.slice(1),
});
const regions = ['EMEA', 'North America', 'APAC', 'LATAM', 'Middle East'];
const channels = ['Online', 'Retail', 'Partner'];

function input(i: number): ChartInput {
  const v = (k: number) => 1000 + ((i * 7919 + k * 104729) % 90000) + i / 7;
  const subtitle = `In ${['January', 'March', 'May', 'July'][i % 4]} ${2024 + (i % 2)}`;
  if (i % 3 === 0)
    return {
      title: 'Revenue by region',
      subtitle,
      fields: [dim('region'), metric],
      rows: regions.map((r, k) => [r, v(k)]),
    };
  if (i % 3 === 1)
    return {
      title: 'Revenue by region and channel',
      subtitle,
      fields: [dim('region'), dim('channel'), metric],
      rows: regions.flatMap((r, k) => channels.map((c, j) => [r, c, v(k * 3 + j)])),
    };
  const months = Array.from({ length: 12 }, (_, m) => `2025-${String(m + 1).padStart(2, '0')}-01`);
  return {
    title: 'Revenue by month',
    subtitle,
    fields: [{ name: 'month', role: 'time', label: 'month' }, metric],
    rows: months.map((m, k) => [m, v(k)]),
  };
}

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const specs = Array.from({ length: count + 10 }, (_, i) => chooseChart(input(i), CARD_SIZE)?.spec);
for (const spec of specs.slice(0, 10)) if (spec) await renderPng(spec);
let svgMs = 0;
let pngMs = 0;
let bytes = 0;
const started = cpu();
const wall = performance.now();
for (const spec of specs.slice(10)) {
  if (!spec) throw new Error('no chart');
  const r = await renderPng(spec);
  svgMs += r.svgMs;
  pngMs += r.pngMs;
  bytes += r.png.length;
}
const used = cpu() - started;
console.log(
  `${count} card charts one after another: CPU ${(used / count).toFixed(1)} ms a chart (wall ${((performance.now() - wall) / count).toFixed(1)} ms; svg ${(svgMs / count).toFixed(1)} ms, png ${(pngMs / count).toFixed(1)} ms wall), ${Math.round(bytes / count / 1000)} KB a PNG`,
);
