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
  /** `spec` is the full-size chart's; `card` the one a chat card shows at its own size, drawn. */
  chart?: ChartChoice & { card: { spec: ChartChoice['spec']; png: Buffer } };
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
      // One image drawn per answer: the card's. The full-size one behind its link is drawn when
      // first opened where the store can (charts/store.ts), now where it can't.
      const store = deps.store;
      const [card, fullUrl] = await Promise.all([
        deps.render(cardChoice.spec),
        store.putLater
          ? store.putLater(choice.spec)
          : deps.render(choice.spec).then((full) => store.put('chart', full.png)),
      ]);
      chart = { ...choice, card: { spec: cardChoice.spec, png: card.png } };
      chartAsset = { url: await store.put('chart', card.png), fullUrl, alt: choice.alt, title };
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
