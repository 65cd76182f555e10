/**
 * A digest: the closed period's KPIs, each with its change vs the period before, a small chart of
 * the last periods, and the answers to the definition's questions — built through the same
 * compiler, gate and read-only executor as any question, then posted once per place and period.
 */
import type { AppDb, Delivery } from '../app-db/app-db.ts';
import {
  DeliveryError,
  type DeliveryReport,
  deliver,
  type Post,
  type PostTarget,
} from '../scheduler/deliver.ts';
import { metricByName } from '../semantic-catalog/catalog.ts';
import { addPeriods, formatDay, type IsoDate, monthName, startOf } from '../semantic-catalog/dates.ts';
import type { TimeRange } from '../semantic-catalog/query.ts';
import { queryAccessNote, withAccess } from '../skills/access-scope.ts';
import type { Answer } from '../skills/answer.ts';
import { type AskDeps, answerQuery } from '../skills/ask.ts';
import { type PresentDeps, present } from '../skills/present.ts';
import { buildReply, type Reply } from '../skills/reply.ts';
import type { DigestDefinition } from './definitions.ts';

export interface DigestDeps {
  query: Pick<AskDeps, 'catalog' | 'executor' | 'maxRows' | 'log' | 'access'>;
  present: PresentDeps;
  /** Asks one of the definition's questions as a person would (the full understanding pipeline). */
  ask: (question: string) => Promise<Answer>;
}

export interface DigestPeriod extends TimeRange {
  previous: TimeRange;
  /** Identifies the period for de-duplication: "week:2026-11-09". */
  key: string;
}

/** How many periods the small chart shows. */
const CHART_PERIODS = { day: 14, week: 12, month: 12, quarter: 8 } as const;
const PERIOD_WORDS = { day: 'yesterday', week: 'last week', month: 'last month', quarter: 'last quarter' };

/** The last closed period before today, and the one before it. */
export function digestPeriod(period: DigestDefinition['period'], today: IsoDate): DigestPeriod {
  const to = startOf(period, today);
  const from = addPeriods(period, to, -1);
  const before = addPeriods(period, from, -1);
  return {
    from,
    to,
    label: periodLabel(period, from),
    previous: { from: before, to: from, label: periodLabel(period, before) },
    key: `${period}:${from}`,
  };
}

function periodLabel(period: DigestDefinition['period'], from: IsoDate): string {
  const [year, month] = from.split('-').map(Number) as [number, number];
  switch (period) {
    case 'day':
      return formatDay(from);
    case 'week':
      return `the week of ${formatDay(from)}`;
    case 'month':
      return `${monthName(month)} ${year}`;
    case 'quarter':
      return `Q${Math.floor((month - 1) / 3) + 1} ${year}`;
  }
}

export async function buildDigest(
  deps: DigestDeps,
  digest: DigestDefinition,
  today: IsoDate,
): Promise<Reply> {
  const { catalog } = deps.query;
  const period = digestPeriod(digest.period, today);
  const kpiAnswer = await answerQuery(
    deps.query,
    `${digest.title}: ${digest.kpis.join(', ')} ${PERIOD_WORDS[digest.period]} vs the period before`,
    {
      metrics: digest.kpis,
      dimensions: [],
      filters: [],
      time: period,
      compare: { kind: 'previous_period', range: period.previous },
    },
    today,
  );
  if (kpiAnswer.status !== 'answer') {
    deps.query.log.error({ digest: digest.name, message: kpiAnswer.message }, 'digest KPIs failed');
    return buildReply({
      ...kpiAnswer,
      message: `${digest.title}: ${kpiAnswer.message ?? kpiAnswer.summary}`,
    });
  }
  const higherIsBetter = (name: string) => metricByName(catalog, name)?.higher_is_better ?? true;
  const kpis = buildReply(kpiAnswer, {}, higherIsBetter).kpis;

  const chartMetric = digest.chart ?? (digest.kpis[0] as string);
  const chartAnswer = await answerQuery(
    deps.query,
    `${chartMetric} by ${digest.period}`,
    {
      metrics: [chartMetric],
      dimensions: [],
      filters: [],
      grain: digest.period,
      time: {
        from: addPeriods(digest.period, period.to, -CHART_PERIODS[digest.period]),
        to: period.to,
        label: `the last ${CHART_PERIODS[digest.period]} ${digest.period}s`,
      },
    },
    today,
  );
  const chart = (await present(deps.present, chartAnswer)).reply.chart;

  const answers = await Promise.all(digest.questions.map((question) => deps.ask(question)));
  const headline = kpis.map(
    (k) => `${k.label} ${k.value}${k.delta ? ` (${k.delta.replace(/ \(was .*\)$/, '')})` : ''}`,
  );
  return {
    status: 'answer',
    question: `digest ${digest.name} ${period.key}`,
    summary: `${digest.title} for ${period.label}: ${headline.join('; ')}.`,
    kpis,
    chart,
    context: [
      `Compared with ${period.previous.label}.`,
      // The channel's access may leave rows out: the digest says so, as an answer does.
      ...[
        queryAccessNote(withAccess(deps.query), { metrics: digest.kpis, dimensions: [], filters: [] }),
      ].filter((note): note is string => !!note),
      ...answers.map(
        (a, i) => `${digest.questions[i]} — ${a.status === 'answer' ? a.summary : (a.message ?? a.summary)}`,
      ),
    ],
    choices: [],
    actions: [
      ...digest.questions.map((question) => ({ type: 'ask' as const, label: question, question })),
      {
        type: 'ask',
        label: `${metricByName(catalog, chartMetric)?.label ?? chartMetric} by day ${PERIOD_WORDS[digest.period]}`,
        question: `${metricByName(catalog, chartMetric)?.label ?? chartMetric} by day ${PERIOD_WORDS[digest.period]}`,
      },
    ],
  };
}

export interface DigestRun {
  period: DigestPeriod;
  reply: Reply;
  delivery?: DeliveryReport;
}

/** Builds the digest and posts it to each target once for its period (claims in the app database). */
export async function runDigest(
  deps: DigestDeps & { appDb: AppDb; post?: Post },
  digest: DigestDefinition,
  today: IsoDate,
  targets: PostTarget[],
): Promise<DigestRun> {
  const period = digestPeriod(digest.period, today);
  const what: Omit<Delivery, 'target'> = { kind: 'digest', name: digest.name, period: period.key };
  const reply = await buildDigest(deps, digest, today);
  if (!deps.post || targets.length === 0) return { period, reply };
  const delivery = await deliver(deps.appDb, deps.post, what, targets, reply);
  if (delivery.failed.length > 0)
    throw new DeliveryError(
      `${digest.name}: could not post to ${delivery.failed.map((f) => `${f.target} (${f.error})`).join(', ')}`,
    );
  return { period, reply, delivery };
}
