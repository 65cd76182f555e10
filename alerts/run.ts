/**
 * Checking an alert for the last closed day and telling its audience: the total and every slice
 * are judged; an anomaly is posted once (the app database remembers what was sent), with the
 * sentence, the band chart and the likely drivers.
 */
import type { AppDb } from '../app-db/app-db.ts';
import type { RenderedChart } from '../charts/render.ts';
import type { AssetStore } from '../charts/store.ts';
import { metricByName } from '../semantic-catalog/catalog.ts';
import { addDays, type IsoDate } from '../semantic-catalog/dates.ts';
import type { Reply } from '../skills/reply.ts';
import { alertReply, anomalyChartSpec, drivers } from './alert-reply.ts';
import { judgeSeries, type WarehouseAccess } from './backtest.ts';
import type { AlertDefinition } from './definitions.ts';
import type { Judgement } from './detector.ts';

export interface AlertRunDeps {
  access: WarehouseAccess;
  appDb: AppDb;
  store: AssetStore;
  render: (spec: ReturnType<typeof anomalyChartSpec>) => Promise<RenderedChart>;
  /** Delivers the reply to the alert's audience; undefined = nobody to tell (dry run). */
  post?: (alert: AlertDefinition, reply: Reply) => Promise<void>;
}

export interface AlertRun {
  day: IsoDate;
  status: 'quiet' | 'posted' | 'already-sent' | 'dry-run';
  reply?: Reply;
}

export async function runAlert(
  deps: AlertRunDeps,
  alert: AlertDefinition,
  today: IsoDate,
): Promise<AlertRun> {
  const day = addDays(today, -1);
  const judged = await judgeSeries(deps.access, alert, day, day);
  const onDay = (series: (Judgement & { flagged: boolean })[] | undefined) =>
    series?.find((j) => j.date === day);
  const total = onDay(judged.get('total'));
  const flaggedSlices = [...judged]
    .filter(([name]) => name !== 'total')
    .map(([slice, series]) => ({ slice, j: onDay(series) }))
    .filter((s) => s.j?.flagged);
  const primary = total?.flagged
    ? total
    : flaggedSlices.sort((a, b) => Math.abs(b.j?.score ?? 0) - Math.abs(a.j?.score ?? 0))[0]?.j;
  if (!primary) return { day, status: 'quiet' };

  const metric = metricByName(deps.access.catalog, alert.metric);
  const label = `${metric?.label ?? alert.metric}${primary === total ? '' : ` (${flaggedSlices[0]?.slice})`}`;
  const recent = (primary === total ? judged.get('total') : judged.get(flaggedSlices[0]?.slice ?? ''))?.slice(
    -30,
  ) ?? [primary];
  const rendered = await deps.render(anomalyChartSpec(label, recent, day));
  const chart = {
    url: await deps.store.put('chart', rendered.png),
    alt: `${label} over the last ${recent.length} days with the expected range; ${day} stands out.`,
    title: label,
  };
  const sliceJudgements = [...judged]
    .filter(([name]) => name !== 'total')
    .flatMap(([slice, series]) => {
      const j = onDay(series);
      return j ? [{ slice, value: j.value, expected: j.expected }] : [];
    });
  const reply = alertReply({
    alert: alert.name,
    label,
    format: metric?.format ?? 'number',
    judgement: primary,
    drivers: total && primary === total ? drivers(total, sliceJudgements) : [],
    chart,
  });
  if (!deps.post) return { day, status: 'dry-run', reply };
  // The same anomaly is never alerted twice, whichever replica or rerun gets here first.
  if (!(await deps.appDb.claimAlert(alert.name, day))) return { day, status: 'already-sent', reply };
  await deps.post(alert, reply);
  return { day, status: 'posted', reply };
}
