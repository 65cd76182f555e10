/** `date,value` CSV → points, with every problem reported by line. */
import type { Point } from './detector.ts';

export class CsvError extends Error {
  readonly code = 'tally_csv_invalid';
}

export function parseSeriesCsv(text: string, file = 'input'): Point[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const points: Point[] = [];
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (!line || line.startsWith('#')) return;
    const [date = '', raw = ''] = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (i === 0 && !/^\d{4}-\d{2}-\d{2}/.test(date)) return; // a header row
    const value = Number(raw);
    if (!/^\d{4}-\d{2}-\d{2}/.test(date))
      problems.push(`${file}:${i + 1}: "${date}" is not a date (YYYY-MM-DD)`);
    else if (raw === '' || !Number.isFinite(value))
      problems.push(`${file}:${i + 1}: "${raw}" is not a number`);
    else points.push({ date: date.slice(0, 10), value });
  });
  if (problems.length > 0) throw new CsvError(problems.slice(0, 10).join('\n'));
  if (points.length === 0) throw new CsvError(`${file}: no rows of date,value`);
  return points.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
