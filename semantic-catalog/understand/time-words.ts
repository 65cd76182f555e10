/**
 * Time words → half-open date ranges, time grains and comparisons, relative to the clock's today
 * (the table in demo-warehouse.md). Each phrase found is blanked out of the text so later phases
 * don't read "last" or "month" again.
 */
import {
  addDays,
  addPeriods,
  addYears,
  daysBetween,
  formatDay,
  type IsoDate,
  isIsoDate,
  monthName,
  OPEN_START,
  type Period,
  startOf,
} from '../dates.ts';
import { calendarPeriod } from '../period-words.ts';
import type { SemanticQuery, TimeRange } from '../query.ts';
import type { Grain } from '../schema.ts';

export interface TimeReading {
  time?: TimeRange;
  grain?: Grain;
  compare?: SemanticQuery['compare'];
  compareKind?: 'previous_year' | 'previous_period';
  /** The earlier of two periods named outright ("Q1 vs Q2"). */
  explicitCompare?: TimeRange;
  /**
   * "the past 6 calendar months", said with neither "including" nor "not including the current
   * month": the whole months before this one, or from the first of the month six back through
   * today. Both are in use; the reading asks which.
   */
  calendarSpan?: { said: string; unit: Period; whole: TimeRange; toToday: TimeRange };
  /** The text with the time phrases blanked out. */
  rest: string;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  sixty: 60,
  ninety: 90,
};
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_RE =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const NUM_RE = `(\\d+|${Object.keys(NUMBER_WORDS).join('|')})`;
const UNIT_RE = '(day|week|month|quarter|year)s?';
/** "onwards", "until today", "to date": a range that runs up to today. */
const UNTIL_TODAY_RE = ' on(?:wards?)?\\b|,? (?:to|until|till|up to|up until|through) (?:today|now|date)\\b';
/** "(inclusive)", ", both inclusive", "(inclusive of start and end dates)", "exclusive". */
const BOUNDS_RE =
  '(?:,? \\(?(?:both )?(?:inclusive|exclusive|included|excluded)(?: of (?:the )?(?:start|end|both|first|last)(?: and (?:the )?(?:end|last))?(?: dates?| days?)?)?\\)?)?';

/** Every word a time phrase may use, for the spelling pass (it must never "correct" these). */
export const TIME_WORDS = new Set([
  ...MONTHS,
  ...'jan feb mar apr jun jul aug sep sept oct nov dec day days daily week weeks weekly weekend month months monthly quarter quarters quarterly year years yearly annual annually half today yesterday tomorrow tonight last next this previous past prior preceding trailing current since until through between before after during ago earlier later ytd mtd qtd wtd yoy mom qoq wow dod calendar fiscal same period periods growth grew grow growing change changed changes trend trending date dates from to start end beginning so far rolling including excluding iso'.split(
    ' ',
  ),
  ...Object.keys(NUMBER_WORDS),
]);

/** "the biggest drop", "declined the most", "the fastest declining": a change ranked, so a comparison. */
const RANKED_CHANGE =
  /(?<=\b(?:biggest|largest|steepest|sharpest|most|least|smallest|fastest) )(?:increase|rise|gain|jump|decline|drop|fall|decrease|declining|shrinking|falling|improving|improved)\b|\b(?:increased|rose|gained|improved|declined|dropped|fell|decreased|shrank)(?= (?:the )?(?:most|least)\b)/;

const EXPLICIT_COMPARISON = /\b(vs\.?|versus|compared? (?:to|with)|against|compare|comparing|comparison)\b/;

const monthIndex = (word: string) => MONTHS.findIndex((m) => m.startsWith(word.slice(0, 3))) + 1;
const pad = (n: number) => String(n).padStart(2, '0');
const toNumber = (word: string) => (/^\d+$/.test(word) ? Number(word) : (NUMBER_WORDS[word] ?? Number.NaN));

