/** Every message the understanding phase says to a person, as a named function (tests assert on them). */
import { dimensionByName, metricByName } from '../catalog.ts';
import { addDays, formatDay, type IsoDate } from '../dates.ts';
import type { Running, TimeRange } from '../query.ts';
import { spanWords } from '../restate.ts';
import type { Catalog } from '../schema.ts';
import type { Understanding } from './parse.ts';

export function suggestions(catalog: Catalog, count = 3): string[] {
  const verified = catalog.verified_questions.map((q) => q.question);
  return verified.length > 0
    ? verified.slice(0, count)
    : catalog.metrics.slice(0, count).map((m) => `${m.label.toLowerCase()} by month`);
}

/** Shown by name in a reply; a larger catalog is named by its first ones, with "help" for the rest. */
const METRICS_NAMED = 24;
const METRICS_NAMED_OF_MORE = 15;

function metricList(catalog: Catalog): string {
  const labels = catalog.metrics.map((m) => m.label.toLowerCase());
  if (labels.length > METRICS_NAMED)
    return `${labels.slice(0, METRICS_NAMED_OF_MORE).join(', ')} and ${labels.length - METRICS_NAMED_OF_MORE} more (say “help” for all of them)`;
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

function refuse(
  code: Extract<Understanding, { kind: 'refuse' }>['code'],
  message: string,
  catalog: Catalog,
): Understanding {
  return { kind: 'refuse', code, message, suggestions: suggestions(catalog) };
}

export const emptyQuestion = (catalog: Catalog) =>
  refuse('not_understood', `Ask me a question about ${metricList(catalog)}.`, catalog);

export const destructive = (catalog: Catalog) =>
  refuse(
    'destructive',
    'I only read data: I can’t delete, change or create anything in the warehouse.',
    catalog,
  );

export const personalData = (said: string, catalog: Catalog) =>
  refuse(
    'personal_data',
    `I can’t answer that: “${said}” is personal data, which I never show, nor any aggregate of it.${suggestions(catalog, 1).map((q) => ` Something like “${q}” is fine.`)[0] ?? ''}`,
    catalog,
  );

export const futurePeriod = (time: TimeRange, today: IsoDate, catalog: Catalog) =>
  refuse(
    'unsupported',
    `${spanWords(time)} hasn’t started yet (today is ${formatDay(today)}), so there is no data for it; I don’t forecast.`,
    catalog,
  );

const runningName = (running: Running) =>
  running.kind === 'total' ? 'A running total' : `A ${running.periods}-period moving average`;

export const noRunningTotal = (metrics: string[], catalog: Catalog) =>
  refuse(
    'unsupported',
    `${labelOf(catalog, metrics)} is not added up over time, so a running total of it would mean nothing; a moving average would (“the 3-month moving average of …”).`,
    catalog,
  );

export const runningWith = (running: Running, other: string, catalog: Catalog) =>
  refuse(
    'unsupported',
    `${runningName(running)} and ${other} in one answer is more than I can do yet; ask for each on its own.`,
    catalog,
  );

export const absentElsewhere = (metrics: string[], dimension: string, catalog: Catalog) =>
  refuse(
    'unsupported',
    `I can’t yet count ${labelOf(catalog, metrics).toLowerCase()} with no ${dimensionByName(catalog, dimension)?.label.toLowerCase() ?? dimension}: it is kept in another table, and the rows without one never reach it. Those with one I can count.`,
    catalog,
  );

/** "the past 6 calendar months": the whole months before this one, or through today? */
export function whichSpan(
  question: string,
  span: { said: string; unit: string; whole: TimeRange; toToday: TimeRange },
): Understanding {
  const each = /\beach of\b/.test(span.said);
  const last = addDays(span.whole.to, -1);
  return {
    kind: 'clarify',
    message: `“${span.said}” can mean the whole ${span.unit}s before this one, or up to today. Which do you mean?`,
    choices: [
      {
        label: `${formatDay(span.whole.from)} – ${formatDay(last)}, not including the current ${span.unit}`,
        question: replaceWord(
          question,
          span.said,
          `${each ? 'each of ' : ''}${span.whole.label}, not including the current ${span.unit}`,
        ),
      },
      {
        label: `${formatDay(span.toToday.from)} through today`,
        question: replaceWord(
          question,
          span.said,
          `${each ? `by ${span.unit} ` : ''}since ${formatDay(span.toToday.from)}`,
        ),
      },
    ],
  };
}

export const noPeriodBefore = (time: TimeRange, catalog: Catalog) =>
  refuse(
    'unsupported',
    `${spanWords(time)} runs back to the start of the data, so there is no period before it to compare with. Name both periods instead, e.g. “in 2025 vs 2024”.`,
    catalog,
  );

export const notUnderstood = (catalog: Catalog) =>
  refuse(
    'not_understood',
    `I can’t answer that from the data I know. I can answer about ${metricList(catalog)}.`,
    catalog,
  );

export const unreachable = (metrics: string[], dimension: string, catalog: Catalog) =>
  refuse(
    'unsupported',
    `${labelOf(catalog, metrics)} can’t be broken down or filtered by ${dimensionByName(catalog, dimension)?.label.toLowerCase() ?? dimension}: the data doesn’t connect them.`,
    catalog,
  );

export const conditionElsewhere = (
  condition: string,
  metrics: string[],
  catalog: Catalog,
): Understanding => ({
  kind: 'refuse',
  code: 'unsupported',
  message: `I can’t apply a condition on ${labelOf(catalog, [condition]).toLowerCase()} to ${labelOf(catalog, metrics).toLowerCase()}: they are counted over different rows.`,
  suggestions: [],
});

export const noRowValue = (label: string): Understanding => ({
  kind: 'refuse',
  code: 'unsupported',
  message: `I can’t apply an amount condition to ${label.toLowerCase()}: the catalog doesn’t say what one row is worth.`,
  suggestions: [],
});

export const snapshotOverTime = (metrics: string[], catalog: Catalog) =>
  refuse(
    'unsupported',
    `${labelOf(catalog, metrics)} is counted as of today; I can’t show it for a past period or over time.`,
    catalog,
  );

export const topWithinGroups = (
  limit: number,
  direction: 'asc' | 'desc',
  ranked: string,
  within: string,
  catalog: Catalog,
) => {
  const field = (name: string) => dimensionByName(catalog, name)?.label.toLowerCase() ?? name;
  const which = `${direction === 'asc' ? 'lowest' : 'top'}${limit === 1 ? '' : ` ${limit}`}`;
  return refuse(
    'unsupported',
    `I can’t find the ${which} ${field(ranked)}${limit > 1 && !field(ranked).endsWith('s') ? 's' : ''} within each ${field(within)} yet: ask for one ${field(within)} at a time, or for every ${field(ranked)} by ${field(within)} without the ranking.`,
    catalog,
  );
};

export const noTimeColumn = (metrics: string[], catalog: Catalog) =>
  refuse('unsupported', `${labelOf(catalog, metrics)} has no date to filter or group by time.`, catalog);

export function whichMetric(
  question: string,
  said: string,
  metrics: string[],
  catalog: Catalog,
): Understanding {
  return {
    kind: 'clarify',
    message: `“${said}” can mean several things. Which one do you mean?`,
    choices: metrics.map((name) => {
      const label = metricByName(catalog, name)?.label ?? name;
      return { label, question: replaceWord(question, said, label) };
    }),
  };
}

export function whichDimension(
  question: string,
  said: string,
  dimensions: string[],
  catalog: Catalog,
): Understanding {
  return {
    kind: 'clarify',
    message: `“${said}” is a value of several fields. Which one do you mean?`,
    choices: dimensions.map((name) => {
      const label = dimensionByName(catalog, name)?.label.toLowerCase() ?? name;
      return { label: `${said} (${label})`, question: replaceWord(question, said, `${said} ${label}`) };
    }),
  };
}

function labelOf(catalog: Catalog, metrics: string[]): string {
  return metrics
    .map((m) => metricByName(catalog, m)?.label ?? dimensionByName(catalog, m)?.label ?? m)
    .join(' and ');
}

function replaceWord(question: string, said: string, replacement: string): string {
  const index = question.toLowerCase().indexOf(said.toLowerCase());
  return index < 0
    ? `${question} (${replacement})`
    : question.slice(0, index) + replacement + question.slice(index + said.length);
}

/**
 * Words the reading could not place: never answered as if they weren't there. Misspellings get
 * their candidates as choices; other words get what the catalog does know.
 */
export function unplacedWords(
  question: string,
  leftovers: { word: string; candidates: string[] }[],
  catalog: Catalog,
): Understanding {
  const quoted = leftovers.map((l) => `“${l.word}”`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}` : quoted[0];
  const guessed = leftovers.find((l) => l.candidates.length > 0);
  if (guessed) {
    const options = guessed.candidates.slice(0, 4);
    return {
      kind: 'clarify',
      message: `I don’t know ${list} — did you mean ${options.map((o) => `“${o}”`).join(' or ')}?`,
      choices: options.map((option) => ({
        label: replaceWord(question, guessed.word, option),
        question: replaceWord(question, guessed.word, option),
      })),
    };
  }
  const one = leftovers.length === 1;
  return {
    kind: 'refuse',
    code: 'not_understood',
    message: `I don’t know what ${list} ${one ? 'means' : 'mean'} here, so I won’t answer without ${one ? 'it' : 'them'}. I know ${metricList(catalog)}; ask with those words, or ask an admin to add ${one ? 'this term' : 'these terms'} to the catalog.`,
    suggestions: suggestions(catalog),
  };
}
