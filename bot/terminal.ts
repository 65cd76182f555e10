/** Terminal rendering of answers and progress for the CLI. */
import Table from 'cli-table3';
import type { Answer } from '../skills/answer.ts';
import { columnLabel, formatCell, formatValue } from '../skills/format.ts';

export function renderAnswer(answer: Answer, showSql: boolean): string {
  const lines: string[] = [];
  if (answer.status === 'answer') {
    lines.push(answer.summary);
    if (answer.rows.length > 1 || answer.columns.length > 1) {
      // Named as the cards name them ("Revenue 2025", "Jan 2025"); other numbers stay plain.
      const fields = answer.fields?.length === answer.columns.length ? answer.fields : undefined;
      const head = answer.columns.map((c, i) => {
        const field = fields?.[i];
        return field && fields ? columnLabel(field, fields, answer.period) : c.name;
      });
      const table = new Table({ head, style: { head: [], border: [] } });
      for (const row of answer.rows.slice(0, 50)) {
        table.push(
          row.map((v, i) =>
            fields?.[i]?.role === 'time' || fields?.[i]?.role === 'dimension'
              ? formatCell(v, fields[i])
              : typeof v === 'number'
                ? formatValue(v, Number.isInteger(v) ? 'integer' : 'number')
                : String(v ?? '—'),
          ),
        );
      }
      lines.push(table.toString());
      if (answer.rows.length > 50) lines.push(`… ${answer.rows.length - 50} more rows (use --json for all)`);
    }
    if (answer.truncated) lines.push('(The answer was cut at the row limit, MAX_QUERY_ROWS.)');
    if (answer.interpretation) lines.push(`  Answered: ${answer.interpretation.text}`);
    if (answer.explanation) {
      for (const m of answer.explanation.metrics) lines.push(`  ${m.label}: ${m.definition}`);
    }
  } else {
    lines.push(answer.message ?? answer.summary);
    for (const choice of answer.choices ?? [])
      lines.push(`  • ${choice.label}: tally ask "${choice.question}"`);
    if (answer.suggestions?.length) lines.push(`Try: ${answer.suggestions.map((s) => `“${s}”`).join(', ')}`);
  }
  if (showSql && answer.sql) lines.push('', answer.sql);
  return lines.join('\n');
}

/** The demo seeding's progress: a bar in a terminal, plain lines when piped or in CI. */
export { seedProgress as progressReporter } from './seed-progress.ts';