const GRAIN_WORDS: [RegExp, Grain][] = [
  // "each day of the week" names a field (the weekday), not daily buckets.
  [
    /\b(daily|per day|by day|each day|a day|day by day|by date|per date|day over day)\b(?! of (?:the )?week)/,
    'day',
  ],
  [/\b(weekly|per week|by week|each week|a week|week over week|wow|(?:over|across) the weeks)\b/, 'week'],
  [
    // "by month of the year" names a field (the calendar month), not monthly buckets.
    /\b(monthly|per month|by month|each month|a month|month over month|mom|(?:over|across) the months|month by month)\b(?! of (?:the )?year)/,
    'month',
  ],
  [
    /\b(quarterly|per quarter|by quarter|each quarter|a quarter|quarter over quarter|qoq|(?:over|across) the quarters)\b/,
    'quarter',
  ],
  [
    /\b(yearly|annually|annual|per year|by year|each year|a year|year by year|(?:over|across) the years)\b/,
    'year',
  ],
];

function range(from: IsoDate, to: IsoDate, label: string): TimeRange {
  return { from, to, label };
}

function periodLabel(period: Period, from: IsoDate): string {
  const [y, m] = from.split('-').map(Number) as [number, number];
  if (period === 'year') return String(y);
  if (period === 'quarter') return `Q${Math.floor((m - 1) / 3) + 1} ${y}`;
  if (period === 'month') return `${monthName(m)} ${y}`;
  return formatDay(from);
}

/** A day, month or year read from the words, by its name: "3 Mar 2025", "March 2025", "2025". */
function dateName(d: { date: IsoDate; end: IsoDate }): string {
  return periodLabel(calendarPeriod({ from: d.date, to: d.end })?.grain ?? 'day', d.date);
}

/** Which way round slashed dates are written: told only by a part over 12 ("3/31/2025", "31/3/2025"). */
type SlashOrder = 'mdy' | 'dmy';

function slashOrder(texts: string[]): SlashOrder | undefined {
  for (const text of texts) {
    const m = /(\d{1,2})\/(\d{1,2})\/\d{4}/.exec(text);
    if (m && Number(m[1]) > 12) return 'dmy';
    if (m && Number(m[2]) > 12) return 'mdy';
  }
  return undefined;
}

/**
 * "3 March 2025", "March 3, 2025", "2025 Mar 3", "2025-03-03", "March 2025" (its first day),
 * "2025"; "3/31/2025" when the order is told (or both parts are the same), else not read.
 */
