/**
 * What Tally says first, composed: the alert and digest definitions beside the catalog, the chat
 * subscriptions in the app database, and one `run(job)` the scheduler (or the CLI) calls. Runs
 * post through proactive.post; the deliveries table keeps each post to one per place and period.
 */
import { runAlert } from '../alerts/run.ts';
import type { Subscription } from '../app-db/app-db.ts';
import type { DigestDefinition } from '../digests/definitions.ts';
import { type DigestDeps, runDigest } from '../digests/digest.ts';
import { type Post, type PostTarget, recipients, targetKey } from '../scheduler/deliver.ts';
import { type JobData, type JobSpec, queueFor, Scheduler } from '../scheduler/scheduler.ts';
import { resolveAccess, type UserAccess } from '../semantic-catalog/access.ts';
import { ask } from '../skills/ask.ts';
import { createProactive } from './proactive.ts';
import { askDeps, type Definitions, presentDeps, type Runtime, renderChart } from './runtime.ts';

/** Alerts read a year of days per series: more rows than an answer may show. */
export function warehouseAccess(runtime: Runtime) {
  return {
    catalog: runtime.catalog,
    // An alert goes to a channel: it reads what someone in no group may see, never more.
    executor: runtime.executor.withAccess(resolveAccess(runtime.catalog, {})),
    maxRows: Math.max(runtime.config.MAX_QUERY_ROWS, 100_000),
  };
}

/** A digest computed with one audience's access; without one, the catalog's default for someone in no group. */
export function digestDeps(runtime: Runtime, access?: UserAccess): DigestDeps {
  const deps = { ...askDeps(runtime), access: access ?? resolveAccess(runtime.catalog, {}) };
  return {
    query: deps,
    present: presentDeps(runtime),
    ask: (question) => ask(deps, { text: question, channel: 'digest', access: deps.access }),
  };
}

/** The access a subscription gives its channel (the subscriber's groups when subscribing). */
export function subscriptionAccess(runtime: Runtime, subscription?: Subscription): UserAccess {
  return subscription?.access
    ? { groups: subscription.access, user: {} }
    : resolveAccess(runtime.catalog, {});
}

/** A digest's recipients grouped by the access each place's subscription gives it. */
export async function digestAudiences(
  runtime: Runtime,
  digest: DigestDefinition,
  options: { withDigestSubscriptions: boolean },
): Promise<{ access: UserAccess; targets: PostTarget[] }[]> {
  const targets = await digestTargets(runtime, digest, options);
  const subscriptions = await runtime.appDb.subscriptions({
    topics: [digest.name, ...(digest.audience ? [digest.audience.target] : [])],
  });
  const byAccess = new Map<string, { access: UserAccess; targets: PostTarget[] }>();
  for (const target of targets) {
    const subscription = subscriptions.find((s) => s.targetKey === targetKey(target) && s.access);
    const access = subscriptionAccess(runtime, subscription);
    const key = access.groups.join(',');
    const audience = byAccess.get(key) ?? { access, targets: [] };
    audience.targets.push(target);
    byAccess.set(key, audience);
  }
  return [...byAccess.values()];
}

export function alertDeps(runtime: Runtime, post?: Post) {
  return {
    access: warehouseAccess(runtime),
    appDb: runtime.appDb,
    store: runtime.store,
    render: renderChart,
    post,
  };
}

/** The schedules the definitions on disk ask for. */
export function definitionSpecs(definitions: Definitions): JobSpec[] {
  const specs: JobSpec[] = [];
  for (const alert of definitions.alerts) {
    const data: JobData = { kind: 'alert', name: alert.name };
    specs.push({ queue: queueFor(data), cron: alert.schedule, timezone: alert.timezone, data });
  }
  // A digest with an audience posts on its own schedule; without one it only runs for subscribers.
  for (const digest of definitions.digests.filter((d) => d.audience)) {
    const data: JobData = { kind: 'digest', name: digest.name };
    specs.push({ queue: queueFor(data), cron: digest.schedule, timezone: digest.timezone, data });
  }
  return specs;
}

/** The schedules chat subscriptions ask for (each digest subscription on its own cron). */
export async function subscriptionSpecs(runtime: Runtime): Promise<JobSpec[]> {
  const { definitions } = runtime;
  return (await runtime.appDb.subscriptions())
    .filter((s) => s.kind === 'digest')
    .map((s) =>
      subscriptionSpec(
        s,
        definitions.digests.find((d) => d.name === s.topic),
      ),
    );
}

export function subscriptionSpec(s: Subscription, digest?: DigestDefinition): JobSpec {
  const data: JobData = { kind: 'subscription', id: s.id };
  return {
    queue: queueFor(data),
    cron: s.schedule ?? digest?.schedule ?? '0 8 * * 1',
    timezone: s.timezone ?? digest?.timezone ?? 'UTC',
    data,
  };
}

