/**
 * What a metric is counted or measured over: "average rating of restaurants", "how many lakes".
 * A table's own name is placed only when it says something true of the question: the subject of
 * the metrics asked (their fact table, or a table each fact row belongs to), or, after "how many"
 * with no other metric, that table's one plain count. Anything else stays unplaced.
 */
import {
  baseMetrics,
  dimensionByName,
  joinPath,
  metricByName,
  metricTable,
  tableByAlias,
} from '../catalog.ts';
import { isAdditive } from '../compile.ts';
import { isNameColumn, keyColumn } from '../key-dimensions.ts';
import type { Catalog, MetricDef } from '../schema.ts';
import type { LexiconEntry } from './lexicon.ts';
import { isLinkingVerb } from './linking-verbs.ts';

interface Match {
  start: number;
  end: number;
  text: string;
  entries: LexiconEntry[];
}

type Entity = Extract<LexiconEntry, { kind: 'entity' }>;

const COUNTING = /^(many|number|count|counts)$/;
const GRAMMAR_BETWEEN = /^(of|the|distinct|unique|different|total|all)$/;

/**
 * Resolves every entity phrase in place: kept as the metrics' subject, turned into a count
 * metric, or dropped (its other readings, if any, remain). Returns the metrics, possibly one more.
 */
export function readSubjects(
  tokens: string[],
  matches: Match[],
  metrics: string[],
  grouped: string[],
  catalog: Catalog,
  rowConditions: string[] = [],
): string[] {
  const asked = [...metrics];
  for (const match of matches) {
    const entities = match.entries.filter((e): e is Entity => e.kind === 'entity');
    if (entities.length === 0) continue;
    // "restaurants with a rating above 4": the things picked by a row condition, counted.
    const picked = firstRowsCounted(match, entities, matches, rowConditions, catalog);
    if (picked) {
      match.entries = [{ kind: 'metric', name: picked.name }];
      asked.push(picked.name);
      continue;
    }
    const others = match.entries.filter((e) => e.kind !== 'entity');
    if (others.some((e) => e.kind === 'dimension' && grouped.includes(e.name))) {
      match.entries = others;
      continue;
    }
    // "revenue of customers" alone may ask for each customer's; "… of customers in EMEA" and
    // "the total … of customers" do not.
    const qualified =
      matches.some((m) => m.entries.some((e) => e.kind === 'value')) ||
      tokens.slice(0, match.start).includes('total');
    const subject = entities.find(
      (e) =>
        asked.length > 0 &&
        asked.every((name) =>
          measuredOver(catalog, metricByName(catalog, name) as MetricDef, e.table, qualified),
        ),
    );
    if (subject) {
      match.entries = [subject];
      continue;
    }
    // "each instructor who taught a course": the object of a linking verb, reached from the facts.
    const object = linkedObject(tokens, match, entities, asked, catalog);
    if (object) {
      match.entries = [object];
      continue;
    }
    const owner = ownerOfField(tokens, matches, match, entities, catalog);
    if (owner) {
      match.entries = [owner];
      continue;
    }
    const count =
      asked.length === 0 && counted(tokens, match.start) ? plainCount(catalog, entities) : undefined;
    if (count) {
      asked.push(count.name);
      match.entries = [{ kind: 'metric', name: count.name }];
      continue;
    }
    match.entries = others;
  }
  for (let i = matches.length - 1; i >= 0; i--) if (matches[i]?.entries.length === 0) matches.splice(i, 1);
  return asked;
}

/**
 * Whether "<metric> of <table>" is the metric as defined: over its own fact table always; over a
 * table each fact row belongs to only for a plain SUM or COUNT, qualified by a value ("reviews of
 * businesses in California"). The
 * average rating "of businesses" may mean the average of each business's average: another number.
 */
