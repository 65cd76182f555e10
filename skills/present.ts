/**
 * Presenting an answer: choose and render its chart, store the chart and the CSV, and build the
 * channel-neutral Reply. The renderer and the store are passed in (I/O at the edge).
 */
import { CARD_SIZE, type ChartChoice, type ChartInput, chooseChart } from '../charts/choose.ts';
import type { RenderedChart } from '../charts/render.ts';
import type { AssetStore } from '../charts/store.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Answer } from './answer.ts';
import { buildReply, type Reply, type ReplyAssets, toCsv, type Unavailable } from './reply.ts';

export interface PresentDeps {
  catalog: Catalog;
  store: AssetStore;
  render: (spec: ChartChoice['spec']) => Promise<RenderedChart>;
  log: { error: (obj: object, msg?: string) => void };
}

export interface Presentation {
  reply: Reply;
  /** `png` is the full-size image; `card` the one a chat card shows at its own size. */
  chart?: ChartChoice & { png: Buffer; card: { spec: ChartChoice['spec']; png: Buffer } };
}

export function chartTitle(answer: Answer): string {
  const fields = answer.fields ?? [];
  const metric = fields.find((f) => f.role === 'metric');
  const keys = fields
    .filter((f) => f.role === 'time' || f.role === 'dimension')
    .map((f) => f.label.toLowerCase());
  return metric ? `${metric.label}${keys.length ? ` by ${keys.join(' and ')}` : ''}` : answer.question;
}

export async function present(deps: PresentDeps, answer: Answer): Promise<Presentation> {
  const higherIsBetter = (metric: string) =>
    deps.catalog.metrics.find((m) => m.name === metric)?.higher_is_better ?? true;
  if (answer.status !== 'answer' || answer.rows.length === 0)
    return { reply: buildReply(answer, {}, higherIsBetter) };
  const title = chartTitle(answer);
  const input: ChartInput = {
    title,
    subtitle: answer.explanation?.time,
    fields: answer.fields ?? [],
    rows: answer.rows,
    period: answer.period,
  };
  const choice = chooseChart(input);
  const cardChoice = chooseChart(input, CARD_SIZE);
  let chart: Presentation['chart'];
  let chartAsset: ReplyAssets['chart'];
  const unavailable: Unavailable[] = [];
  // A chart or export that can't be drawn or stored must not cost the person their answer, but the
  // reply says what is missing rather than leaving it out silently.
  try {
    if (choice && cardChoice) {
      // Side by side: rasterising runs off the event loop (charts/render.ts), one image per thread.
      const [full, card] = await Promise.all([deps.render(choice.spec), deps.render(cardChoice.spec)]);
      chart = { ...choice, png: full.png, card: { spec: cardChoice.spec, png: card.png } };
      const [url, fullUrl] = await Promise.all([
        deps.store.put('chart', card.png),
        deps.store.put('chart', full.png),
      ]);
      chartAsset = { url, fullUrl, alt: choice.alt, title };
    }
  } catch (error) {
    deps.log.error({ err: (error as Error).message, question: answer.question }, 'chart failed');
    unavailable.push('chart');
  }
  const csvUrl = await deps.store.put('export', toCsv(answer)).catch((error: Error) => {
    deps.log.error({ err: error.message, question: answer.question }, 'CSV export failed');
    unavailable.push('export');
    return undefined;
  });
  return {
    reply: buildReply(answer, { chart: chartAsset, csvUrl, unavailable }, higherIsBetter),
    chart,
  };
}
