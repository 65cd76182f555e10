/**
 * The part of the catalog a model is shown for one question: metrics, dimensions (with known
 * values) and, when SQL is allowed, tables and joins — those whose words the question shares
 * first, then the rest in catalog order up to a cap, so a 500-table catalog still fits a prompt and
 * a word the catalog lacks ("takings") can still be matched by meaning.
 *
 * Only descriptions of the data, never the data: no rows, and nothing of a personal column (not
 * its name, its samples, nor a metric or dimension computed from it).
 */
import {
  dimensionByName,
  expressionColumns,
  metricTable,
  metricTimeColumn,
  tableByAlias,
  tableByName,
} from '../semantic-catalog/catalog.ts';
import type { Catalog, DimensionDef, MetricDef } from '../semantic-catalog/schema.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { words } from '../semantic-catalog/understand/words.ts';

const MAX_METRICS = 20;
const MAX_DIMENSIONS = 20;
const MAX_VALUES = 12;
const MAX_TABLES = 8;

export interface SliceMetric {
  name: string;
  label: string;
  description: string;
  synonyms: string[];
  /** Whether it can be filtered or grouped by time. */
  dated: boolean;
}

export interface SliceDimension {
  name: string;
  label: string;
  description: string;
  synonyms: string[];
  values: string[];
}

export interface SliceTable {
  name: string;
  description: string;
  columns: { name: string; type: string; description: string; key?: true }[];
}

export interface CatalogSlice {
  metrics: SliceMetric[];
  dimensions: SliceDimension[];
  tables: SliceTable[];
  joins: { from: string; to: string; on: [string, string][] }[];
}

/** Every value the warehouse and the catalog know, by dimension: lower-cased word → the value itself. */
export function knownValues(lexicon: Lexicon): Map<string, Map<string, string>> {
  const known = new Map<string, Map<string, string>>();
  for (const [phrase, entries] of lexicon.phrases) {
    for (const entry of entries) {
      if (entry.kind !== 'value') continue;
      const values = known.get(entry.dimension) ?? new Map<string, string>();
      values.set(entry.value.toLowerCase(), entry.value);
      values.set(phrase, entry.value);
      known.set(entry.dimension, values);
    }
  }
  return known;
}

function touchesPersonal(catalog: Catalog, expressions: string[], defaultTable?: string): boolean {
  return expressions.some((expression) =>
    expressionColumns(expression).some(({ alias, column }) => {
      const table = alias ? tableByAlias(catalog, alias) : tableByName(catalog, defaultTable ?? '');
      return !!table?.columns.find((c) => c.name === column)?.personal;
    }),
  );
}

function personalMetric(catalog: Catalog, metric: MetricDef): boolean {
  return touchesPersonal(catalog, [
    metric.expression,
    ...metric.filters,
    ...(metric.row_value ? [metric.row_value] : []),
  ]);
}

function personalDimension(catalog: Catalog, dimension: DimensionDef): boolean {
  return dimension.sources.some((source) => {
    const table = tableByName(catalog, source.table);
    if (source.column && table?.columns.find((c) => c.name === source.column)?.personal) return true;
    return !!source.expression && touchesPersonal(catalog, [source.expression], source.table);
  });
}

/** How many of the question's words a text shares. */
function scorer(question: string): (...texts: string[]) => number {
  const asked = new Set(words(question));
  return (...texts) =>
    new Set(texts.flatMap((t) => words(t.replaceAll('_', ' '))).filter((w) => asked.has(w))).size;
}

function pick<T>(items: T[], score: (item: T) => number, max: number): T[] {
  return items
    .map((item, index) => ({ item, index, score: score(item) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, max)
    .map((s) => s.item);
}

export function catalogSlice(
  question: string,
  catalog: Catalog,
  lexicon: Lexicon,
  options: { sql: boolean; tablesFrom?: Catalog },
): CatalogSlice {
  const score = scorer(question);
  const known = knownValues(lexicon);
  const valuesOf = (name: string) => [...new Set(known.get(name)?.values())];

  const metricDefs = pick(
    catalog.metrics.filter((m) => !personalMetric(catalog, m)),
    (m) => score(m.name, m.label, m.description, ...m.synonyms),
    MAX_METRICS,
  );
  const dimensionDefs = pick(
    catalog.dimensions.filter((d) => !personalDimension(catalog, d)),
    (d) => score(d.name, d.label, d.description, ...d.synonyms, ...valuesOf(d.name)),
    MAX_DIMENSIONS,
  );
  const metrics = metricDefs.map((m) => ({
    name: m.name,
    label: m.label,
    description: m.description,
    synonyms: m.synonyms,
    dated: !m.snapshot && !!metricTimeColumn(catalog, m),
  }));
  const dimensions = dimensionDefs.map((d) => ({
    name: d.name,
    label: d.label,
    description: d.description,
    synonyms: d.synonyms,
    // Values the question names come first, so one of 500 customers still makes the cut.
    values: pick(valuesOf(d.name), (v) => score(v), MAX_VALUES),
  }));
  if (!options.sql) return { metrics, dimensions, tables: [], joins: [] };
  // Tables for SQL come from the catalog as the asking person may see it (their hidden columns as
  // personal): a model shown a table they may not read would name it back to them in a refusal.
  const readable = options.tablesFrom ?? catalog;

  const wanted = new Set([
    ...metricDefs.slice(0, 3).flatMap((m) => metricTable(catalog, m)?.name ?? []),
    ...dimensionDefs.slice(0, 3).flatMap((d) => d.sources.map((s) => s.table)),
  ]);
  const tableDefs = pick(
    readable.tables,
    (t) =>
      (wanted.has(t.name) ? 100 : 0) +
      score(t.name, t.description, ...t.synonyms, ...t.columns.filter((c) => !c.personal).map((c) => c.name)),
    MAX_TABLES,
  );
  const tables = tableDefs.map((t) => ({
    name: t.name,
    description: t.description,
    columns: t.columns
      .filter((c) => !c.personal)
      .map((c) => ({
        name: c.name,
        type: c.type,
        description: c.description,
        ...(c.hidden ? { key: true as const } : {}),
      })),
  }));
  const shown = new Set(tables.map((t) => t.name));
  const joins = readable.joins
    .filter((j) => shown.has(j.from) && shown.has(j.to))
    .map((j) => ({ from: j.from, to: j.to, on: j.on }));
  return { metrics, dimensions, tables, joins };
}

/** Whether a dimension the model names is one it was shown (and so one the catalog has). */
export function shownDimension(slice: CatalogSlice, catalog: Catalog, name: string): boolean {
  return slice.dimensions.some((d) => d.name === name) && !!dimensionByName(catalog, name);
}