/**
 * Starts the scheduler on the app database: the definitions' schedules replace the old ones,
 * every digest subscription is scheduled, and subscriptions made in chat are scheduled at once.
 */
export async function startScheduler(runtime: Runtime, post: Post): Promise<Scheduler> {
  const scheduler: Scheduler = new Scheduler({
    connectionString: runtime.appDb.connectionString,
    log: runtime.log,
    run: async (data, job) => {
      const result = await runJob(runtime, post, data).catch((error: Error) => {
        runtime.metrics?.delivery(data.kind, 'failed');
        throw error;
      });
      runtime.metrics?.delivery(data.kind, result.status);
      // A subscription removed while this replica was down leaves its schedule behind.
      if (result.status === 'unsubscribed') await scheduler.unschedule(job.queue);
      return result;
    },
  });
  await scheduler.start();
  await scheduler.sync([...definitionSpecs(runtime.definitions), ...(await subscriptionSpecs(runtime))]);
  runtime.scheduler = {
    changed: async ({ added, removed }) => {
      for (const s of removed) if (s.kind === 'digest') await scheduler.unschedule(subscriptionSpec(s).queue);
      if (added?.kind === 'digest')
        await scheduler.schedule(
          subscriptionSpec(
            added,
            runtime.definitions.digests.find((d) => d.name === added.topic),
          ),
        );
    },
  };
  return scheduler;
}

/** Posting through Teams and Slack, whichever are configured; their SDKs load with the first post. */
export function createPoster(runtime: Runtime): Post {
  let proactive: Promise<ReturnType<typeof createProactive>> | undefined;
  const doors = async () => {
    const { createSlackBot, slackEnabled } = await import('./slack/slack-bot.ts');
    const { createTeamsBot } = await import('./teams/teams-bot.ts');
    const slack = slackEnabled(runtime.config) ? createSlackBot(runtime) : undefined;
    return createProactive({ teams: createTeamsBot(runtime), slack });
  };
  return async (target, reply) => {
    proactive ??= doors();
    return (await proactive).post(target, reply);
  };
}

/**
 * Who a digest reaches: its audience (directly, or everyone subscribed to the audience name) and,
 * when run by hand, also every subscription to the digest itself — scheduled runs leave those to
 * the subscriptions' own schedules.
 */
export async function digestTargets(
  runtime: Runtime,
  digest: DigestDefinition,
  options: { withDigestSubscriptions: boolean },
): Promise<PostTarget[]> {
  const subscribers = await runtime.appDb.subscriptions({
    topics: [digest.name, ...(digest.audience ? [digest.audience.target] : [])],
  });
  return recipients(
    digest.audience,
    subscribers.filter((s) =>
      s.topic === digest.name
        ? options.withDigestSubscriptions && s.kind === 'digest'
        : s.kind === 'audience',
    ),
  );
}

/** Runs one scheduled job for the clock's today; the result says what happened, for the log. */
export async function runJob(
  runtime: Runtime,
  post: Post,
  data: JobData,
): Promise<{ status: string; posted?: number; period?: string }> {
  const { definitions } = runtime;
  const today = runtime.today();
  const digestRun = async (
    digest: DigestDefinition,
    audiences: { access: UserAccess; targets: PostTarget[] }[],
  ) => {
    let posted = 0;
    let period = '';
    for (const { access, targets } of audiences) {
      const run = await runDigest(
        { ...digestDeps(runtime, access), appDb: runtime.appDb, post },
        digest,
        today,
        targets,
      );
      posted += run.delivery?.posted.length ?? 0;
      period = run.period.key;
    }
    return { status: 'ran', posted, period };
  };
  if (data.kind === 'alert') {
    const alert = definitions.alerts.find((a) => a.name === data.name);
    if (!alert) return { status: 'unknown-alert' };
    const run = await runAlert(alertDeps(runtime, post), alert, today);
    return { status: run.status, posted: run.delivery?.posted.length ?? 0, period: run.day };
  }
  if (data.kind === 'digest') {
    const digest = definitions.digests.find((d) => d.name === data.name);
    if (!digest?.audience) return { status: 'unknown-digest' };
    const audiences = await digestAudiences(runtime, digest, { withDigestSubscriptions: false });
    return audiences.length === 0 ? { status: 'no-recipients' } : digestRun(digest, audiences);
  }
  const subscription = await runtime.appDb.subscription(data.id);
  const digest = subscription && definitions.digests.find((d) => d.name === subscription.topic);
  if (!subscription || !digest) return { status: 'unsubscribed' };
  return digestRun(digest, [
    { access: subscriptionAccess(runtime, subscription), targets: [subscription.target] },
  ]);
}
