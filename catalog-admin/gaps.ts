/**
 * What people couldn't get answered, from the audit log: refused and clarified questions, and
 * answers marked Not helpful, grouped so an admin fixes the most-asked first.
 *   audit rows → one reading each (its refusal code where the row has one; the words the reply
 *   quoted, which are the words the reader couldn't place) → groups → counts, an example, a fix.
 * The audit row keeps a code (`rule`) for refusals but none for clarifications, so the unknown
 * word comes from the reply's quotes (“…”) — the shape every understanding message uses.
 */
import type pg from 'pg';

export interface GapRow {
  source: 'audit' | 'feedback';
  status: string;
  rule: string | null;
  reason: string | null;
  question: string | null;
}

export type GapKind = 'unknown_word' | 'misspelling' | 'ambiguous' | 'refusal' | 'not_helpful' | 'other';

export interface Gap {
  kind: GapKind;
  /** What the group is about: the word, the refusal code, or the question. */
  key: string;
  count: number;
  example: string;
  /** What Tally said, for the example. */
  said: string;
  /** The one step that fixes it, where there is one. */
  fix?: string;
}

const QUOTED = /“([^”]+)”/g;

function quoted(text: string): string[] {
  return [...text.matchAll(QUOTED)].map((m) => m[1] as string);
}

interface Reading {
  kind: GapKind;
  keys: string[];
  fix: (key: string) => string | undefined;
}

/** Refusal codes a catalog edit can't fix: they are Tally keeping its promises. */
const BY_DESIGN: Record<string, string> = {
  personal_data: 'personal data is never shown (by design); point people to an aggregate that is allowed',
  destructive: 'Tally only reads (by design)',
  too_long: 'the question was over the length limit',
};

function read(row: GapRow): Reading {
  const reason = row.reason ?? '';
  if (row.source === 'feedback')
    return {
      kind: 'not_helpful',
      keys: [(row.question ?? '').trim().toLowerCase()],
      fix: () =>
        'check the answer; if it was right, add the question to verified_questions, else fix the metric',
    };
  const words = quoted(reason);
  if (row.status === 'refuse' && row.rule === 'not_understood' && words.length > 0)
    return {
      kind: 'unknown_word',
      keys: words.map((w) => w.toLowerCase()),
      fix: (word) => `add a synonym: put “${word}” in the synonyms of the metric, field or value it means`,
    };
  if (row.status === 'clarify' && /did you mean/.test(reason)) {
    const [before, after = ''] = reason.split(/did you mean/);
    const [candidate] = quoted(after);
    return {
      kind: 'misspelling',
      keys: quoted(before ?? '').map((w) => w.toLowerCase()),
      fix: (word) =>
        candidate ? `add a synonym: “${word}” for “${candidate}” (if that is what people mean)` : undefined,
    };
  }
  if (row.status === 'clarify' && words.length > 0)
    return {
      kind: 'ambiguous',
      keys: [(words[0] as string).toLowerCase()],
      fix: (word) => `“${word}” names several things: keep it as a synonym of one of them only`,
    };
  if (row.status === 'refuse')
    return {
      kind: 'refusal',
      keys: [row.rule ?? 'refused'],
      fix: (rule) => BY_DESIGN[rule],
    };
  return { kind: 'other', keys: [row.status], fix: () => undefined };
}

export function groupGaps(rows: GapRow[]): Gap[] {
  const groups = new Map<string, Gap>();
  for (const row of rows) {
    const reading = read(row);
    for (const key of reading.keys) {
      const id = `${reading.kind}\u0000${key}`;
      const group = groups.get(id);
      if (group) group.count += 1;
      else
        groups.set(id, {
          kind: reading.kind,
          key,
          count: 1,
          example: row.question ?? '',
          said: row.reason ?? '',
          fix: reading.fix(key),
        });
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** `7d`, `24h`, `2w` or `YYYY-MM-DD` → an SQL expression for the cut-off (the database's clock). */
export function sinceExpression(since: string): { sql: string; param: string } | undefined {
  const relative = /^(\d+)\s*([hdw])$/.exec(since.trim());
  if (relative) {
    const unit = { h: 'hours', d: 'days', w: 'weeks' }[relative[2] as 'h' | 'd' | 'w'];
    return { sql: 'now() - $1::interval', param: `${relative[1]} ${unit}` };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(since.trim())) return { sql: '$1::date', param: since.trim() };
  return undefined;
}

export async function loadGapRows(pool: pg.Pool, since: { sql: string; param: string }): Promise<GapRow[]> {
  const result = await pool.query(
    `SELECT 'audit' AS source, status, rule, reason, question FROM audit_log
      WHERE status IN ('refuse', 'clarify') AND at >= ${since.sql}
     UNION ALL
     SELECT 'feedback', 'answer', NULL, NULL, question FROM feedback
      WHERE rating = 'down' AND at >= ${since.sql}`,
    [since.param],
  );
  return result.rows as GapRow[];
}

export function formatGaps(gaps: Gap[], since: string): string {
  const when = /^\d{4}-/.test(since) ? `since ${since}` : `in the last ${since}`;
  if (gaps.length === 0) return `Nothing went unanswered ${when}.\n`;
  const title: Record<GapKind, (key: string) => string> = {
    unknown_word: (k) => `unknown word “${k}”`,
    misspelling: (k) => `unknown word “${k}” (a near miss)`,
    ambiguous: (k) => `ambiguous “${k}”`,
    refusal: (k) => `refused: ${k}`,
    not_helpful: () => 'marked Not helpful',
    other: (k) => `other ${k}`,
  };
  const lines = [`What people couldn't get answered ${when}:`];
  for (const gap of gaps) {
    lines.push(`  ${gap.count}× ${title[gap.kind](gap.key)} — e.g. “${gap.example}”`);
    if (gap.fix) lines.push(`      fix: ${gap.fix}`);
  }
  return `${lines.join('\n')}\n`;
}