function parseDateWords(
  text: string,
  today: IsoDate,
  order?: SlashOrder,
): { date: IsoDate; end: IsoDate } | undefined {
  const t = text.trim().replace(/,/g, '');
  if (isIsoDate(t)) return { date: t, end: addDays(t, 1) };
  const slashed = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (slashed) {
    const [a, b] = [Number(slashed[1]), Number(slashed[2])];
    const read = order ?? slashOrder([t]) ?? (a === b ? 'mdy' : undefined);
    if (!read) return undefined;
    return read === 'mdy' ? day(Number(slashed[3]), a, b) : day(Number(slashed[3]), b, a);
  }
  let m = new RegExp(`^(\\d{4}) ${MONTH_RE} (\\d{1,2})(?:st|nd|rd|th)?$`).exec(t);
  if (m) return day(Number(m[1]), monthIndex(m[2] as string), Number(m[3]));
  m = new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)? ${MONTH_RE} (\\d{4})$`).exec(t);
  if (m) return day(Number(m[3]), monthIndex(m[2] as string), Number(m[1]));
  m = new RegExp(`^${MONTH_RE} (\\d{1,2})(?:st|nd|rd|th)? (\\d{4})$`).exec(t);
  if (m) return day(Number(m[3]), monthIndex(m[1] as string), Number(m[2]));
  m = new RegExp(`^${MONTH_RE} (\\d{4})$`).exec(t);
  if (m) {
    const from = `${m[2]}-${pad(monthIndex(m[1] as string))}-01`;
    return { date: from, end: addPeriods('month', from, 1) };
  }
  m = /^(\d{4})$/.exec(t);
  if (m) return { date: `${m[1]}-01-01`, end: `${Number(m[1]) + 1}-01-01` };
  if (t === 'today') return { date: today, end: addDays(today, 1) };
  return undefined;
  function day(y: number, mo: number, d: number) {
    const date = `${y}-${pad(mo)}-${pad(d)}`;
    return isIsoDate(date) ? { date, end: addDays(date, 1) } : undefined;
  }
}

export function readTimeWords(input: string, today: IsoDate): TimeReading {
  let text = canonicalPeriods(` ${input} `, today);
  const reading: TimeReading = { rest: '' };
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(text);
    if (m) text = text.slice(0, m.index) + ' '.repeat(m[0].length) + text.slice(m.index + m[0].length);
    return m;
  };
  const endOfToday = addDays(today, 1);
  const DATE_RE = `(\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4} ${MONTH_RE} \\d{1,2}(?:st|nd|rd|th)?\\b|\\d{1,2}(?:st|nd|rd|th)? ${MONTH_RE},? \\d{4}|${MONTH_RE} \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}|${MONTH_RE} \\d{4}|\\d{4}|today)`;
  // "between January 1st and March 31st 2025": the first day takes the second's year.
  const YEARLESS_RE = `(?:\\d{1,2}(?:st|nd|rd|th)? ${MONTH_RE}|${MONTH_RE} \\d{1,2}(?:st|nd|rd|th)?)`;

  // Comparisons first: "vs last year" must not be read as the range "last year".
  const comparisons: [RegExp, 'previous_year' | 'previous_period'][] = [
    [
      /\b(vs\.?|versus|compared (?:to|with)|against|over|relative to) (?:the )?(?:same (?:period|time|day|week|month|quarter) (?:of |in )?)?(?:last|previous|prior|a) year\b|\b(yoy|y\/y|year over year|year on year)\b/,
      'previous_year',
    ],
    // "month over month": each month against the one before.
    [
      /\b(day|week|month|quarter) (?:over|on) (?:day|week|month|quarter)\b|\b(dod|wow|mom|qoq)\b/,
      'previous_period',
    ],
    // "Q1 vs Q1 last year", "March compared to March last year".
    [
      new RegExp(
        `\\b(?:vs\\.?|versus|compared (?:to|with)|against) (?:the same )?(?:q[1-4]|${MONTH_RE}|quarter|month|week|period) (?:of |in )?(?:last|previous|prior|the previous) year\\b`,
      ),
      'previous_year',
    ],
    // "in 2025 compared to 2024": the year before.
    [/\b(?:vs\.?|versus|compared (?:to|with)|against) (?:fy ?)?((?:19|20)\d{2})\b/, 'previous_year'],
    [
      /\b(vs\.?|versus|compared (?:to|with)|against|over) (?:the )?(?:previous|prior|last|preceding) (?:period|day|week|month|quarter)\b|\bperiod over period\b|\bpop\b|\b(?:vs\.?|versus|compared (?:to|with)|against) the (?:day|week|month|quarter|year|period|one) before\b/,
      'previous_period',
    ],
  ];
  let compareKind: 'previous_year' | 'previous_period' | undefined;
  for (const [re, kind] of comparisons) {
    const found = take(re);
    if (!found) continue;
    compareKind = kind;
    const short: Record<string, Grain> = { dod: 'day', wow: 'week', mom: 'month', qoq: 'quarter' };
    if (kind === 'previous_period' && (found[1] || found[2])) {
      const grain = (short[found[2] ?? ''] ?? found[1]) as Grain;
      if (['day', 'week', 'month', 'quarter'].includes(grain)) reading.grain = grain;
    }
    break;
  }

  // Ranges: the first rule whose phrase is found wins.
  const rules: [RegExp, (m: RegExpExecArray) => TimeRange | undefined][] = [
    [
      // "the week of 9 Nov 2026": the week (Monday to Sunday) that holds the day.
      new RegExp(`\\b(?:in |during )?(?:the )?week of ${DATE_RE}`),
      (m) => {
        const d = parseDateWords(m[1] as string, today);
        if (!d) return undefined;
        const from = startOf('week', d.date);
        return range(from, addDays(from, 7), `the week of ${formatDay(from)}`);
      },
    ],
    [
      // "from A to B" includes B, as people mean it; "… exclusive" (or "up to B exclusive") does not.
      new RegExp(
        `\\b(?:from|between) (${YEARLESS_RE}|${DATE_RE}) (?:to|and|until|till|through|-) ${DATE_RE}${BOUNDS_RE}`,
      ),
      (m) => {
        const [first = '', second = ''] = m[0]
          .replace(new RegExp(`${BOUNDS_RE}$`), '')
          .replace(/^(?:from|between) /, '')
          .split(/ (?:to|and|until|till|through|-) /);
        const bounds = new RegExp(`${BOUNDS_RE}$`).exec(m[0])?.[0] ?? '';
        const order = slashOrder([first, second]);
        const b = parseDateWords(second, today, order);
        const year = /\d{4}$/.exec(second.trim())?.[0];
        const a =
          parseDateWords(first, today, order) ??
          (year && !/\d{4}/.test(first) ? parseDateWords(`${first} ${year}`, today) : undefined);
        if (!a || !b) return undefined;
        const end = /\bexclu/.test(bounds) ? b.date : b.end;
        return range(a.date, end, `from ${formatDay(a.date)} to ${formatDay(addDays(end, -1))}`);
      },
    ],
    [
      // "from March to May", "between March and May 2025": whole months; without a year, the
      // latest such span that has begun.
      new RegExp(
        `\\b(?:from|between) ${MONTH_RE} (?:to|and|until|till|through|-) ${MONTH_RE}(?: (\\d{4}))?\\b`,
      ),
      (m) => {
        const [first, last] = [monthIndex(m[1] as string), monthIndex(m[2] as string)];
        let year = Number(m[3] ?? today.slice(0, 4));
        if (!m[3] && `${year}-${pad(first)}-01` > today) year -= 1;
        const from = `${year - (last < first && m[3] ? 1 : 0)}-${pad(first)}-01`;
        const to = addPeriods('month', `${year + (last < first && !m[3] ? 1 : 0)}-${pad(last)}-01`, 1);
        return range(from, to, `from ${formatDay(from)} to ${formatDay(addDays(to, -1))}`);
      },
    ],
    [
      // "the 3 months before June 2025": whole periods just before the one named.
      new RegExp(
        `\\b(?:in |over |for |during )?(?:the )?${NUM_RE} ${UNIT_RE} (?:before|prior to|preceding) ${DATE_RE}`,
      ),
      (m) => {
        const n = toNumber(m[1] as string);
        const unit = m[2] as Period;
        const end = parseDateWords(m[3] as string, today);
        if (!end || !Number.isFinite(n)) return undefined;
        const to = startOf(unit, end.date);
        const from = addPeriods(unit, to, -n);
        return range(from, to, `the ${n} ${unit}s before ${formatDay(to)}`);
      },
    ],
    [
      // "the first 3 months of 2025", "the last 2 weeks of March 2025": part of a named period.
      new RegExp(
        `\\b(?:in |over |for |during |within )?(?:the )?(first|last|final) ${NUM_RE} ${UNIT_RE} (?:of|in) ${DATE_RE}`,
      ),
      (m) => {
        const n = toNumber(m[2] as string);
        const unit = m[3] as Period;
        const named = parseDateWords(m[4] as string, today);
        if (!named || !Number.isFinite(n)) return undefined;
        const first = m[1] === 'first';
        const from = first ? named.date : addPeriods(unit, named.end, -n);
        const to = first ? addPeriods(unit, named.date, n) : named.end;
        if (from < named.date || to > named.end) return undefined;
        return range(from, to, `the ${m[1]} ${n} ${unit}s of ${dateName(named)}`);
      },
    ],
    [
      // "from 6 months ago until today": counted back from today.
      new RegExp(`\\b(?:from|since|starting) ${NUM_RE} ${UNIT_RE} ago(?:${UNTIL_TODAY_RE})?`),
      (m) => {
        const n = toNumber(m[1] as string);
        if (!Number.isFinite(n)) return undefined;
        const from = addPeriods(m[2] as Period, today, -n);
        return range(from, endOfToday, `since ${formatDay(from)}`);
      },
    ],
    [
      // Open to today: "since 2025", "after March 2025", "on or after 2025-03-01", "from the
      // start of 2025", "from March 2025 onwards".
      new RegExp(
        `\\b(since|after|on or after|starting|starting from|beginning|from) (?:the (?:start|beginning) of )?${DATE_RE}(?<onwards>${UNTIL_TODAY_RE})?`,
      ),
      (m) => {
        const [said, opening = '', date = ''] = m;
        const onwards = m.groups?.onwards;
        // A bare "from 2025" is a period named ("revenue from 2025"); "onwards" opens it.
        if (/^(from|starting|beginning)$/.test(opening) && !onwards && !/(?:start|beginning) of/.test(said))
          return undefined;
        const d = parseDateWords(date, today);
        if (!d) return undefined;
        const from = opening === 'after' ? d.end : d.date;
        return range(from, endOfToday, `since ${formatDay(from)}`);
      },
    ],
    [
      // Open to the past: "before 2025", "prior to March 2025", "up to March 2025" (March
      // included), "until the end of 2025", "on or before 2025-03-01".
      new RegExp(
        `\\b(on or before|before|prior to|up to and including|up to|up until|until|till|through|by the end of|as of)(?: the end of)? ${DATE_RE}`,
      ),
      (m) => {
        const d = parseDateWords(m[2] as string, today);
        if (!d) return undefined;
        const before = /^(before|prior to)$/.test(m[1] as string);
        return range(OPEN_START, before ? d.date : d.end, `${before ? 'before' : 'up to'} ${dateName(d)}`);
      },
    ],
    [
      // One day: "on 2026-06-10", "on 3 March 2025", "March 3, 2025".
      new RegExp(
        `\\b(?:on |for )?(\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4} ${MONTH_RE} \\d{1,2}(?:st|nd|rd|th)?|\\d{1,2}(?:st|nd|rd|th)? ${MONTH_RE},? \\d{4}|${MONTH_RE} \\d{1,2}(?:st|nd|rd|th)?,? \\d{4})\\b`,
      ),
      (m) => {
        const d = parseDateWords(m[1] as string, today);
        return d && d.end === addDays(d.date, 1) ? range(d.date, d.end, formatDay(d.date)) : undefined;
      },
    ],
    [
      // "the last 6 months": the six whole months before this one; "including the current month"
      // (or "including today") adds the period so far. "each of …" asks for one row per period.
      new RegExp(
        `\\b(?:in |over |for |during |within )?(each of )?(?:the )?(?:last|past|previous|prior|trailing) ${NUM_RE} (?:calendar |full |complete |whole )?${UNIT_RE}(?:,? \\(?(not including|excluding|except|including|inclusive of|exclusive of) (?:the )?(?:current|this|today'?s?) ?(?:day|week|month|quarter|year)?\\)?| \\(?(including|excluding|inclusive of|exclusive of) today\\)?| (?:from|up to|until|till|to) (today|now|date))?\\b`,
      ),
      (m) => {
        const n = toNumber(m[2] as string);
        const unit = m[3] as Period;
        if (m[1]) eachOf = unit;
        const including = /^(including|inclusive of)$/.test(m[4] ?? m[5] ?? '');
        const said = `the last ${n} ${unit}s`;
        // "the last 6 months from today": counted back from today, not in whole months.
        if (m[6] && unit !== 'day')
          return range(addPeriods(unit, today, -n), endOfToday, `the ${n} ${unit}s up to today`);
        if (unit === 'day')
          return including
            ? range(addDays(today, 1 - n), endOfToday, `${said} including today`)
            : range(addDays(today, -n), today, said);
        const current = startOf(unit, today);
        if (/\bcalendar\b/.test(m[0]) && !m[4] && !m[5])
          calendarSpan = {
            said: m[0].trim(),
            unit,
            whole: range(addPeriods(unit, current, -n), current, said),
            toToday: range(
              addPeriods(unit, current, -n),
              endOfToday,
              `since ${formatDay(addPeriods(unit, current, -n))}`,
            ),
          };
        return including
          ? range(addPeriods(unit, current, 1 - n), endOfToday, `${said} including this ${unit}`)
          : range(addPeriods(unit, current, -n), current, said);
      },
    ],
    [
      // "H1 2025", "the second half of 2024" (written h1/h2 by canonicalPeriods).
      /\b(?:in |for |during )?(?:the )?h([12])(?: (\d{4}))?\b/,
      (m) => {
        const half = Number(m[1]);
        let from = `${m[2] ?? today.slice(0, 4)}-${half === 1 ? '01' : '07'}-01`;
        if (!m[2] && from > today) from = addYears(from, -1);
        return range(from, addPeriods('month', from, 6), `H${half} ${from.slice(0, 4)}`);
      },
    ],
    [
      // "2 months ago": that whole period, counted back from the current one.
      new RegExp(`\\b(?:in |for |during )?${NUM_RE} ${UNIT_RE} ago\\b`),
      (m) => {
        const n = toNumber(m[1] as string);
        const unit = m[2] as Period;
        if (!Number.isFinite(n)) return undefined;
        const from = addPeriods(unit, startOf(unit, today), -n);
        const said = `${n} ${unit}${n === 1 ? '' : 's'} ago`;
        return range(
          from,
          addPeriods(unit, from, 1),
          unit === 'day' ? `${said} (${formatDay(from)})` : `${said} (${periodLabel(unit, from)})`,
        );
      },
    ],
    [
      // "December of last year", "March this year": a month of a year named relative to today.
      new RegExp(`\\b(?:in |for |during )?${MONTH_RE} (?:of )?(last|previous|this|current) year\\b`),
      (m) => {
        const year = Number(today.slice(0, 4)) - (/last|previous/.test(m[2] as string) ? 1 : 0);
        const from = `${year}-${pad(monthIndex(m[1] as string))}-01`;
        return range(from, addPeriods('month', from, 1), periodLabel('month', from));
      },
    ],
    [/\btoday\b/, () => range(today, endOfToday, 'today')],
    [/\byesterday\b/, () => range(addDays(today, -1), today, 'yesterday')],
    [
      /\b(?:this|current) (week|month|quarter|year)\b|\b(w|m|q|y)td\b|\b(week|month|quarter|year)[ -]to[ -]date\b|\bso far this (week|month|quarter|year)\b/,
      (m) => {
        const letter = m[2];
        const unit = (m[1] ??
          m[3] ??
          m[4] ??
          { w: 'week', m: 'month', q: 'quarter', y: 'year' }[letter as 'w']) as Period;
        return range(startOf(unit, today), endOfToday, letter ? `${letter.toUpperCase()}TD` : `this ${unit}`);
      },
    ],
    [
      // Named so the plan can say plainly that it hasn't happened, rather than drop the words.
      /\b(?:next|coming|following) (week|month|quarter|year)\b/,
      (m) => {
        const unit = m[1] as Period;
        const from = addPeriods(unit, startOf(unit, today), 1);
        return range(from, addPeriods(unit, from, 1), `next ${unit} (${periodLabel(unit, from)})`);
      },
    ],
    [
      /\b(?:last|previous|prior|past) (week|month|quarter|year)\b/,
      (m) => {
        const unit = m[1] as Period;
        const from = addPeriods(unit, startOf(unit, today), -1);
        return range(from, startOf(unit, today), `last ${unit} (${periodLabel(unit, from)})`);
      },
    ],
    [
      /\b(?:in |for |during )?(?:q([1-4]) (?:of )?(\d{4})|(\d{4}) q([1-4]))\b/,
      (m) => {
        const from = `${m[2] ?? m[3]}-${pad((Number(m[1] ?? m[4]) - 1) * 3 + 1)}-01`;
        return range(from, addPeriods('quarter', from, 1), periodLabel('quarter', from));
      },
    ],
    [
      /\b(?:in |for |during )?(?:the )?q([1-4])\b/,
      (m) => {
        let from = `${today.slice(0, 4)}-${pad((Number(m[1]) - 1) * 3 + 1)}-01`;
        if (from > today) from = addYears(from, -1);
        return range(from, addPeriods('quarter', from, 1), periodLabel('quarter', from));
      },
    ],
    [
      new RegExp(`\\b(?:in |for |during )?${MONTH_RE} (?:of )?(\\d{4})\\b`),
      (m) => {
        const from = `${m[2]}-${pad(monthIndex(m[1] as string))}-01`;
        return range(from, addPeriods('month', from, 1), periodLabel('month', from));
      },
    ],
    [
      // A bare "may" is usually the verb: only "in May", "since May" … count.
      new RegExp(`\\b(?:in|for|during|of|since) ${MONTH_RE}\\b|\\b(?!may\\b)${MONTH_RE}\\b`),
      (m) => {
        let from = `${today.slice(0, 4)}-${pad(monthIndex((m[1] ?? m[2]) as string))}-01`;
        if (from > today) from = addYears(from, -1);
        return m[0].startsWith('since')
          ? range(from, endOfToday, `since ${formatDay(from)}`)
          : range(from, addPeriods('month', from, 1), periodLabel('month', from));
      },
    ],
    [
      /(?<!\/)\b(?:in |for |during |of )?(?:fy ?)?((?:19|20)\d{2})\b/,
      (m) => {
        const from = `${m[1]}-01-01`;
        return range(from, addPeriods('year', from, 1), m[1] as string);
      },
    ],
  ];
  const readRange = (): TimeRange | undefined => {
    for (const [re, build] of rules) {
      const found = re.exec(text);
      const time = found && build(found);
      if (found && time) {
        take(re);
        return time;
      }
    }
    return undefined;
  };
  let eachOf: Period | undefined;
  let calendarSpan: TimeReading['calendarSpan'];
  reading.time = readRange();
  // "revenue to date", "orders so far": everything up to today; said again after a range that
  // already runs to today ("this year to date"), nothing more.
  const toDate = /\b(?:to date|so far|until now|up to now|till now)\b/;
  if (!reading.time && take(toDate)) reading.time = range(OPEN_START, endOfToday, 'to date');
  else if (reading.time?.to === endOfToday) take(toDate);
  // Two explicit periods set against each other ("Q1 vs Q2", "compare March and April 2025"):
  // the later one is answered, the earlier one is what it is compared with.
  if (reading.time && !compareKind && EXPLICIT_COMPARISON.test(input)) {
    let found = readRange();
    // "the last 12 months vs the prior 12 months": said alike, but meant as the span before it.
    if (found && found.from === reading.time.from && found.to === reading.time.to)
      found = previousRange(reading.time, 'previous_period');
    if (found) {
      const [first, other] = sameYear(reading.time, found, input);
      const before = other.from < first.from || (other.from === first.from && other.to < first.to);
      const [whole, later] = before ? [other, first] : [first, other];
      const earlier = sameDaysOf(whole, later);
      reading.time = later;
      reading.compare = { kind: 'previous_period', range: earlier };
      reading.compareKind = 'previous_period';
      reading.explicitCompare = earlier;
    }
  }
  if (!reading.time) delete reading.time;

  if (eachOf && eachOf !== 'day') reading.grain = eachOf;
  for (const [re, grain] of GRAIN_WORDS) {
    if (!reading.grain && take(re)) {
      reading.grain = grain;
      break;
    }
  }
  if (!reading.grain && take(/\b(?:over time|trend|trends|trending)\b/)) reading.grain = 'month';

  // "monthly revenue over the years": every year's months, which no period named already means.
  if (reading.grain && reading.grain !== 'year' && !reading.time) take(/\b(?:over|across) the years\b/);
  // "how did revenue change over the years": with no period named, the yearly series is the change.
  if (reading.grain === 'year' && !reading.time && !compareKind) take(/\b(?:change|changed|changes)\b/);
  // "growth" without a comparison: year over year for yearly ranges, else against the period before.
  if (
    !compareKind &&
    !reading.compare &&
    (take(/\b(growth|grew|grow|growing|change|changed)\b/) || take(RANKED_CHANGE))
  ) {
    const yearly = !reading.time || /year|ytd|^\d{4}$/i.test(reading.time.label);
    compareKind = yearly ? 'previous_year' : 'previous_period';
  }
  if (compareKind && !reading.compare) {
    reading.compareKind = compareKind;
    if (reading.time)
      reading.compare = { kind: compareKind, range: previousRange(reading.time, compareKind) };
  }
  if (calendarSpan) reading.calendarSpan = calendarSpan;
  reading.rest = text.replace(/\s+/g, ' ').trim();
  return reading;
}

