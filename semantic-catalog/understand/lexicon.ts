/**
 * The words a catalog answers to: metric and dimension names and synonyms, dimension values
 * (from the catalog and learned from the warehouse), and the names of personal columns.
 */
import type { Catalog } from '../schema.ts';
import { words } from './words.ts';

export type LexiconEntry =
  | { kind: 'metric'; name: string }
  | { kind: 'dimension'; name: string }
  | { kind: 'value'; dimension: string; value: string }
  | { kind: 'personal'; table: string; column: string }
  /** A table's own name or synonyms ("restaurants"): what a metric is counted or measured over. */
  | { kind: 'entity'; table: string };

export interface Lexicon {
  /** Phrase (words joined by spaces) → what it may mean. */
  phrases: Map<string, LexiconEntry[]>;
  longest: number;
}

export type DimensionValues = Map<string, string[]>;

export function buildLexicon(catalog: Catalog, learned: DimensionValues = new Map()): Lexicon {
  const phrases = new Map<string, LexiconEntry[]>();
  let longest = 1;
  const add = (text: string, entry: LexiconEntry) => {
    const key = words(text).join(' ');
    if (!key) return;
    const list = phrases.get(key) ?? [];
    if (!list.some((e) => JSON.stringify(e) === JSON.stringify(entry))) list.push(entry);
    phrases.set(key, list);
    longest = Math.max(longest, key.split(' ').length);
  };
  for (const metric of catalog.metrics) {
    for (const text of [metric.name.replaceAll('_', ' '), metric.label, ...metric.synonyms])
      add(text, { kind: 'metric', name: metric.name });
  }
  for (const dimension of catalog.dimensions) {
    for (const text of [dimension.name.replaceAll('_', ' '), dimension.label, ...dimension.synonyms]) {
      add(text, { kind: 'dimension', name: dimension.name });
    }
    const fromColumns = dimension.sources.flatMap((source) => {
      const column = catalog.tables
        .find((t) => t.name === source.table)
        ?.columns.find((c) => c.name === source.column);
      return (column?.sample_values ?? []).map(String);
    });
    const values = new Set([
      ...dimension.sample_values,
      ...fromColumns,
      ...(learned.get(dimension.name) ?? []),
    ]);
    for (const value of values) add(value, { kind: 'value', dimension: dimension.name, value });
    for (const [value, names] of Object.entries(dimension.value_synonyms)) {
      for (const name of names) add(name, { kind: 'value', dimension: dimension.name, value });
    }
  }
  for (const table of catalog.tables) {
    const bare = table.name.split('.').pop() as string;
    for (const text of [bare.replaceAll('_', ' '), ...table.synonyms])
      add(text, { kind: 'entity', table: table.name });
    for (const column of table.columns.filter((c) => c.personal)) {
      for (const text of [column.name.replaceAll('_', ' '), ...column.synonyms]) {
        add(text, { kind: 'personal', table: table.name, column: column.name });
      }
    }
  }
  return { phrases, longest };
}
