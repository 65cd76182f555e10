/** The CLI as a newcomer uses it: real processes against the run's embedded PostgreSQL. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTally } from './helpers.ts';

const root = path.resolve(import.meta.dirname, '..');
const devYaml = path.resolve(root, '..', 'shared', 'eval', 'dev.yaml');

const tally = (args: string[], input?: string) => runTally(args, {}, input);

describe('tally ask', () => {
  it('answers "revenue by region" with four region rows as JSON', async () => {
    const { stdout } = await tally(['ask', 'revenue by region', '--json']);
    const answer = JSON.parse(stdout);
    expect(answer.status).toBe('answer');
    expect(answer.rows).toHaveLength(4);
    expect(answer.rows.map((r: unknown[]) => r[0]).sort()).toEqual([
      'APAC',
      'EMEA',
      'LATAM',
      'North America',
    ]);
    expect(typeof answer.rows[0][1]).toBe('number');
    expect(answer.columns).toEqual([
      { name: 'region', type: 'text' },
      { name: 'revenue', type: 'number' },
    ]);
    expect(answer.summary).toMatch(/^Revenue by region/);
    expect(answer.sql).toMatch(/SELECT/);
  });

  it('prints a sentence and a table without --json', async () => {
    const { stdout } = await tally(['ask', 'orders by channel last week']);
    expect(stdout).toMatch(/Orders by channel last week/);
    expect(stdout).toMatch(/Online/);
  });

  it('answers one JSON line per question with --jsonl', async () => {
    const { stdout } = await tally(
      ['ask', '--jsonl'],
      'total revenue last quarter\ndelete all orders\n\nshow me employee salaries\n',
    );
    const answers = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers.map((a) => a.status)).toEqual(['answer', 'refuse', 'refuse']);
    expect(answers[0].rows).toHaveLength(1);
  });

  it('refuses personal data with a reason and suggestions', async () => {
    const { stdout } = await tally(['ask', 'average salary by department', '--json']);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ status: 'refuse', rows: [], rule: 'personal_data' });
    expect(answer.message).toMatch(/personal data/);
    expect(answer.suggestions.length).toBeGreaterThan(0);
  });
});

describe('tally sql', () => {
  it('runs an analyst’s SELECT and refuses a DELETE with exit code 3', async () => {
    const ok = JSON.parse((await tally(['sql', 'SELECT count(*) AS n FROM sales.regions', '--json'])).stdout);
    expect(ok.rows).toEqual([[4]]);
    const refused = await tally(['sql', 'DELETE FROM sales.orders', '--json']).catch((e) => e);
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({ status: 'refuse', rule: 'select_only' });
  });
});

describe('tally eval', () => {
  it('answers Tally’s own golden questions (follow-up chains, clarifications and refusals included)', async () => {
    const { stdout } = await tally(['eval', path.join(root, 'eval', 'demo-analyst.yaml'), '--json']);
    const report = JSON.parse(stdout);
    expect(report.total).toBeGreaterThanOrEqual(80);
    expect(report.cases.filter((c: { passed: boolean }) => !c.passed)).toEqual([]);
  });

  it('answers the dev golden questions (≥ 95%) and returns no rows for every no-answer question', async () => {
    const { stdout } = await tally(['eval', devYaml, '--json']);
    const report = JSON.parse(stdout);
    const misses = report.cases.filter((c: { passed: boolean }) => !c.passed);
    expect(misses).toEqual([]);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe('conversations through the CLI', () => {
  it('keeps the previous question for follow-ups with --jsonl --conversation', async () => {
    const turns = [
      'revenue by region last quarter',
      'now by month',
      'only EMEA',
      'and last year?',
      'show the SQL',
      'how is revenue defined?',
    ];
    const { stdout } = await tally(
      ['ask', '--jsonl', '--conversation', `cli-${Date.now()}`],
      `${turns.join('\n')}\n`,
    );
    const [byRegion, byMonth, emea, lastYear, sql, definition] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(byRegion.rows).toHaveLength(4);
    expect(byMonth.columns.map((c: { name: string }) => c.name)).toEqual(['month', 'revenue']);
    expect(byMonth.rows.map((r: unknown[]) => r[0])).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    expect(emea.explanation.filters).toEqual(['Region is EMEA']);
    expect(emea.rows[0][1]).toBeLessThan(byMonth.rows[0][1]);
    expect(lastYear.rows).toHaveLength(12);
    expect(lastYear.explanation.filters).toEqual(['Region is EMEA']);
    expect(sql.sql).toMatch(/region_name IN \('EMEA'\)/);
    expect(definition.summary).toMatch(/^Revenue: Net amount/);
  });

  it('asks which "margin" is meant, and answers the original question with the choice', async () => {
    const conversation = `cli-margin-${Date.now()}`;
    const first = JSON.parse(
      (await tally(['ask', 'margin by category last year', '--json', '--conversation', conversation])).stdout,
    );
    expect(first.status).toBe('clarify');
    expect(first.choices.map((c: { label: string }) => c.label)).toEqual(['Gross profit', 'Gross margin %']);
    const second = JSON.parse((await tally(['ask', '2', '--json', '--conversation', conversation])).stdout);
    expect(second.status).toBe('answer');
    expect(second.question).toBe('Gross margin % by category last year');
    expect(second.rows).toHaveLength(3);
  });
});

describe('tally catalog', () => {
  it('lints the demo catalog and prints the grants without personal columns', async () => {
    expect((await tally(['catalog', 'lint'])).stdout).toMatch(/OK — 9 tables, 21 metrics/);
    const { stdout } = await tally(['catalog', 'grants']);
    expect(stdout).toMatch(/GRANT SELECT \("employee_id", "department", "hire_date"\) ON "hr"\."employees"/);
    expect(stdout).not.toMatch(/salary/);
  });
});
