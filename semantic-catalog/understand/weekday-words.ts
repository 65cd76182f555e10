/**
 * "check-ins on weekends", "orders on weekdays": a field whose members are the days of the week
 * (a day-name column, not a date) is filtered to the days those words mean — Saturday and Sunday,
 * or Monday to Friday — when one field knows every one of them by name. A catalog that defines
 * "weekend" itself keeps its own meaning, and "by weekday" stays a breakdown.
 */
import type { Lexicon } from './lexicon.ts';

const WEEKEND = ['saturday', 'sunday'];
const WORKING = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const PARTS: [RegExp, string[]][] = [
  [/\b(?<!(?:by|per|each|across|every) )(?:the )?weekends?\b/g, WEEKEND],
  [
    /(?<=\b(?:on|during|for|in|at|over) )(?:the )?(?:weekdays|working days|work days|business days)\b/g,
    WORKING,
  ],
];

export function spellWeekParts(
  text: string,
  lexicon: Lexicon,
): { text: string; parts: { said: string; became: string }[] } {
  const parts: { said: string; became: string }[] = [];
  let spelled = text;
  for (const [pattern, days] of PARTS) {
    const field = fieldOfDays(days, lexicon);
    if (!field) continue;
    spelled = spelled.replace(pattern, (said) => {
      // A catalog's own "weekend" (a value, a named filter) is what it says; a field named
      // "weekday" is not a set of days.
      const own = lexicon.phrases.get(said.replace(/^the /, '').replace(/s$/, '')) ?? [];
      if (own.some((e) => e.kind !== 'dimension')) return said;
      parts.push({ said, became: days.map((d) => d[0]?.toUpperCase() + d.slice(1)).join(' or ') });
      return days.join(' or ');
    });
  }
  return { text: spelled, parts };
}

/** The one field every named day is a value of, if there is one. */
function fieldOfDays(days: string[], lexicon: Lexicon): string | undefined {
  const fieldsOf = (day: string) =>
    new Set((lexicon.phrases.get(day) ?? []).flatMap((e) => (e.kind === 'value' ? [e.dimension] : [])));
  const [first, ...others] = days.map(fieldsOf);
  const shared = [...(first ?? [])].filter((f) => others.every((o) => o.has(f)));
  return shared.length === 1 ? shared[0] : undefined;
}
