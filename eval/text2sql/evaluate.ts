/**
 * Tally on the text2sql-dev warehouses: each question goes through the real `ask` skill (catalog,
 * understanding, gate, read-only executor) and its outcome is classified against the reference SQL.
 *
 * The rule, for an `answer` (clarify and refuse are reported as they are and never counted against;
 * an `error` is an error). The answer is `correct` when, for at least one reference alternative
 * (the `query` field's `;`-separated statements) that runs as the superuser:
 *
 *  1. Every reference row is matched by some row of Tally's answer. A reference row matches a Tally
 *     row when its values pair with distinct cells of that row (the row is a multiset of values;
 *     column names and order are ignored, Tally may have extra columns): a number pairs with a
 *     numeric cell equal within 0.5% relative or 1e-6 absolute; null with null; anything else
 *     (text, date, boolean) with a cell whose text is equal, trimmed and case-insensitive.
 *     `{a.name, a.id}` in the reference names one entity several ways: all of them are selected, and
 *     at least one must pair; every other column must pair.
 *     A cell of a breakdown field built from a yes/no column (`CASE WHEN x THEN 'with exam' WHEN
 *     NOT x THEN 'without exam' END`) also pairs with the boolean it stands for.
 *     A cell of one of Tally's time buckets also pairs with the name the answer gives it: a year
 *     bucket (`2021-01-01`) with its year (2021); a month bucket (`2021-03-01`) with its month's
 *     name ("March"), but only when all the answer's months lie in one year, so the bare name can
 *     mean no other month.
 *  2. Tally's row count equals the reference's, unless the reference says LIMIT (a "top 5" answered
 *     with the whole ranking still holds the five) or returns more rows than Tally's row cap; then
 *     every row Tally returned must be matched by a reference row instead.
 *
 * Row order is not compared. Anything else is `wrong`, including an answer when no reference
 * alternative runs (the note says so).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';
import { askDeps, createRuntime } from '../../bot/runtime.ts';
import { dimensionByName } from '../../semantic-catalog/catalog.ts';
import { monthName } from '../../semantic-catalog/dates.ts';
import { loadCatalog } from '../../semantic-catalog/loader.ts';
import type { Catalog } from '../../semantic-catalog/schema.ts';
import type { Answer, AnswerStatus } from '../../skills/answer.ts';
import { ask } from '../../skills/ask.ts';
import { ensureDatabase, startEmbedded } from '../../warehouse/embedded.ts';
import { freePort } from '../../warehouse/free-port.ts';
import { grantStatements } from '../../warehouse/grants.ts';
import { loadText2Sql, TEXT2SQL_DATABASES, TEXT2SQL_DIR, type Text2SqlDatabase } from './load.ts';

export type Outcome = 'correct' | 'wrong' | 'clarify' | 'refuse' | 'error';
export const OUTCOMES: readonly Outcome[] = ['correct', 'wrong', 'clarify', 'refuse', 'error'];

export type Counts = Record<Outcome | 'total', number>;

export interface QuestionResult {
  db: string;
  row: number;
  question: string;
  /** Tally's answer status. */
  status: AnswerStatus;
  outcome: Outcome;
  sql: string | null;
  note: string;
}

export interface Report {
  /** The day the dumps were loaded and the questions asked. */
  today: string;
  durationMs: number;
  databases: Record<string, Counts>;
  totals: Counts;
  questions: QuestionResult[];
}

export interface EvaluateOptions {
  databases?: string[];
  onProgress?: (line: string) => void;
}

/** Where each warehouse's catalog is (`<dir>/<name>/catalog.yaml`): the admins' catalogs, or e.g. `tally catalog init` drafts. */
const FIXTURES =
  process.env.TEXT2SQL_CATALOGS ?? path.resolve(import.meta.dirname, '..', '..', 'tests', 'fixtures');
const REFERENCE_TIMEOUT = '60s';

