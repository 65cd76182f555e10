/**
 * "the population of the cities", "top 5 cities with the highest population": a metric named with
 * a thing its facts can't reach is that thing's own metric when the catalog has one by that name
 * ("city population"). Only where the plain reading would be refused as unconnected.
 */
import { baseMetrics, dimensionByName, joinPath, metricByName, metricTable } from '../catalog.ts';
import type { Catalog, MetricDef } from '../schema.ts';
import type { Lexicon, LexiconEntry } from './lexicon.ts';
import { stem } from './words.ts';

interface Match {
  start: number;
  end: number;
  text: string;
  entries: LexiconEntry[];
}

/** Ranking and counting words inside a metric phrase ("highest population") that the owned name leaves out. */
const NOT_IN_NAME =
  /^(highest|lowest|largest|smallest|biggest|most|least|greatest|total|average|avg|how|many|number|count|of|the|a|an)$/;

export function readOwnedMetrics(matches: Match[], lexicon: Lexicon, catalog: Catalog): void {
  const factOf = (name: string) => metricTable(catalog, metricByName(catalog, name) as MetricDef)?.name;
  for (const match of matches) {
    const metric = match.entries.find((e) => e.kind === 'metric');
    const fact = metric?.kind === 'metric' && match.entries.length === 1 ? factOf(metric.name) : undefined;
    if (!fact) continue;
    for (const thing of matches) {
      const tables = thing.entries.flatMap((e) => tablesOf(e, catalog));
      if (thing === match || tables.length === 0 || tables.some((t) => joinPath(catalog, fact, t))) continue;
      const owned = lexicon.phrases.get(ownedName(thing, match, catalog))?.find((e) => e.kind === 'metric');
      const ownedFact = owned?.kind === 'metric' ? factOf(owned.name) : undefined;
      if (owned && ownedFact && tables.some((t) => joinPath(catalog, ownedFact, t))) {
        match.entries = [owned];
        break;
      }
    }
  }
}

/** The tables a thing named lives in: an entity's own, a field's or a value's sources. */
function tablesOf(entry: LexiconEntry, catalog: Catalog): string[] {
  if (entry.kind === 'entity') return [entry.table];
  if (entry.kind !== 'dimension' && entry.kind !== 'value') return [];
  const name = entry.kind === 'value' ? entry.dimension : entry.name;
  return dimensionByName(catalog, name)?.sources.map((s) => s.table) ?? [];
}

/**
 * "<thing> <metric's content words>", as the lexicon keys it: "the number of papers" with "each
 * dataset" → "dataset paper"; a value stands for its field ("papers on Machine Learning" →
 * "keyphrase paper").
 */
function ownedName(thing: Match, metric: Match, catalog: Catalog): string {
  const value = thing.entries.find((e) => e.kind === 'value');
  const thingWords =
    value?.kind === 'value'
      ? (dimensionByName(catalog, value.dimension)?.label.toLowerCase().split(' ') ?? [])
      : thing.text.split(' ');
  const core = metric.text.split(' ').filter((w) => !NOT_IN_NAME.test(w));
  return [...thingWords, ...core].map(stem).join(' ');
}

/**
 * "the population of each state" where "population" is both the cities' and the states' metric:
 * the one kept in the table of a thing the question names (the states) is meant. Undefined when
 * none or several are.
 */
export function ownerOfMetric(
  candidates: string[],
  match: Match,
  matches: Match[],
  catalog: Catalog,
): string | undefined {
  const named = new Set(
    matches.flatMap((m) =>
      m === match
        ? []
        : m.entries.flatMap((e) => {
            const tables = tablesOf(e, catalog);
            // A field kept in several tables names none of them.
            return tables.length === 1 || e.kind === 'entity' ? tables : [];
          }),
    ),
  );
  // A metric computed from others ("gross margin %" from gross profit and revenue) lives where they
  // all do: otherwise a ratio would always lose to its own numerator ("margin" read as gross profit).
  const owned = candidates.filter((name) => {
    const metric = metricByName(catalog, name);
    const tables = new Set(metric ? baseMetrics(catalog, metric).map((m) => m.table) : []);
    const [table] = tables;
    return tables.size === 1 && !!table && named.has(table);
  });
  return owned.length === 1 ? owned[0] : undefined;
}
