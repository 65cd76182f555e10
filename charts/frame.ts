/**
 * What every chart shares (schema, title, look, inline data) and the two sizes it is drawn at:
 *   full → the image behind the link (and `tally ask --chart`): a 640 px plot.
 *   card → what a Teams card shows: 540 px wide in all, drawn at 2× (1,080 px), with 16 px text:
 *          the Agents Playground shows card images 414 px wide, where that text is still 12 px.
 *          Shrinking the full image into the card made its 12 px labels 8 px.
 */
export const CHART_FONT = 'DejaVu Sans';

export interface ChartSize {
  name: 'full' | 'card';
  /** Plot width, or the whole image's width when `fit`. */
  width: number;
  fit: boolean;
  height: number;
  /** Axis and legend labels, value labels, axis titles. */
  font: number;
  titleFont: number;
  /** Longest category label on a bar chart, in px. */
  labelLimit: number;
}

export const FULL_SIZE: ChartSize = {
  name: 'full',
  width: 640,
  fit: false,
  height: 320,
  font: 12,
  titleFont: 18,
  labelLimit: 320,
};

export const CARD_WIDTH = 540;

export const CARD_SIZE: ChartSize = {
  name: 'card',
  width: CARD_WIDTH,
  fit: true,
  height: 300,
  font: 16,
  titleFont: 20,
  labelLimit: 200,
};

export const PALETTE = [
  '#2563eb',
  '#f97316',
  '#16a34a',
  '#9333ea',
  '#dc2626',
  '#0891b2',
  '#ca8a04',
  '#db2777',
];

function config(size: ChartSize) {
  return {
    font: CHART_FONT,
    background: 'white',
    padding: size.fit ? 12 : 16,
    title: {
      fontSize: size.titleFont,
      fontWeight: 'bold',
      anchor: 'start',
      subtitleFontSize: size.font,
      subtitleColor: '#555',
      offset: 12,
    },
    axis: {
      labelFontSize: size.font,
      titleFontSize: size.font,
      titleFontWeight: 'normal',
      gridColor: '#e5e7eb',
      domainColor: '#9ca3af',
    },
    legend: {
      labelFontSize: size.font,
      titleFontSize: size.font,
      orient: 'bottom',
      labelLimit: size.labelLimit + 140,
      symbolStrokeWidth: 2.5,
      // In a row, a fourth region ran off the card; in a grid every entry stays in the image.
      columns: size.fit ? 2 : 4,
    },
    view: { stroke: null },
  } as const;
}

export function frame(
  size: ChartSize,
  title: { text: string; subtitle?: string },
  values: object[],
  height: number | { step: number } = size.height,
) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: size.width,
    height,
    ...(size.fit ? { autosize: { type: 'fit-x', contains: 'padding' } as const } : {}),
    config: config(size),
    data: { values },
  };
}