/**
 * "March vs April 2025": one year typed for two months (or quarters) of the same kind means that
 * year for both, not the latest March.
 */
function sameYear(a: TimeRange, b: TimeRange, input: string): [TimeRange, TimeRange] {
  const years = input.match(/\b(?:19|20)\d{2}\b/g) ?? [];
  const span = (r: TimeRange) => daysBetween(r.from, r.to);
  if (years.length !== 1 || Math.abs(span(a) - span(b)) > 3 || span(a) > 184) return [a, b];
  const year = years[0] as string;
  const align = (r: TimeRange): TimeRange => {
    if (r.from.startsWith(year)) return r;
    const from = `${year}${r.from.slice(4)}`;
    const to = addDays(from, span(r));
    return range(from, to, r.label.replace(/\b(?:19|20)\d{2}\b/, year));
  };
  return [align(a), align(b)];
}

/**
 * "this year and last year": a period still running is set against the same days of the earlier
 * one, not all of it, as "vs last year" is.
 */
function sameDaysOf(earlier: TimeRange, later: TimeRange): TimeRange {
  const done = calendarPeriod(earlier);
  const grain = done?.whole ? done.grain : undefined;
  const running =
    grain && startOf(grain, later.from) === later.from && later.to < addPeriods(grain, later.from, 1);
  if (!running) return earlier;
  const to = addDays(earlier.from, daysBetween(later.from, later.to));
  return range(earlier.from, to, `the same days of ${earlier.label.replace(/^.*\((.*)\)$/, '$1')}`);
}