export async function evaluateText2Sql(options: EvaluateOptions = {}): Promise<Report> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const names = chooseDatabases(options.databases);
  const questions = await loadQuestions();
  const home = await mkdtemp(path.join(tmpdir(), 'tally-text2sql-'));
  // mkdtemp makes 0700; the postgres OS user (when running as root) must reach the data dir.
  await chmod(home, 0o755);
  const cluster = await startEmbedded({ home, port: await freePort(), throwaway: true });
  const results: QuestionResult[] = [];
  let today = '';
  try {
    await ensureDatabase(cluster.superuserUrl('postgres'), 'tally_eval');
    for (const name of names) {
      const mine = questions.filter((q) => q.db === name);
      const superuserUrl = await loadText2Sql(cluster.superuserUrl('postgres'), name);
      const db = await evaluateDatabase(name, mine, {
        superuserUrl,
        appUrl: cluster.superuserUrl('tally_eval'),
        home,
      });
      today = db.today;
      results.push(...db.results);
      const counts = count(db.results);
      progress(`${name}: ${OUTCOMES.map((o) => `${counts[o]} ${o}`).join(', ')} of ${counts.total}`);
    }
  } finally {
    await cluster.stop();
    await rm(home, { recursive: true, force: true });
  }
  const databases = Object.fromEntries(names.map((n) => [n, count(results.filter((r) => r.db === n))]));
  return {
    today,
    durationMs: performance.now() - started,
    databases,
    totals: count(results),
    questions: results,
  };
}

function chooseDatabases(requested: string[] | undefined): Text2SqlDatabase[] {
  if (!requested?.length) return [...TEXT2SQL_DATABASES];
  const unknown = requested.filter((n) => !(TEXT2SQL_DATABASES as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`unknown database ${unknown.join(', ')}; choose from ${TEXT2SQL_DATABASES.join(', ')}`);
  return requested as Text2SqlDatabase[];
}

function count(results: QuestionResult[]): Counts {
  const counts: Counts = { correct: 0, wrong: 0, clarify: 0, refuse: 0, error: 0, total: results.length };
  for (const r of results) counts[r.outcome] += 1;
  return counts;
}

async function evaluateDatabase(
  name: Text2SqlDatabase,
  questions: Question[],
  urls: { superuserUrl: string; appUrl: string; home: string },
): Promise<{ today: string; results: QuestionResult[] }> {
  const catalogPath = path.join(FIXTURES, name, 'catalog.yaml');
  const reference = new pg.Client({ connectionString: urls.superuserUrl, types: { getTypeParser } });
  await reference.connect();
  const runtime = await (async () => {
    const role = `text2sql_${name}_reader`;
    const password = randomBytes(18).toString('base64url');
    for (const sql of grantStatements(await loadCatalog(catalogPath), { role, database: name, password })) {
      await reference.query(sql);
    }
    await reference.query(`SET statement_timeout = '${REFERENCE_TIMEOUT}'`);
    const reader = new URL(urls.superuserUrl);
    reader.username = role;
    reader.password = password;
    // The dumps write dates relative to CURRENT_DATE when loaded: Tally's clock is the server's day.
    const day = await reference.query('SELECT CURRENT_DATE AS today');
    const config = loadConfig({
      ANALYTICS_DB_URL: reader.toString(),
      DATABASE_URL: urls.appUrl,
      TALLY_CATALOG: catalogPath,
      TALLY_NOW: String(day.rows[0].today),
      TALLY_HOME: urls.home,
      LOG_LEVEL: 'silent',
    });
    return createRuntime(config, createLogger(config));
  })().catch(async (error) => {
    await reference.end();
    throw error;
  });
  const results: QuestionResult[] = [];
  try {
    const deps = askDeps(runtime);
    for (const q of questions) {
      let answer: Answer | undefined;
      let failure = '';
      try {
        answer = await ask(deps, { text: q.question, channel: 'text2sql-eval', userId: 'text2sql-eval' });
      } catch (error) {
        failure = `ask threw: ${(error as Error).message}`;
      }
      const base = { db: name, row: q.row, question: q.question, sql: answer?.sql ?? null };
      if (!answer) {
        results.push({ ...base, status: 'error', outcome: 'error', note: failure });
      } else if (answer.status !== 'answer') {
        results.push({ ...base, status: answer.status, outcome: answer.status, note: answer.message ?? '' });
      } else {
        const verdict = await judge(
          reference,
          q.query,
          answer,
          runtime.config.MAX_QUERY_ROWS,
          runtime.catalog,
        );
        results.push({
          ...base,
          status: 'answer',
          outcome: verdict.correct ? 'correct' : 'wrong',
          note: verdict.note,
        });
      }
    }
    return { today: runtime.today(), results };
  } finally {
    await runtime.close();
    await reference.end();
  }
}

// --- Reference SQL --------------------------------------------------------------------------------

export interface ReferenceQuery {
  sql: string;
  /** How many leading output columns are one entity's alternative names (`{name, id}`). */
  braceColumns: number;
  limited: boolean;
}

/** The `query` field: alternatives split on `;` outside quotes, `{…}` expanded, `GROUP BY {}` filled. */
export function referenceQueries(field: string): ReferenceQuery[] {
  return splitStatements(field).map((statement) => {
    const brace = /\{([^{}]+)\}/.exec(statement);
    const list = brace?.[1]?.trim() ?? '';
    const leading = brace !== null && /^\s*select\s+(distinct\s+)?$/i.test(statement.slice(0, brace.index));
    const sql = statement.replace(/\{([^{}]*)\}/g, (_, inside: string) => (inside.trim() ? inside : list));
    return {
      sql,
      braceColumns: leading ? list.split(',').length : 0,
      limited: /\blimit\s+\d+/i.test(sql),
    };
  });
}

function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let quote = '';
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === ';') {
      statements.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter(Boolean);
}

