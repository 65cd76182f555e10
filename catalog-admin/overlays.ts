/**
 * Overlays: admins' chat edits to the catalog, kept in the app database and applied to the YAML
 * document in order, so the catalog in effect is always "the YAML in Git plus these edits" and is
 * checked by the very same loader (schema, cross-checks) before it takes effect.
 *   YAML text → document → each overlay edits it (comments and layout kept) → text → parseCatalog.
 * Export writes that text; it round-trips through `tally catalog lint` by construction.
 */
import { type Document, isSeq, parseDocument } from 'yaml';
import { parseCatalog } from '../semantic-catalog/loader.ts';
import type { NamedFilter } from '../semantic-catalog/named-filters.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';

export type SynonymTarget =
  | { kind: 'metric' | 'dimension'; name: string }
  | { kind: 'value'; dimension: string; value: string };

export type OverlayChange =
  | { kind: 'synonym'; word: string; target: SynonymTarget }
  | { kind: 'filter'; filter: NamedFilter }
  | {
      kind: 'verified';
      question: string;
      query: Record<string, unknown>;
      verified_by: string;
      verified_on: string;
    }
  /** Removes a word, a named filter or a verified question that the YAML itself holds. */
  | { kind: 'forget'; word: string };

export interface Overlay {
  id: string;
  change: OverlayChange;
}

const same = (a: unknown, b: string) => String(a).toLowerCase() === b.toLowerCase();

function indexBy(doc: Document, list: string, match: (item: Record<string, unknown>) => boolean): number {
  const items = (doc.toJS()[list] ?? []) as Record<string, unknown>[];
  return items.findIndex(match);
}

function append(doc: Document, path: (string | number)[], item: unknown): void {
  const node = doc.getIn(path, true);
  if (isSeq(node)) node.add(doc.createNode(item));
  else doc.setIn(path, doc.createNode([item]));
}

/** Removes `word` from a sequence at path (case-insensitive); true if it was there. */
function removeFrom(doc: Document, path: (string | number)[], word: string): boolean {
  const node = doc.getIn(path, true);
  if (!isSeq(node)) return false;
  const at = node.items.findIndex((item) => same((item as { value?: unknown }).value ?? item, word));
  if (at < 0) return false;
  node.delete(at);
  return true;
}

/** Applies one change to the document; false when it had nothing to change. */
export function applyChange(doc: Document, change: OverlayChange): boolean {
  switch (change.kind) {
    case 'synonym': {
      const { target } = change;
      if (target.kind === 'value') {
        const i = indexBy(doc, 'dimensions', (d) => d.name === target.dimension);
        if (i < 0) return false;
        append(doc, ['dimensions', i, 'value_synonyms', target.value], change.word);
        return true;
      }
      const list = target.kind === 'metric' ? 'metrics' : 'dimensions';
      const i = indexBy(doc, list, (item) => item.name === target.name);
      if (i < 0) return false;
      append(doc, [list, i, 'synonyms'], change.word);
      return true;
    }
    case 'filter':
      append(doc, ['named_filters'], change.filter);
      return true;
    case 'verified': {
      const { question, verified_by, verified_on, query } = change;
      const entry = { question, verified_by, verified_on, query };
      const i = indexBy(doc, 'verified_questions', (q) => same(q.question, change.question));
      if (i >= 0) doc.setIn(['verified_questions', i], doc.createNode(entry));
      else append(doc, ['verified_questions'], entry);
      return true;
    }
    case 'forget':
      return forget(doc, change.word);
  }
}

function forget(doc: Document, word: string): boolean {
  const js = doc.toJS() as Record<string, Record<string, unknown>[] | undefined>;
  let changed = false;
  for (const list of ['metrics', 'dimensions', 'tables'] as const) {
    (js[list] ?? []).forEach((item, i) => {
      if (removeFrom(doc, [list, i, 'synonyms'], word)) changed = true;
      for (const value of Object.keys((item.value_synonyms as object | undefined) ?? {}))
        if (removeFrom(doc, [list, i, 'value_synonyms', value], word)) changed = true;
    });
  }
  for (const [list, key] of [
    ['named_filters', 'name'],
    ['verified_questions', 'question'],
  ] as const) {
    const i = (js[list] ?? []).findIndex((item) => same(item[key], word));
    if (i >= 0) {
      doc.deleteIn([list, i]);
      changed = true;
    }
  }
  return changed;
}