/** "revenue vs last year" names no period: this year (or month) to date. */
export function defaultComparedRange(kind: 'previous_year' | 'previous_period', today: IsoDate): TimeRange {
  const unit = kind === 'previous_year' ? 'year' : 'month';
  return range(startOf(unit, today), addDays(today, 1), `${unit === 'year' ? 'Y' : 'M'}TD`);
}

export function previousRange(time: TimeRange, kind: 'previous_year' | 'previous_period'): TimeRange {
  // Open to the past: everything up to the same day a year earlier.
  const from = (date: IsoDate) => (time.from === OPEN_START ? OPEN_START : date);
  if (kind === 'previous_year') {
    const start = from(addYears(time.from, -1));
    // A period so far keeps its length across a leap day: 1 Jan – 1 Mar 2029 against 1 Jan – 1 Mar 2028.
    const to =
      calendarPeriod(time)?.whole === false
        ? addDays(start, daysBetween(time.from, time.to))
        : addYears(time.to, -1);
    return range(start, to, `the same period a year earlier`);
  }
  // A whole calendar period compares with the previous one, a started one (QTD) with the same
  // part of the previous one; any other span with as many days just before it.
  for (const unit of ['week', 'month', 'quarter', 'year'] as Period[]) {
    if (startOf(unit, time.from) !== time.from || time.to > addPeriods(unit, time.from, 1)) continue;
    const whole = addPeriods(unit, time.from, 1) === time.to;
    return range(
      addPeriods(unit, time.from, -1),
      addPeriods(unit, time.to, -1),
      whole ? `the previous ${unit}` : `the same days of the previous ${unit}`,
    );
  }
  const days = daysBetween(time.from, time.to);
  return range(addDays(time.from, -days), time.from, `the previous ${days} days`);
}

