/**
 * Subscriptions in chat: "subscribe this channel to the weekly finance digest every Monday 8:00
 * Europe/London", "subscribe this channel to finance alerts", "unsubscribe [from …]", "list
 * subscriptions". The place is where the message was said; topics are the digests, the alerts and
 * the audience names of the definitions beside the catalog — never free text.
 */
import type { AppDb, Subscription } from '../app-db/app-db.ts';
import { describeCron, nextRun, parseSchedule, ScheduleError } from '../scheduler/cron.ts';
import { literalTarget, type PostTarget, targetKey } from '../scheduler/deliver.ts';
import { emptyAnswer } from './answer.ts';
import { buildReply, type Reply } from './reply.ts';

interface Definition {
  name: string;
  schedule: string;
  timezone: string;
  audience?: { channel: 'teams' | 'slack'; target: string };
}

export interface SubscriptionDeps {
  appDb: AppDb;
  digests: (Definition & { title: string })[];
  alerts: (Definition & { description: string })[];
  /** Schedules a new digest subscription at once (absent: it is scheduled at the next start). */
  onChange?: (change: { added?: Subscription; removed: Subscription[] }) => Promise<void>;
  /** The access groups a subscription made by this person gives the channel (their own). */
  accessOf?: (turn: SubscriptionTurn) => string[];
  /** The real clock, for "next one" (schedules run on wall time, not TALLY_NOW). */
  now?: () => Date;
}

export interface SubscriptionTurn {
  text: string;
  userId?: string;
  userEmail?: string;
  place?: PostTarget;
}

