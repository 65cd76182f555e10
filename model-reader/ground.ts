/**
 * The model's reply held to what an offline reading must satisfy: every name one the model was
 * shown, every filter value one the warehouse or catalog knows, every time phrase one our own time
 * words reader turns into dates, every part tied to words the question really has. What passes
 * becomes a Reading and goes through the same planning as an offline one (reachability, future
 * periods, time columns), so the model can't reach a query the offline path would refuse.
 */
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { Catalog, Grain } from '../semantic-catalog/schema.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import type { Understanding } from '../semantic-catalog/understand/parse.ts';
import { planQuery } from '../semantic-catalog/understand/plan.ts';
import type { Reading } from '../semantic-catalog/understand/reading.ts';
import { readTimeWords } from '../semantic-catalog/understand/time-words.ts';
import { normalizeText } from '../semantic-catalog/understand/words.ts';
import type { ModelReply } from './reply.ts';
import { type CatalogSlice, knownValues } from './slice.ts';

export type Grounded = { ok: true; understanding: Understanding } | { ok: false; reason: string };

/** Grammar a time phrase may carry around the period itself ("during the last quarter"). */
const TIME_GRAMMAR = /^(the|of|in|for|during|over|a|an|and|by)$/;

export function groundReply(
  question: string,
  reply: ModelReply,
  slice: CatalogSlice,
  catalog: Catalog,
  lexicon: Lexicon,
  today: IsoDate,
): Grounded {
  const typed = ` ${normalizeText(question)} `;
  const parts: Reading['parts'] = [];
  const problems: string[] = [];
  const heard = (said: string, became: string) => {
    const words = normalizeText(said);
    if (!words || !typed.includes(` ${words} `))
      problems.push(`it says “${said}” came from the question, which has no such words`);
    else parts.push({ said: words, became });
  };
  const metricNames = new Set(slice.metrics.map((m) => m.name));
  const dimensionNames = new Set(slice.dimensions.map((d) => d.name));

  for (const m of reply.metrics) {
    if (!metricNames.has(m.name)) problems.push(`it named a metric “${m.name}” the catalog doesn’t have`);
    heard(m.said, `metric ${m.name}`);
  }
  for (const d of reply.dimensions) {
    if (!dimensionNames.has(d.name)) problems.push(`it named a field “${d.name}” the catalog doesn’t have`);
    heard(d.said, `dimension ${d.name}`);
  }
  const known = knownValues(lexicon);
  const values: Reading['values'] = [];
  for (const f of reply.filters) {
    if (!dimensionNames.has(f.dimension)) {
      problems.push(`it filtered on a field “${f.dimension}” the catalog doesn’t have`);
      continue;
    }
    for (const value of f.values) {
      const canonical =
        known.get(f.dimension)?.get(value.toLowerCase()) ?? known.get(f.dimension)?.get(normalizeText(value));
      if (!canonical) problems.push(`“${value}” is not a known value of ${f.dimension}`);
      else
        values.push({ said: normalizeText(f.said), options: [{ dimension: f.dimension, value: canonical }] });
    }
    heard(f.said, `value ${f.dimension}`);
  }

  const reading: Reading = {
    text: normalizeText(question),
    metrics: [...new Set(reply.metrics.map((m) => m.name))],
    dimensions: [...new Set(reply.dimensions.map((d) => d.name))],
    values,
    singularRanking: false,
    alphabetical: false,
    conditions: [],
    // The model's fields are breakdowns: a top of one within another is never guessed.
    groupedBy: [...new Set(reply.dimensions.map((d) => d.name))],
    unfiltered: [],
    leftovers: [],
    corrections: [],
    parts,
  };
  if (reply.time) {
    const time = readTimeWords(normalizeText(reply.time.phrase), today);
    const rest = time.rest.split(' ').filter((w) => w && !TIME_GRAMMAR.test(w));
    if (!time.time && !time.grain && !time.compareKind)
      problems.push(`“${reply.time.phrase}” is not a time phrase Tally knows`);
    else if (rest.length > 0)
      problems.push(`“${rest.join(' ')}” in “${reply.time.phrase}” is not a time word`);
    if (time.time) reading.time = time.time;
    if (time.grain) reading.grain = time.grain;
    if (time.compareKind) reading.compare = time.compareKind;
    if (time.explicitCompare) reading.comparedWith = time.explicitCompare;
    heard(reply.time.said, 'time');
  }
  if (reply.grain) {
    if (!catalog.grains.includes(reply.grain.grain as Grain))
      problems.push(`“${reply.grain.grain}” is not a time grain`);
    else reading.grain = reply.grain.grain as Grain;
    heard(reply.grain.said, `grain ${reply.grain.grain}`);
  }
  if (reply.sort) {
    const names = reply.sort.by === 'metric' ? metricNames : dimensionNames;
    if (!names.has(reply.sort.name))
      problems.push(`it sorted by “${reply.sort.name}”, which the catalog doesn’t have`);
    reading.sortKey = { kind: reply.sort.by, name: reply.sort.name };
    reading.direction = reply.sort.direction;
    heard(reply.sort.said, 'sort');
  }
  if (reply.limit) {
    reading.limit = reply.limit.count;
    reading.direction ??= 'desc';
    heard(reply.limit.said, 'limit');
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return { ok: true, understanding: planQuery(question, reading, catalog, today) };
}
