/**
 * Words that only qualify what is asked, and the joins of values the query can't say: the phases
 * of the reading that decide whether a thing named is a number asked for, the way to a filter, or
 * something to ask about.
 */
import { dimensionByName, isCount, metricByName, reachableSource } from '../catalog.ts';
import type { Catalog } from '../schema.ts';
import type { FieldMatch as Match } from './fields.ts';
import { isLinkingVerb } from './linking-verbs.ts';
import type { Reading } from './reading.ts';

/**
 * "EMEA or Online" (either of two fields' values: the query ANDs fields) and "in both the domain X
 * and the domain Y" (things having both, which a filter of either is not): said, never answered.
 */
export function unsayableJoins(
  tokens: string[],
  matches: Match[],
  reading: Reading,
  text: string,
): Reading['leftovers'] {
  const leftovers: Reading['leftovers'] = [];
  const single = (said: string) => reading.values.find((v) => v.said === said && v.options.length === 1);
  const valueNear = (from: number, step: number) => {
    let k = from;
    while (/^(a|an|the|have|has|had|with|without|are|is|in|from|located|of)$/.test(tokens[k] ?? ''))
      k += step;
    const found = matches.find((m) => (step < 0 ? m.end === k + 1 : m.start === k));
    const value = found && single(found.text);
    return found && value ? { text: found.text, dimension: value.options[0]?.dimension } : undefined;
  };
  for (const [at, token] of tokens.entries()) {
    if (token !== 'or') continue;
    const before = valueNear(at - 1, -1);
    const after = valueNear(at + 1, 1);
    if (before && after && before.dimension !== after.dimension)
      leftovers.push({ word: `${before.text} or ${after.text}`, candidates: [] });
  }
  const fields = reading.values.flatMap((v) =>
    v.options.length === 1 && !v.exclude ? [v.options[0]?.dimension] : [],
  );
  if (/\bboth\b/.test(text) && fields.some((d, i) => fields.indexOf(d) !== i))
    leftovers.push({ word: 'both … and …', candidates: [] });
  return leftovers;
}

/**
 * "authors who wrote papers published in the journal Science": "papers", after a linking verb,
 * only names the way from what is counted (authorship) to what it is filtered by (the journal).
 * Placed when its table lies on that way; anywhere else it would be a question of its own.
 */
export function linkedOnPath(
  tokens: string[],
  match: Match,
  field: string,
  reading: Reading,
  catalog: Catalog,
): boolean {
  let at = match.start - 1;
  while (at >= 0 && /^(a|an|the|any|some|that|who|which|have|has|had)$/.test(tokens[at] as string)) at--;
  if (!isLinkingVerb(tokens[at] ?? '')) return false;
  const tables = new Set(dimensionByName(catalog, field)?.sources.map((s) => s.table));
  const facts = reading.metrics.flatMap((name) => {
    const metric = metricByName(catalog, name);
    return metric?.table ? [metric.table] : [];
  });
  const ends = [
    ...reading.values.flatMap((v) => (v.options.length === 1 ? [v.options[0]?.dimension as string] : [])),
    ...reading.dimensions,
  ];
  return facts.some(
    (fact) =>
      tables.has(fact) ||
      ends.some((end) => {
        const def = dimensionByName(catalog, end);
        const path = def && reachableSource(catalog, def, fact, { bridges: true })?.joins;
        return !!path?.some((j) => tables.has(j.to));
      }),
  );
}

/**
 * "patients who had treatments", "revenue from new customers": a metric named after a verb of
 * having (or "from", "among"), with no "and" before it, qualifies what is counted rather than
 * asking for a second number. The reading can't express that, so it stays unplaced, unless a
 * condition is attached to it.
 */
export function dropPossessedMetrics(tokens: string[], matches: Match[], reading: Reading): void {
  const asked = matches.filter((m) =>
    m.entries.some((e) => e.kind === 'metric' && reading.metrics.includes(e.name)),
  );
  for (const match of asked.slice(1)) {
    const name = (match.entries.find((e) => e.kind === 'metric') as { name: string }).name;
    let at = match.start - 1;
    while (at >= 0 && /^(a|an|the|any|some|at|least|one|more)$/.test(tokens[at] as string)) at--;
    if (!/^(had|have|has|having|got|get|gets|received|receive|receives|from|among)$/.test(tokens[at] ?? ''))
      continue;
    if (reading.conditions.some((c) => c.metric === name)) continue;
    reading.metrics = reading.metrics.filter((m) => m !== name);
    matches.splice(matches.indexOf(match), 1);
  }
}

/**
 * "how many invoices are overdue": a number said of another ("are overdue") is not a second number
 * asked beside it — unless both count the same rows ("how many orders were refunded": the
 * refunded ones), when the part is what is asked. "for each instructor who taught": a breakdown
 * asked by a phrase that names a number. Returns what is said, never answered; drops the whole
 * from `reading.metrics` where the part is asked.
 */