const ORDINALS: Record<string, string> = {
  first: '1',
  '1st': '1',
  second: '2',
  '2nd': '2',
  third: '3',
  '3rd': '3',
  fourth: '4',
  '4th': '4',
};

/**
 * The same period said several ways, written one way before the rules read it: "in the year
 * 2020" → "2020", "the month of April 2021" → "april 2021", "the first quarter of 2023" → "q1
 * 2023", "the second half of last year" → "h2 2025", "the previous ISO week" → "the previous week".
 */
function canonicalPeriods(text: string, today: IsoDate): string {
  const year = Number(today.slice(0, 4));
  return (
    text
      .replace(/\b(?:the )?(?:calendar )?year (?:of )?((?:19|20)\d{2})\b/g, '$1')
      .replace(new RegExp(`\\b(?:the )?month of (${MONTH_RE})\\b`, 'g'), '$1')
      .replace(
        /\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|4th) quarter\b/g,
        (_w, n: string) => `q${ORDINALS[n]}`,
      )
      .replace(/\b(?:the )?(first|1st|second|2nd) half\b/g, (_w, n: string) => `h${ORDINALS[n]}`)
      // Not after "vs": "Q1 vs Q1 last year" is read by the comparison rules.
      .replace(
        /(?<!(?:vs|versus|to|with|against) )\b([qh][1-4]) (?:of |in )?(last|this|previous|prior) year\b/g,
        (_w, p: string, which: string) => `${p} ${which === 'this' ? year : year - 1}`,
      )
      .replace(/\b([qh][1-4]) (?:of|in) ((?:19|20)\d{2})\b/g, '$1 $2')
      .replace(/\b([qh][1-4]) (?:of|in) (?:the|this) year\b/g, (_w, p: string) => `${p} ${year}`)
      .replace(/\biso week\b/g, 'week')
  );
}