type Cell = string | number | boolean | null;

/** Like the executor's: numbers as numbers, dates as YYYY-MM-DD, timestamps as ISO; the rest as text. */
function getTypeParser(oid: number): (value: string) => Cell {
  if ([20, 21, 23, 26, 700, 701, 1700].includes(oid)) return Number;
  if (oid === 1114 || oid === 1184) return (value) => new Date(value).toISOString();
  if (oid === 16) return (value) => value === 't';
  return (value) => value;
}

async function judge(
  client: pg.Client,
  field: string,
  answer: Answer,
  rowCap: number,
  catalog: Catalog,
): Promise<{ correct: boolean; note: string }> {
  const tally = answer.rows as Cell[][];
  const notes: string[] = [];
  for (const reference of referenceQueries(field)) {
    let rows: Cell[][];
    try {
      await client.query('BEGIN READ ONLY');
      rows = (await client.query({ text: reference.sql, rowMode: 'array' })).rows;
    } catch (error) {
      notes.push(`reference failed: ${(error as Error).message}`);
      continue;
    } finally {
      await client.query('ROLLBACK');
    }
    const buckets = bucketNames(answer);
    const labels = booleanLabels(answer, catalog);
    const miss = compareRows(rows, tally, reference, rowCap, (cell, i) => [
      ...buckets(cell, i),
      ...labels(cell, i),
    ]);
    if (!miss) return { correct: true, note: '' };
    notes.push(miss);
  }
  const shown = `Tally ${tally.length} row(s) × ${answer.columns.length} col(s) [${answer.columns.map((c) => c.name).join(', ')}], first ${preview(tally[0])}`;
  return { correct: false, note: `${notes[0] ?? 'no reference query'}; ${shown}` };
}

/** Why Tally's rows don't answer as the reference does, or undefined when they do. */
export function compareRows(
  reference: Cell[][],
  tally: Cell[][],
  query: Pick<ReferenceQuery, 'braceColumns' | 'limited'>,
  rowCap: number,
  names: CellNames = () => [],
): string | undefined {
  const covers = (r: Cell[], t: Cell[]) =>
    rowMatches(
      r,
      query.braceColumns,
      t.map((cell, i) => [cell, ...names(cell, i)]),
    );
  if (reference.length > rowCap) {
    const stray = tally.find((t) => !reference.some((r) => covers(r, t)));
    return stray ? `answer row ${preview(stray)} is not a reference row` : undefined;
  }
  if (!query.limited && reference.length !== tally.length)
    return `${tally.length} row(s), reference ${reference.length} (first ${preview(reference[0])})`;
  const missing = reference.find((r) => !tally.some((t) => covers(r, t)));
  return missing ? `reference row ${preview(missing)} not in the answer (of ${reference.length})` : undefined;
}

/** Other names of a cell of Tally's answer (its time buckets'), by the cell and its column. */
type CellNames = (cell: Cell, column: number) => Cell[];

