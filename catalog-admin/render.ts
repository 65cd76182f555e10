/**
 * The draft as YAML an admin reads top to bottom: a header saying what to review, one line per
 * column and join (flow style, as hand-written catalogs are), and a comment on every guess.
 */
import { Document, isMap, isSeq, type Node } from 'yaml';
import type { Draft } from './draft.ts';

export function renderDraft(draft: Draft, source: string): string {
  const doc = new Document(draft.catalog);
  doc.commentBefore = header(draft, source);
  const tables = doc.get('tables', true);
  if (isSeq(tables))
    for (const table of tables.items) {
      const columns = isMap(table) ? table.get('columns', true) : undefined;
      if (isSeq(columns)) for (const column of columns.items) flow(column as Node);
      if (isMap(table)) flow(table.get('synonyms', true) as Node | undefined);
    }
  for (const key of ['joins', 'dimensions'] as const) {
    const seq = doc.get(key, true);
    if (isSeq(seq)) for (const item of seq.items) flow(item as Node);
  }
  const metrics = doc.get('metrics', true);
  if (isSeq(metrics))
    for (const metric of metrics.items)
      if (isMap(metric)) flow(metric.get('synonyms', true) as Node | undefined);
  for (const [at, comment] of draft.comments) {
    const node = doc.getIn(
      at.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      true,
    ) as Node | undefined;
    if (node) node.commentBefore = ` ${comment}`;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

function flow(node: Node | undefined): void {
  if (node && (isMap(node) || isSeq(node))) node.flow = true;
}

function header(draft: Draft, source: string): string {
  const { personal, guessedJoins, draftMetrics } = draft.counts;
  const lines = [
    ` Drafted by \`tally catalog init\` from ${source}. Review before relying on it:`,
    `  - personal: true on ${personal} column(s), found by name or by sampled values (e-mails, phones,`,
    '    names, addresses, birth dates, national ids, pay). Personal columns are never shown; un-mark',
    '    only what is not about a person. Look for columns that look personal and are not marked.',
    `  - ${guessedJoins} join(s) marked "guess" come from *_id names, not foreign keys: check each.`,
    `  - ${draftMetrics} metric(s) marked "draft" sum or average a numeric column: keep those that mean`,
    '    something, delete the rest. Each table has a count metric, timed by its first date column',
    '    (with none, by a whole-number column that says it holds Unix seconds: check those, marked "time").',
    '  - synonyms: [] is yours to fill with the words people use; descriptions help the reader too.',
    '  - sample_values came from the warehouse (pg_stats or SELECT DISTINCT); values: learn keeps them fresh.',
    ' Check it: tally catalog lint <file> --warehouse',
  ];
  if (draft.skipped.length > 0)
    lines.push(' Left out (rename or write them by hand):', ...draft.skipped.map((s) => `  - ${s}`));
  return lines.join('\n');
}