const UNSUBSCRIBE = /^\s*(?:please\s+)?(unsubscribe|stop)\b/i;
const COMMAND = /^\s*(?:please\s+)?(subscribe|unsubscribe|stop|list|show|what)\b/i;
const LIST =
  /^\s*(?:list|show)(?: (?:my|our|the|this channel'?s?))? subscriptions\b|^\s*what (?:is|are) (?:this channel|we|i) subscribed to\b/i;

export function isSubscriptionCommand(text: string): boolean {
  if (LIST.test(text)) return true;
  const match = text.match(COMMAND)?.[1]?.toLowerCase();
  if (match === 'subscribe' || match === 'unsubscribe') return true;
  return match === 'stop' && /\b(digest|alerts?|subscription|sending)\b/i.test(text);
}

interface Topic {
  topic: string;
  kind: 'digest' | 'alert' | 'audience';
  label: string;
  words: string[];
  definition?: Definition;
}

const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const FILLER = new Set([
  'the',
  'a',
  'an',
  'this',
  'channel',
  'chat',
  'here',
  'us',
  'me',
  'to',
  'from',
  'for',
  'of',
  'please',
  'our',
  'my',
  'all',
]);

function topics(deps: SubscriptionDeps): Topic[] {
  const audiences = new Set(
    [...deps.alerts, ...deps.digests]
      .map((d) => d.audience)
      .filter((a): a is NonNullable<typeof a> => !!a && !literalTarget(a))
      .map((a) => a.target),
  );
  return [
    ...deps.digests.map((d) => ({
      topic: d.name,
      kind: 'digest' as const,
      label: d.title,
      words: words(d.name),
      definition: d,
    })),
    ...deps.alerts.map((a) => ({
      topic: a.name,
      kind: 'alert' as const,
      label: `the ${a.name} alert`,
      words: words(a.name),
      definition: a,
    })),
    ...[...audiences].map((name) => ({
      topic: name,
      kind: 'audience' as const,
      label: `${name} alerts`,
      words: words(name),
    })),
  ];
}

/** The topic whose words are all said; "digest" or "alert(s)" in the text narrows the kind. */
function findTopic(all: Topic[], text: string): Topic[] {
  const said = new Set(words(text).filter((w) => !FILLER.has(w)));
  const wantsDigest = said.has('digest') || said.has('digests');
  const wantsAlerts = said.has('alert') || said.has('alerts');
  const candidates = all.filter(
    (t) =>
      t.words.every((w) => said.has(w)) &&
      (!wantsDigest || t.kind === 'digest') &&
      (!wantsAlerts || t.kind !== 'digest'),
  );
  const best = Math.max(0, ...candidates.map((t) => t.words.length));
  return candidates.filter((t) => t.words.length === best);
}

/** Where a schedule starts in "… digest every Monday 8:00 Europe/London". */
const SCHEDULE_START =
  /\b(every|each|on (?:mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|weekdays|the \d)|at \d|cron)\b/i;

function reply(summary: string, status: 'answer' | 'clarify' = 'answer'): Reply {
  return buildReply(emptyAnswer('subscriptions', status, summary));
}

function available(all: Topic[]): string {
  const list = (kind: Topic['kind']) =>
    all
      .filter((t) => t.kind === kind)
      .map((t) => (kind === 'digest' ? `the ${t.label.toLowerCase()}` : t.label))
      .join(', ') || 'none';
  return `Digests: ${list('digest')}. Alerts: ${list('audience')}, ${list('alert')}.`;
}

export async function subscriptionTurn(deps: SubscriptionDeps, turn: SubscriptionTurn): Promise<Reply> {
  const all = topics(deps);
  if (!turn.place)
    return reply('Subscriptions belong to a Teams or Slack channel or chat; say this there.', 'clarify');
  const key = targetKey(turn.place);
  const text = turn.text.trim();

  if (LIST.test(text)) {
    const mine = await deps.appDb.subscriptions({ targetKey: key });
    if (mine.length === 0)
      return reply(
        `This conversation has no subscriptions. ${available(all)} Say, for example, “subscribe this channel to ${all[0] ? all[0].label.toLowerCase() : 'a digest'}”.`,
      );
    const lines = mine.map((s) => `• ${describe(all, s)}`);
    const answer = reply(`This conversation gets:\n${lines.join('\n')}`);
    answer.context = [available(all)];
    return answer;
  }

  if (UNSUBSCRIBE.test(text)) {
    const rest = text.replace(UNSUBSCRIBE, '');
    const named = words(rest).some(
      (w) => !FILLER.has(w) && !['sending', 'subscriptions', 'everything'].includes(w),
    );
    const matches = named ? findTopic(all, rest) : [];
    if (named && matches.length !== 1)
      return reply(
        `I couldn’t tell which subscription to stop. ${available(all)} Or say “unsubscribe” to stop them all here.`,
        'clarify',
      );
    const removed = await deps.appDb.unsubscribe(key, matches[0]?.topic);
    await deps.onChange?.({ removed });
    if (removed.length === 0)
      return reply('There was nothing to stop: this conversation had no matching subscription.');
    return reply(
      `Done. This conversation will no longer get ${removed.map((s) => labelOf(all, s)).join(', ')}.`,
    );
  }

  // subscribe …
  const body = text.replace(/^\s*(?:please\s+)?subscribe\b/i, '');
  const at = body.search(SCHEDULE_START);
  const topicText = at >= 0 ? body.slice(0, at) : body;
  const scheduleText = at >= 0 ? body.slice(at) : '';
  const matches = findTopic(all, topicText);
  if (matches.length !== 1) {
    const which =
      matches.length > 1
        ? `That could be ${matches.map((m) => m.label).join(' or ')}.`
        : 'I don’t know that one.';
    return reply(`${which} ${available(all)}`, 'clarify');
  }
  const topic = matches[0] as Topic;
  let schedule: ReturnType<typeof parseSchedule>;
  try {
    schedule = scheduleText ? parseSchedule(scheduleText) : undefined;
  } catch (error) {
    if (error instanceof ScheduleError)
      return reply(`${error.message} Try “every Monday 8:00 Europe/London”.`, 'clarify');
    throw error;
  }
  if (schedule && topic.kind !== 'digest')
    return reply(
      `Alerts are checked when each day closes, so they take no schedule. Say “subscribe this channel to ${topic.label}”.`,
      'clarify',
    );
  const definition = topic.definition;
  const added = await deps.appDb.subscribe({
    topic: topic.topic,
    kind: topic.kind,
    target: turn.place,
    targetKey: key,
    createdBy: turn.userId,
    access: deps.accessOf?.(turn),
    ...(topic.kind === 'digest'
      ? {
          schedule: schedule?.cron ?? definition?.schedule,
          timezone: schedule?.timezone ?? definition?.timezone ?? 'UTC',
        }
      : {}),
  });
  await deps.onChange?.({ added, removed: [] });
  if (topic.kind === 'alert')
    return reply(
      `Subscribed. This conversation will get ${topic.label} when something unusual happens, with a chart and the likely cause.`,
    );
  if (topic.kind === 'audience') {
    const addressed = (d: Definition) => d.audience?.target === topic.topic;
    const digests = deps.digests
      .filter(addressed)
      .map((d) => `the ${d.title.toLowerCase()} (${describeCron(d.schedule, d.timezone)})`);
    return reply(
      `Subscribed. This conversation will get ${topic.label} when something unusual happens (${deps.alerts
        .filter(addressed)
        .map((a) => a.name)
        .join(
          ', ',
        )}), with a chart and the likely cause${digests.length ? `, and ${digests.join(' and ')}` : ''}.`,
    );
  }
  const when = describeCron(added.schedule as string, added.timezone as string);
  const next = nextRun(added.schedule as string, added.timezone as string, deps.now?.() ?? new Date());
  const nextText = new Intl.DateTimeFormat('en-GB', {
    timeZone: added.timezone as string,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(next);
  return reply(
    `Subscribed. This conversation will get the ${topic.label.toLowerCase()} ${when}; the next one is ${nextText}.`,
  );
}

function labelOf(all: Topic[], s: Subscription): string {
  const topic = all.find((t) => t.topic === s.topic && t.kind === s.kind);
  return topic ? (s.kind === 'digest' ? `the ${topic.label.toLowerCase()}` : topic.label) : s.topic;
}

function describe(all: Topic[], s: Subscription): string {
  return s.kind === 'digest' && s.schedule
    ? `${labelOf(all, s)}, ${describeCron(s.schedule, s.timezone ?? 'UTC')}`
    : labelOf(all, s);
}
