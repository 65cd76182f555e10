/**
 * Checking an alert for the last closed day and telling its audience: the total and every slice
 * are judged (with the sensitivity people's feedback left it at; nothing while snoozed); an
 * anomaly is posted once to each recipient — the definition's own target and everyone subscribed
 * to the alert or its audience — with the sentence, the band chart, the likely drivers and the
 * Acknowledge / Snooze / Not an anomaly buttons.
 */
import type { AppDb } from '../app-db/app-db.ts';
import type { RenderedChart } from '../charts/render.ts';
import type { AssetStore } from '../charts/store.ts';
import { DeliveryError, type DeliveryReport, deliver, type Post, recipients } from '../scheduler/deliver.ts';
import { metricByName } from '../semantic-catalog/catalog.ts';
import { addDays, type IsoDate } from '../semantic-catalog/dates.ts';
import type { Reply } from '../skills/reply.ts';
import { alertActions, sensitivityFrom } from './actions.ts';
import { alertReply, anomalyChartSpec, drivers } from './alert-reply.ts';
import { judgeSeries, type WarehouseAccess } from './backtest.ts';
import type { AlertDefinition } from './definitions.ts';
import type { Judgement } from './detector.ts';

export interface AlertRunDeps {
  access: WarehouseAccess;
  appDb: AppDb;
  store: AssetStore;
  render: (spec: ReturnType<typeof anomalyChartSpec>) => Promise<RenderedChart>;
  /** Posts to one place; undefined = a dry run that posts nothing. */
  post?: Post;
}

export interface AlertRun {
  day: IsoDate;
  status: 'quiet' | 'snoozed' | 'posted' | 'already-sent' | 'no-recipients' | 'dry-run';
  reply?: Reply;
  delivery?: DeliveryReport;
}

export async function runAlert(
  deps: AlertRunDeps,
  alert: AlertDefinition,
  today: IsoDate,
): Promise<AlertRun> {
  const day = addDays(today, -1);
  const state = await deps.appDb.alertState(alert.name);
  if (state.snoozedUntil && state.snoozedUntil > today) return { day, status: 'snoozed' };
  const judged = await judgeSeries(deps.access, alert, day, day, sensitivityFrom(alert, state));
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
  reply.actions = alertActions(alert.name, day);
  if (!deps.post) return { day, status: 'dry-run', reply };
  const subscribers = await deps.appDb.subscriptions({
    topics: [alert.name, ...(alert.audience ? [alert.audience.target] : [])],
  });
  const targets = recipients(
    alert.audience,
    subscribers.filter((s) => s.kind !== 'digest'),
  );
  if (targets.length === 0) return { day, status: 'no-recipients', reply };
  // The same anomaly is never alerted twice to a place, whichever replica or rerun gets here first.
  const delivery = await deliver(
    deps.appDb,
    deps.post,
    { kind: 'alert', name: alert.name, period: day },
    targets,
    reply,
  );
  if (delivery.failed.length > 0)
    throw new DeliveryError(
      `${alert.name}: could not post to ${delivery.failed.map((f) => `${f.target} (${f.error})`).join(', ')}`,
    );
  return { day, status: delivery.posted.length > 0 ? 'posted' : 'already-sent', reply, delivery };
}
