/**
 * `tsx scripts/text2sql-eval.ts [--db NAME…] [--json FILE] [--show wrong|all]`: Tally on the
 * text2sql-dev warehouses (see eval/text2sql/evaluate.ts for the rule), as a markdown table.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { evaluateText2Sql, type QuestionResult, reportTable } from '../eval/text2sql/evaluate.ts';
import { text2sqlAvailable } from '../eval/text2sql/load.ts';

const usage = 'usage: tsx scripts/text2sql-eval.ts [--db NAME…] [--json FILE] [--show wrong|all]';
let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      db: { type: 'string', multiple: true },
      json: { type: 'string' },
      show: { type: 'string' },
    },
  });
}
try {
  args = parse();
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const show = args.values.show;
if (show !== undefined && show !== 'wrong' && show !== 'all') {
  console.error(usage);
  process.exit(2);
}
if (!text2sqlAvailable()) {
  console.error('../shared/data/text2sql-dev is missing: nothing to evaluate.');
  process.exit(2);
}
// `--db a --db b`, `--db a,b` and `--db a b` all name several databases.
const databases = [...(args.values.db ?? []), ...args.positionals]
  .flatMap((d) => d.split(','))
  .filter(Boolean);

const report = await evaluateText2Sql({ databases, onProgress: (line) => console.error(line) });
if (args.values.json) await writeFile(args.values.json, `${JSON.stringify(report, null, 2)}\n`);

console.log(reportTable(report));
console.log(`\nAsked on ${report.today}; ${(report.durationMs / 1000).toFixed(1)} s.`);

if (show) {
  const shown = report.questions.filter((q) => show === 'all' || q.outcome === 'wrong');
  console.log(`\n## ${show === 'all' ? 'Every question' : 'Wrong answers'} (${shown.length})`);
  for (const q of shown) console.log(describe(q));
}

function describe(q: QuestionResult): string {
  const lines = [`\n### ${q.db} #${q.row}: ${q.outcome}`, '', q.question, ''];
  if (q.note) lines.push(`> ${q.note.replace(/\n/g, ' ')}`, '');
  if (q.sql) lines.push('```sql', q.sql, '```');
  return lines.join('\n');
}