function measuredOver(catalog: Catalog, metric: MetricDef, table: string, qualified: boolean): boolean {
  const fact = metricTable(catalog, metric)?.name;
  if (!fact) return false;
  if (fact === table) return true;
  // A ratio "per publication" is measured over what its denominator counts.
  if (baseMetrics(catalog, metric).some((base) => base !== metric && base.table === table)) return true;
  const denominator = /\/\s*(?:nullif\s*\(\s*)?\{([a-z_]+)\}/i.exec(metric.expression)?.[1];
  const counted = denominator ? metricByName(catalog, denominator) : undefined;
  if (counted && countedTable(catalog, counted) === table) return true;
  return qualified && isAdditive(metric) && !!joinPath(catalog, fact, table);
}

/** COUNT(DISTINCT alias.column): the alias and the column. */
const DISTINCT_COLUMN = /^\s*count\s*\(\s*distinct\s+([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\s*\)\s*$/i;

/**
 * The table whose rows a count counts: a key of a table its own, a key that leads to another
 * table's row that table (COUNT(DISTINCT writes.paperid): papers), else its own table when it
 * counts its rows (COUNT(*), a hidden id, the things' name).
 */
export function countedTable(catalog: Catalog, metric: MetricDef): string | undefined {
  const counted = DISTINCT_COLUMN.exec(metric.expression);
  const table = counted ? tableByAlias(catalog, counted[1] as string) : undefined;
  if (table && counted) {
    if (keyColumn(table) === counted[2]) return table.name;
    const link = catalog.joins.find(
      (j) => j.from === table.name && j.on.length === 1 && j.on[0]?.[0] === counted[2],
    );
    if (link) return link.to;
  }
  return countsRows(metric, catalog) ? metric.table : undefined;
}

/**
 * "the categories of businesses", "the neighbourhoods of restaurants": the thing a field named just
 * before belongs to, when the two tables are joined. It says whose field it is, nothing more.
 */
function ownerOfField(
  tokens: string[],
  matches: Match[],
  match: Match,
  entities: Entity[],
  catalog: Catalog,
): Entity | undefined {
  let at = match.start - 1;
  if (tokens[at] === 'the') at--;
  if (tokens[at] !== 'of') return undefined;
  const field = matches.find((m) => m.end === at)?.entries.find((e) => e.kind === 'dimension');
  const tables =
    field?.kind === 'dimension'
      ? (dimensionByName(catalog, field.name)?.sources.map((s) => s.table) ?? [])
      : [];
  return entities.find((e) =>
    tables.some((t) => t === e.table || joinPath(catalog, t, e.table) || joinPath(catalog, e.table, t)),
  );
}

/** An entity right after a linking verb ("taught a course"), whose table every asked metric reaches. */
function linkedObject(
  tokens: string[],
  match: Match,
  entities: Entity[],
  asked: string[],
  catalog: Catalog,
): Entity | undefined {
  let at = match.start - 1;
  while (at >= 0 && /^(a|an|the|any|some|at|least|one)$/.test(tokens[at] as string)) at--;
  if (at < 0 || !isLinkingVerb(tokens[at] as string) || asked.length === 0) return undefined;
  return entities.find((e) =>
    asked.every((name) => {
      const fact = metricTable(catalog, metricByName(catalog, name) as MetricDef)?.name;
      return !!fact && !!joinPath(catalog, fact, e.table);
    }),
  );
}

/**
 * The things named before a metric that only picks them ("restaurants with a rating above 4 per
 * city"): their table's count, when the condition is on a value of each of their rows.
 */
function firstRowsCounted(
  match: Match,
  entities: Entity[],
  matches: Match[],
  rowConditions: string[],
  catalog: Catalog,
): MetricDef | undefined {
  const laterMetrics = matches.filter(
    (m) => m.start > match.start && m.entries.some((e) => e.kind === 'metric'),
  );
  const earlierMetric = matches.some(
    (m) => m.start < match.start && m.entries.some((e) => e.kind === 'metric'),
  );
  if (earlierMetric || laterMetrics.length === 0) return undefined;
  const onRows = rowConditions.some((name) =>
    entities.some((e) => metricTable(catalog, metricByName(catalog, name) as MetricDef)?.name === e.table),
  );
  return onRows ? plainCount(catalog, entities) : undefined;
}

/** "how many lakes", "the number of distinct papers": a counting word just before the entity. */
function counted(tokens: string[], start: number): boolean {
  for (let i = start - 1; i >= 0 && i >= start - 4; i--) {
    const token = tokens[i] as string;
    if (COUNTING.test(token)) return true;
    if (!GRAMMAR_BETWEEN.test(token)) return false;
  }
  return false;
}

/** The one unfiltered count of the entity's table's rows, if the catalog has exactly one. */
export function plainCount(catalog: Catalog, entities: Entity[]): MetricDef | undefined {
  const counts = catalog.metrics.filter(
    (m) => m.filters.length === 0 && entities.some((e) => e.table === m.table && countsRows(m, catalog)),
  );
  return counts.length === 1 ? counts[0] : undefined;
}

/**
 * A metric that counts its table's rows: COUNT(*), or COUNT(DISTINCT the table's key) — the key
 * told by its name, or, when no name tells it (author.aid), a hidden column of the table's own or
 * the things' name column (a lake by its lake_name).
 */
export function countsRows(metric: MetricDef, catalog: Catalog): boolean {
  const table = catalog.tables.find((t) => t.name === metric.table);
  const key = table && keyColumn(table);
  if (/^\s*count\s*\(\s*\*\s*\)\s*$/i.test(metric.expression)) return true;
  const distinct = DISTINCT_COLUMN.exec(metric.expression);
  if (!distinct || !table || distinct[1] !== table.alias) return false;
  if (key) return distinct[2] === key;
  // No key: a hidden identifier, or the things' own name (lake.lake_name) counts them.
  return (
    !!table.columns.find((c) => c.name === distinct[2])?.hidden || isNameColumn(table, distinct[2] as string)
  );
}