/** What the answer calls its time buckets besides their first day (see the rule above). */
export function bucketNames(answer: Answer): CellNames {
  const grains = answer.columns.map(
    (c) => answer.fields?.find((f) => f.role === 'time' && f.name === c.name)?.name,
  );
  const years = (column: number) => new Set(answer.rows.map((row) => String(row[column] ?? '').slice(0, 4)));
  const oneYear = grains.map((grain, i) => grain === 'month' && years(i).size === 1);
  return (cell, column) => {
    const date = /^(\d{4})-(\d{2})-01$/.exec(String(cell));
    if (!date) return [];
    if (grains[column] === 'year') return [Number(date[1])];
    if (grains[column] === 'month' && oneYear[column]) return [monthName(Number(date[2])).toLowerCase()];
    return [];
  };
}

/**
 * What a breakdown field built from a yes/no column calls its two members (`CASE WHEN x THEN 'with
 * final exam' WHEN NOT x THEN 'without final exam' END`): the first is true, the second false.
 */
export function booleanLabels(answer: Answer, catalog: Catalog): CellNames {
  const labels = answer.columns.map((c) => {
    const field = answer.fields?.find((f) => f.role === 'dimension' && f.name === c.name);
    const [source, ...more] = (field && dimensionByName(catalog, field.name)?.sources) ?? [];
    const sides = more.length === 0 ? TWO_WAY.exec(source?.expression?.replace(/\s+/g, ' ') ?? '') : null;
    return sides && sides[1] === sides[3]
      ? new Map<Cell, boolean>([
          [sides[2] as string, true],
          [sides[4] as string, false],
        ])
      : undefined;
  });
  return (cell, column) => {
    const named = labels[column]?.get(cell);
    return named === undefined ? [] : [named];
  };
}
const TWO_WAY = /^CASE WHEN \(?(.+?)\)? THEN '([^']*)' WHEN NOT \(?(.+?)\)? THEN '([^']*)' END$/i;

function rowMatches(reference: Cell[], braceColumns: number, tally: Cell[][]): boolean {
  const others = reference.slice(braceColumns);
  if (braceColumns === 0) return pairs(others, tally, new Set());
  return reference.slice(0, braceColumns).some((name) => pairs([name, ...others], tally, new Set()));
}

/** Each value pairs with a distinct cell, by any of its names (a small backtracking search: rows are narrow). */
function pairs(values: Cell[], cells: Cell[][], used: Set<number>): boolean {
  const [first, ...rest] = values;
  if (values.length === 0) return true;
  for (let i = 0; i < cells.length; i++) {
    if (used.has(i) || !(cells[i] ?? []).some((name) => sameValue(first as Cell, name))) continue;
    used.add(i);
    if (pairs(rest, cells, used)) return true;
    used.delete(i);
  }
  return false;
}

function sameValue(reference: Cell, cell: Cell): boolean {
  if (reference === null || cell === null) return reference === cell;
  if (typeof reference === 'number') {
    if (typeof cell !== 'number') return false;
    const gap = Math.abs(reference - cell);
    return gap <= 1e-6 || gap <= 0.005 * Math.max(Math.abs(reference), Math.abs(cell));
  }
  return String(reference).trim().toLowerCase() === String(cell).trim().toLowerCase();
}

function preview(row: Cell[] | undefined): string {
  if (!row) return '(none)';
  const text = JSON.stringify(row);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

// --- questions.csv --------------------------------------------------------------------------------

export interface Question {
  db: string;
  row: number;
  question: string;
  /** Reference SQL: alternatives separated by `;`. */
  query: string;
}

export async function loadQuestions(): Promise<Question[]> {
  const records = parseCsv(await readFile(path.join(TEXT2SQL_DIR, 'questions.csv'), 'utf8'));
  return records.map((r) => ({
    db: r.db_name ?? '',
    row: Number(r.row),
    question: r.question ?? '',
    query: r.query ?? '',
  }));
}

export type CsvRecord = Record<string, string>;

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): CsvRecord[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field || record.length > 0) records.push([...record, field]);
  const [header = [], ...rows] = records;
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}

/** The report as a markdown table: one row per database and the totals. */
export function reportTable(report: Report): string {
  const percent = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)}%` : '–');
  const row = (name: string, c: Counts) =>
    `| ${name} | ${OUTCOMES.map((o) => c[o]).join(' | ')} | ${c.total} | ${percent(c.wrong, c.total)} |`;
  return [
    `| db | ${OUTCOMES.join(' | ')} | total | wrong % |`,
    `|${' --- |'.repeat(OUTCOMES.length + 3)}`,
    ...Object.entries(report.databases).map(([name, counts]) => row(name, counts)),
    row('**total**', report.totals),
  ].join('\n');
}
