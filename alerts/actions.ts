/**
 * What people do with an alert card: Acknowledge (recorded), Snooze 7 days (the alert stays quiet
 * until then), Not an anomaly (recorded, and the alert's sensitivity drops a step so the same
 * kind of move stops being flagged). Channel-neutral: Teams and Slack route their buttons here.
 */
import type { AlertState, AppDb } from '../app-db/app-db.ts';
import { addDays, formatDay, type IsoDate, isIsoDate } from '../semantic-catalog/dates.ts';
import type { AlertVerb, ReplyAction } from '../skills/reply.ts';
import type { AlertDefinition } from './definitions.ts';

export const SNOOZE_DAYS = 7;
/** How much one "Not an anomaly" lowers the sensitivity (1–10 scale). */
export const SENSITIVITY_STEP = 0.5;
export const MIN_SENSITIVITY = 1;

const VERBS: Record<AlertVerb, string> = {
  acknowledge: 'Acknowledge',
  snooze: `Snooze ${SNOOZE_DAYS} days`,
  dismiss: 'Not an anomaly',
};

export function alertActions(alert: string, day: IsoDate): ReplyAction[] {
  return (Object.keys(VERBS) as AlertVerb[]).map((verb) => ({
    type: 'alert',
    label: VERBS[verb],
    verb,
    alert,
    day,
  }));
}

export function isAlertVerb(value: unknown): value is AlertVerb {
  return typeof value === 'string' && value in VERBS;
}

/** The sensitivity an alert runs with after people's "Not an anomaly" answers. */
export function sensitivityFrom(alert: AlertDefinition, state: AlertState): number {
  return Math.max(MIN_SENSITIVITY, alert.sensitivity + state.sensitivityShift);
}

export async function effectiveSensitivity(appDb: AppDb, alert: AlertDefinition): Promise<number> {
  return sensitivityFrom(alert, await appDb.alertState(alert.name));
}

export async function handleAlertAction(
  deps: { appDb: AppDb; alerts: AlertDefinition[]; today: () => IsoDate },
  input: { verb: unknown; alert: unknown; day: unknown; userId?: string; who?: string; channel: string },
): Promise<string> {
  const alert = deps.alerts.find((a) => a.name === input.alert);
  if (!isAlertVerb(input.verb) || !alert || typeof input.day !== 'string' || !isIsoDate(input.day))
    return 'Sorry, I could not read that alert button; the alert may have been removed.';
  const who = input.who ?? 'Someone';
  const day = formatDay(input.day);
  const base = { alert: alert.name, day: input.day, userId: input.userId, channel: input.channel };
  switch (input.verb) {
    case 'acknowledge':
      await deps.appDb.recordAlertAction({ ...base, action: 'acknowledge' });
      return `${who} acknowledged the ${alert.name} alert for ${day}.`;
    case 'snooze': {
      const until = addDays(deps.today(), SNOOZE_DAYS);
      await deps.appDb.recordAlertAction({ ...base, action: 'snooze', snoozeUntil: until });
      return `${who} snoozed ${alert.name} until ${formatDay(until)}; it stays quiet until then.`;
    }
    case 'dismiss': {
      const before = await effectiveSensitivity(deps.appDb, alert);
      const step = Math.min(SENSITIVITY_STEP, before - MIN_SENSITIVITY);
      await deps.appDb.recordAlertAction({ ...base, action: 'dismiss', sensitivityStep: -step });
      return step > 0
        ? `${who} marked ${day} as not an anomaly; ${alert.name} is now less sensitive (${before} → ${before - step}).`
        : `${who} marked ${day} as not an anomaly; ${alert.name} is already at its lowest sensitivity.`;
    }
  }
}