export function numbersSaidOfOthers(
  tokens: string[],
  matches: Match[],
  reading: Reading,
  catalog: Catalog,
): Reading['leftovers'] {
  const said: Reading['leftovers'] = [];
  const metricOf = (m: Match) => {
    const entry = m.entries[0];
    return entry?.kind === 'metric' ? metricByName(catalog, entry.name) : undefined;
  };
  // "how many round trip fares": a count asked of a number that is no count (an average fare).
  for (const [i, token] of tokens.entries()) {
    if (token !== 'how' || tokens[i + 1] !== 'many') continue;
    const next = matches.find((m) => m.start === i + 2);
    const metric = next?.entries.every((e) => e.kind === 'metric') ? metricOf(next) : undefined;
    const counts = (m: NonNullable<typeof metric>) =>
      isCount(m) || (/^\s*sum\s*\(/i.test(m.expression) && m.format === 'integer');
    if (next && metric && !counts(metric)) said.push({ word: `how many ${next.text}`, candidates: [] });
  }
  const counts = (m: ReturnType<typeof metricOf>) => !!m && isCount(m);
  const numbers = matches.filter((m) => m.entries.every((e) => e.kind === 'metric'));
  for (const [i, match] of numbers.entries()) {
    const next = numbers[i + 1];
    const between = next ? tokens.slice(match.end, next.start) : [];
    if (next && between.length === 1 && /^(is|are|was|were)$/.test(between[0] as string)) {
      const [whole, part] = [metricOf(match), metricOf(next)];
      if (whole && part && counts(whole) && counts(part) && whole.table === part.table)
        reading.metrics = reading.metrics.filter((name) => name !== whole.name);
      else said.push({ word: `${between[0]} ${next.text}`, candidates: [] });
    }
    // "average order value for new customers", "orders with refunds": a number said of another
    // number is no second answer beside it, and neither can narrow the other.
    const linking = between.filter((t) => !/^(the|a|an|our|all)$/.test(t));
    if (
      next &&
      linking.length === 1 &&
      /^(for|from|among|of|with|without)$/.test(linking[0] as string) &&
      !/^§\d+$/.test(tokens[next.end] ?? '') &&
      metricOf(match)?.name !== metricOf(next)?.name
    )
      said.push({ word: `${linking[0]} ${next.text}`, candidates: [] });
    const before = tokens[match.start - 1] ?? '';
    if (/^(each|every)$/.test(before)) said.push({ word: `${before} ${match.text}`, candidates: [] });
    // "reviews by rating": "by" a number breaks nothing down; only a ranking or a sort reads it
    // ("top 5 by revenue"), and "citations received by publications" names who did it.
    const verb = tokens[match.start - 2] ?? '';
    const ranked = reading.limit !== undefined || !!reading.direction || !!reading.sortKey;
    if (/^(by|across)$/.test(before) && !ranked && !isLinkingVerb(verb) && !/[a-z]{3}ed$/.test(verb))
      said.push({ word: `${before} ${match.text}`, candidates: [] });
  }
  return said;
}

/**
 * "students who have declared a major", "authors without an organization": a field had (any
 * value) or not (none), after a having-verb — never "with region" (asks nothing) nor "have region
 * EMEA" (a value is said). Adds each as a value of the reading; returns the word positions used.
 */
export function readHadFields(tokens: string[], matches: Match[], reading: Reading): number[] {
  const used: number[] = [];
  for (const match of matches) {
    const entry = match.entries[0];
    if (match.entries.length !== 1 || entry?.kind !== 'dimension' || match.qualified) continue;
    if (reading.dimensions.includes(entry.name)) continue;
    let at = match.start - 1;
    const article = /^(a|an|any|no)$/.test(tokens[at] ?? '') ? tokens[at--] : undefined;
    const verb = tokens[at] ?? '';
    if (!/^(have|has|had|with|without)$/.test(verb) || (!article && verb === 'with')) continue;
    if (matches.some((m) => m.start === match.end && m.entries.some((e) => e.kind === 'value'))) continue;
    const exclude = verb === 'without' || article === 'no';
    reading.values.push({
      said: [verb, article, match.text].filter(Boolean).join(' '),
      options: [{ dimension: entry.name, value: '' }],
      match: 'present',
      ...(exclude ? { exclude: true } : {}),
    });
    match.qualified = true;
    for (let i = at; i < match.start; i++) used.push(i);
  }
  return used;
}

/**
 * Whose a condition said after a linking word is. "customers with revenue over $2M", "categories
 * that have an average rating above 4": each group's. "reviews with a rating above 3 by category":
 * each review's — the rows the count just before "with" counts (a count of the measure's own
 * table). "customers that have orders over $5,000" (an amount of things counted): each order's.
 */
export function conditionLevel(
  tokens: string[],
  matches: Match[],
  subject: Match,
  measure: string,
  money: boolean,
  catalog: Catalog,
): 'group' | 'row' {
  let link = subject.start - 1;
  while (/^(a|an|the)$/.test(tokens[link] ?? '')) link--;
  const word = tokens[link] ?? '';
  // An amount said of things counted is each one's ("orders over $5,000"); of a total, the
  // group's ("customers that have revenue over $10,000", "customers who bought more than $10,000").
  const measured = metricByName(catalog, measure);
  if (money && measured && !isCount(measured))
    return rowsCounted(link, matches, measure, catalog) ? 'row' : 'group';
  const linked = /^(with|having|where|whose)$/.test(word) || (/^(have|has|had)$/.test(word) && !money);
  return linked && !rowsCounted(link, matches, measure, catalog) ? 'group' : 'row';
}

function rowsCounted(linkAt: number, matches: Match[], measure: string, catalog: Catalog): boolean {
  const owner = matches.find((m) => m.end === linkAt);
  const measured = metricByName(catalog, measure);
  const table = measured?.table;
  return (
    !!table &&
    !!owner?.entries.some((e) => {
      if (e.kind === 'entity') return e.table === table;
      const counted = e.kind === 'metric' ? metricByName(catalog, e.name) : undefined;
      // The same rows: the count keeps no row the measure doesn't ("completed orders", both).
      return (
        !!counted &&
        isCount(counted) &&
        counted.table === table &&
        counted.filters.every((f) => measured?.filters.includes(f))
      );
    })
  );
}