/** The catalog YAML with the overlays applied, in order. */
export function mergedYaml(baseText: string, overlays: Overlay[]): string {
  const doc = parseDocument(baseText);
  for (const overlay of overlays) applyChange(doc, overlay.change);
  return String(doc);
}

/** The catalog in effect: merged, then checked by the same loader as `tally catalog lint` (throws CatalogError). */
export function effectiveCatalog(baseText: string, overlays: Overlay[], file = 'catalog.yaml'): Catalog {
  return parseCatalog(mergedYaml(baseText, overlays), file);
}

/** Whether the YAML in Git already holds this change: such an overlay is retired at start. */
export function yamlContains(baseText: string, change: OverlayChange): boolean {
  if (change.kind === 'forget') return !applyChange(parseDocument(baseText), change);
  const js = parseDocument(baseText).toJS() as Catalog;
  switch (change.kind) {
    case 'synonym': {
      const { target, word } = change;
      if (target.kind === 'value')
        return !!js.dimensions
          ?.find((d) => d.name === target.dimension)
          ?.value_synonyms?.[target.value]?.some((w) => same(w, word));
      const list = target.kind === 'metric' ? js.metrics : js.dimensions;
      return !!list?.find((item) => item.name === target.name)?.synonyms?.some((w) => same(w, word));
    }
    case 'filter':
      return !!js.named_filters?.some(
        (f) =>
          same(f.name, change.filter.name) &&
          f.field === change.filter.field &&
          String(f.value) === String(change.filter.value),
      );
    case 'verified': {
      const found = js.verified_questions?.find((q) => same(q.question, change.question));
      return !!found && JSON.stringify(found.query) === JSON.stringify(change.query);
    }
  }
}

/** What a change touches, before or after it: the entries that mention its word, filter or question. */
export function touched(catalog: Catalog, change: OverlayChange): Record<string, unknown> {
  const word =
    change.kind === 'filter'
      ? change.filter.name
      : change.kind === 'verified'
        ? change.question
        : change.word;
  const found: Record<string, unknown> = {};
  if (change.kind === 'synonym') {
    const { target } = change;
    if (target.kind === 'value')
      found[`dimensions.${target.dimension}.value_synonyms.${target.value}`] =
        catalog.dimensions.find((d) => d.name === target.dimension)?.value_synonyms[target.value] ?? [];
    else
      found[`${target.kind}s.${target.name}.synonyms`] =
        (target.kind === 'metric' ? catalog.metrics : catalog.dimensions).find((m) => m.name === target.name)
          ?.synonyms ?? [];
    return found;
  }
  for (const m of catalog.metrics)
    if (m.synonyms.some((s) => same(s, word))) found[`metrics.${m.name}.synonyms`] = m.synonyms;
  for (const d of catalog.dimensions)
    if (d.synonyms.some((s) => same(s, word))) found[`dimensions.${d.name}.synonyms`] = d.synonyms;
  for (const f of catalog.named_filters ?? []) if (same(f.name, word)) found[`named_filters.${f.name}`] = f;
  for (const q of catalog.verified_questions)
    if (same(q.question, word)) found[`verified_questions.${q.question}`] = q;
  return found;
}

/** One line for listings: what the change does, in catalog terms. */
export function describeChange(change: OverlayChange): string {
  switch (change.kind) {
    case 'synonym': {
      const t = change.target;
      const what = t.kind === 'value' ? `value ${t.value} of ${t.dimension}` : `${t.kind} ${t.name}`;
      return `synonym “${change.word}” → ${what}`;
    }
    case 'filter':
      return `named filter “${change.filter.name}” → ${change.filter.field} = ${change.filter.value}`;
    case 'verified':
      return `verified question “${change.question}” (by ${change.verified_by} on ${change.verified_on})`;
    case 'forget':
      return `forget “${change.word}”`;
  }
}
