/**
 * Schedules as people write them and as pg-boss runs them: cron validation, time zones, a cron
 * in words for listings, and the few ways people say when in chat ("every Monday 8:00",
 * "every weekday at 7am", "daily at 18:30", "on the 1st of every month at 9").
 */
import cronParser from 'cron-parser';
import cronstrue from 'cronstrue';
import { z } from 'zod';

export function isCron(text: string): boolean {
  // pg-boss schedules by the minute: five fields, no seconds.
  if (text.trim().split(/\s+/).length !== 5) return false;
  try {
    cronParser.parseExpression(text);
    return true;
  } catch {
    return false;
  }
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const cronSchema = z.string().refine(isCron, 'must be a five-field cron expression ("0 8 * * 1")');
export const timezoneSchema = z
  .string()
  .refine(isTimeZone, 'must be an IANA time zone ("Europe/London", "UTC")');
/** Names of alerts and digests: they become queue names and chat topics. */
export const definitionNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case words joined by dashes');
export const audienceSchema = z.strictObject({
  channel: z.enum(['teams', 'slack']),
  /** A Slack channel id, a Teams conversation id, or an audience name people subscribe to in chat. */
  target: z.string().min(1),
});

export function describeCron(cron: string, timezone: string): string {
  const words = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
  return `${words.charAt(0).toLowerCase()}${words.slice(1)} (${timezone})`;
}

export function nextRun(cron: string, timezone: string, after: Date): Date {
  return cronParser.parseExpression(cron, { tz: timezone, currentDate: after }).next().toDate();
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * "every Monday 8:00 Europe/London" → cron and time zone. Returns undefined when no schedule is
 * said; throws a ScheduleError with the reason when one is said but can't be read.
 */
export function parseSchedule(text: string): { cron: string; timezone?: string } | undefined {
  const lower = text.toLowerCase();
  const zone = text.match(/\b([A-Z][A-Za-z_]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?|UTC|GMT)\b/)?.[1];
  if (zone && !isTimeZone(zone)) throw new ScheduleError(`I don’t know the time zone ${zone}.`);
  const cron = lower
    .match(/\bcron\s+(?:"([^"]*)"|((?:\S+\s+){4}\S+))/)
    ?.slice(1)
    .find(Boolean)
    ?.trim();
  if (cron) {
    if (!isCron(cron)) throw new ScheduleError(`“${cron}” is not a five-field cron expression.`);
    return { cron, timezone: zone };
  }
  const saysWhen =
    /\b(every|each|daily|weekly|monthly|weekdays?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)\b/.test(
      lower,
    );
  const time = lower.match(/\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b(?!\s*(?:st|nd|rd|th))/);
  if (!saysWhen && !time) return undefined;
  let hour = 8;
  let minute = 0;
  if (time?.[1]) {
    hour = Number(time[1]);
    minute = Number(time[2] ?? 0);
    if (time[3] === 'pm' && hour < 12) hour += 12;
    if (time[3] === 'am' && hour === 12) hour = 0;
    if (hour > 23 || minute > 59) throw new ScheduleError(`${time[0].trim()} is not a time of day.`);
  }
  const days = DAYS.map((d, i) => (new RegExp(`\\b${d}s?\\b`).test(lower) ? i : -1)).filter((i) => i >= 0);
  const monthDay = lower.match(/\b(\d{1,2})(?:st|nd|rd|th)\b/)?.[1];
  let dayFields = '* * *';
  if (monthDay || /\bmonthly\b|\bevery month\b/.test(lower)) dayFields = `${Number(monthDay ?? 1)} * *`;
  else if (/\bweekdays?\b/.test(lower)) dayFields = '* * 1-5';
  else if (days.length > 0) dayFields = `* * ${days.join(',')}`;
  else if (/\bweekly\b|\bevery week\b/.test(lower)) dayFields = '* * 1';
  return { cron: `${minute} ${hour} ${dayFields}`, timezone: zone };
}

export class ScheduleError extends Error {
  readonly code = 'tally_schedule';
}
