/**
 * Facts with no date column, timed by an SQL expression (`time_expression`) on a real PostgreSQL:
 * yelp-like reviews (a year number and a padded month name: dated only to the month) and flights
 * with Unix-second departures (read in UTC). Grouped by month, filtered by a year and by a month,
 * through the gate; what a monthly time can't say ("the last 7 days", "by day", a year to date
 * against the same days a year earlier) is refused in words; lint --warehouse catches a bad time
 * expression; catalog init drafts one for epoch seconds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/logger.ts';
import { askDeps, createRuntime, type Runtime } from '../bot/runtime.ts';
import { clientRunner } from '../catalog-admin/introspect.ts';
import { lintAgainstWarehouse } from '../catalog-admin/lint-warehouse.ts';
import { compile } from '../semantic-catalog/compile.ts';
import { CatalogError, parseCatalog } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import type { Answer } from '../skills/answer.ts';
import { ask } from '../skills/ask.ts';
import { extentSql } from '../skills/data-extent.ts';
import { checkSql } from '../warehouse/gate.ts';
import { grantStatements } from '../warehouse/grants.ts';
import { isolatedAppUrl, runTally } from './helpers.ts';

const TODAY = '2022-06-15';
const REVIEW_TIME = "to_date(r.year || ' ' || r.month, 'YYYY Month')";
const FLIGHT_TIME = "TIMESTAMP 'epoch' + f.departure_time * INTERVAL '1 second'";
const epoch = (utc: string) => Date.parse(`${utc}Z`) / 1000;

const SCHEMA = `
  CREATE SCHEMA web;
  CREATE TABLE web.reviews (rid int PRIMARY KEY, business text, rating real, year bigint, month text, author text);
  INSERT INTO web.reviews VALUES
    (1, 'Cafe', 4, 2021, 'January  ', 'Ann'), (2, 'Deli', 2, 2021, 'January', 'Bob'),
    (3, 'Cafe', 5, 2021, 'March    ', 'Ann'), (4, 'Deli', 3, 2021, 'December ', 'Cy'),
    (5, 'Cafe', 4, 2022, 'January', 'Bob'), (6, 'Cafe', 1, 2022, 'June', 'Cy'),
    (7, 'Deli', 5, 2022, 'June     ', 'Ann'), (8, 'Cafe', 3, 2020, 'July', 'Dee');
  CREATE TABLE web.flights (flight_id int PRIMARY KEY, carrier text, departure_time bigint);
  INSERT INTO web.flights VALUES
    (1, 'AA', ${epoch('2021-01-31T23:30:00')}), (2, 'UA', ${epoch('2021-03-01T00:10:00')}),
    (3, 'AA', ${epoch('2021-03-15T12:00:00')}), (4, 'UA', ${epoch('2022-06-10T08:00:00')}),
    (5, 'AA', ${epoch('2020-12-31T23:59:59')});`;

function catalogYaml(time: { review?: string; precision?: string | null; flight?: string } = {}): string {
  const review = time.review ?? REVIEW_TIME;
  const precision = time.precision === null ? '' : `\n    time_precision: ${time.precision ?? 'month'}`;
  return `
name: timed
tables:
  - name: web.reviews
    alias: r
    columns:
      - { name: rid, type: integer, hidden: true }
      - { name: business, type: text }
      - { name: rating, type: real }
      - { name: year, type: bigint, hidden: true }
      - { name: month, type: text, hidden: true }
      - { name: author, type: text, personal: true }
  - name: web.flights
    alias: f
    columns:
      - { name: flight_id, type: integer, hidden: true }
      - { name: carrier, type: text }
      - { name: departure_time, type: bigint, description: Departure as Unix epoch seconds }
metrics:
  - name: reviews
    label: Reviews
    table: web.reviews
    expression: COUNT(*)
    time_expression: "${review}"${precision}
    format: integer
  - name: average_rating
    label: Average rating
    table: web.reviews
    expression: AVG(r.rating)
    time_expression: "${review}"${precision}
  - name: flights
    label: Flights
    table: web.flights
    expression: COUNT(DISTINCT f.flight_id)
    time_expression: "${time.flight ?? FLIGHT_TIME}"
    format: integer
dimensions:
  - { name: business, label: Business, sources: [{ table: web.reviews, column: business }], values: learn }
  - { name: carrier, label: Carrier, sources: [{ table: web.flights, column: carrier }], values: learn }
`;
}

let home: string;
let adminUrl: string;
let catalogFile: string;
let catalog: Catalog;
let runtime: Runtime;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'tally-time-expression-'));
  adminUrl = await isolatedAppUrl('timed');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  catalogFile = path.join(home, 'catalog.yaml');
  await writeFile(catalogFile, catalogYaml());
  catalog = parseCatalog(catalogYaml(), catalogFile);
  const role = `timed_reader_${randomBytes(4).toString('hex')}`;
  const database = new URL(adminUrl).pathname.slice(1);
  try {
    await admin.query(SCHEMA);
    for (const sql of grantStatements(catalog, { role, database, password: 'timed-reader' }))
      await admin.query(sql);
  } finally {
    await admin.end();
  }
  const reader = new URL(adminUrl);
  reader.username = role;
  reader.password = 'timed-reader';
  const config = loadConfig({
    TALLY_HOME: inject('tallyHome'),
    TALLY_PG_PORT: String(inject('tallyPgPort')),
    ANALYTICS_DB_URL: reader.toString(),
    DATABASE_URL: await isolatedAppUrl('timed_app'),
    TALLY_CATALOG: catalogFile,
    TALLY_NOW: TODAY,
    LOG_LEVEL: 'silent',
  });
  runtime = await createRuntime(config, createLogger(config));
});

afterAll(async () => {
  await runtime?.close();
  await rm(home, { recursive: true, force: true });
});

async function question(text: string): Promise<Answer> {
  return ask(askDeps(runtime), { text, channel: 'test', userId: 'time-expression-test' });
}

async function answered(text: string): Promise<Answer> {
  const answer = await question(text);
  expect(answer.status, `${text}: ${answer.message}`).toBe('answer');
  return answer;
}

describe('a month-dated fact (a year number and a month name)', () => {
  it('groups by month within a year, counting padded month names', async () => {
    const answer = await answered('reviews by month in 2021');
    expect(answer.rows).toEqual([
      ['2021-01-01', 2],
      ['2021-03-01', 1],
      ['2021-12-01', 1],
    ]);
    expect(answer.sql).toContain("to_date((r.year || ' ') || r.month, 'YYYY Month')");
  });

  it('filters by a year and by a month', async () => {
    expect((await answered('reviews in 2021')).rows).toEqual([[4]]);
    expect((await answered('reviews in March 2021')).rows).toEqual([[1]]);
    expect((await answered('average rating in January 2021')).rows).toEqual([[3]]);
  });

  it('compares whole years, and counts the month in progress as far as it has come', async () => {
    const compared = await answered('reviews in 2021 vs 2020');
    expect(compared.rows[0]?.slice(0, 2)).toEqual([4, 1]);
    expect((await answered('reviews this month')).rows).toEqual([[2]]);
    expect((await answered('reviews by quarter in 2021')).rows).toEqual([
      ['2021-01-01', 3],
      ['2021-10-01', 1],
    ]);
  });

  it('refuses what a monthly time cannot say, and says why', async () => {
    for (const text of [
      'reviews in the last 7 days',
      'reviews by day',
      'reviews by week in 2021',
      'reviews this year vs last year',
      'reviews yesterday',
    ]) {
      const answer = await question(text);
      expect(answer.status, text).toBe('refuse');
      expect(answer.rule, text).toBe('time_precision');
      expect(answer.message, text).toMatch(/dated only to the month/);
      expect(answer.rows, text).toEqual([]);
    }
    expect((await question('reviews in the last 7 days')).message).toMatch(
      /the last 7 days \(8–14 Jun 2022\): that cuts through a month/,
    );
  });

  it('says where the data ends by its month, not by the first day of it', async () => {
    const answer = await answered('reviews in 2022');
    expect(answer.interpretation?.text ?? '').toMatch(/data through June 2022/);
    expect(extentSql(catalog.metrics[0] as Catalog['metrics'][number], catalog)).toContain(
      "INTERVAL '1 month' - INTERVAL '1 day'",
    );
  });
});

describe('an epoch-seconds fact', () => {
  it('groups by month within a year, reading the epoch in UTC', async () => {
    expect((await answered('flights by month in 2021')).rows).toEqual([
      ['2021-01-01', 1],
      ['2021-03-01', 2],
    ]);
  });

  it('filters by a year, a month, and days', async () => {
    expect((await answered('flights in 2021')).rows).toEqual([[3]]);
    expect((await answered('flights in March 2021')).rows).toEqual([[2]]);
    expect((await answered('flights in the last 7 days')).rows).toEqual([[1]]);
    expect((await answered('flights by day in March 2021')).rows).toEqual([
      ['2021-03-01', 1],
      ['2021-03-15', 1],
    ]);
  });
});

describe('the compiled SQL', () => {
  it('passes the gate, with the expression in place of a column', () => {
    const lexicon = buildLexicon(catalog);
    for (const text of ['reviews by month in 2021', 'flights by month in 2021', 'reviews in March 2021']) {
      const reading = understand(text, catalog, lexicon, TODAY);
      if (reading.kind !== 'query') throw new Error(`${text}: ${reading.message}`);
      const verdict = checkSql(compile(reading.query, catalog, TODAY).sql, catalog, { maxRows: 100 });
      expect(verdict.ok, text).toBe(true);
    }
  });

  it('keeps personal data out of a time expression, and unknown functions too', () => {
    const personal = catalogYaml({ review: "to_date(r.year || ' ' || r.author, 'YYYY Month')" });
    expect(() => parseCatalog(personal, 'personal.yaml')).toThrow(/personal data/);
    const refused = catalogYaml({ flight: 'to_timestamp(f.departure_time)' });
    expect(() => parseCatalog(refused, 'refused.yaml')).toThrow(/refused by the SQL gate/);
    const elsewhere = catalogYaml({ flight: "TIMESTAMP 'epoch' + r.year * INTERVAL '1 second'" });
    expect(() => parseCatalog(elsewhere, 'elsewhere.yaml')).toThrow(CatalogError);
  });
});

describe('lint against the live database', () => {
  async function lint(yaml: string) {
    const parsed = parseCatalog(yaml, 'timed.yaml');
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query('BEGIN READ ONLY');
      const problems = await lintAgainstWarehouse(parsed, yaml, 'timed.yaml', clientRunner(client), {
        values: true,
        newTables: false,
      });
      await client.query('ROLLBACK');
      return problems.filter((p) => p.kind === 'bad_time');
    } finally {
      await client.end();
    }
  }

  it('passes the catalog as written', async () => {
    expect(await lint(catalogYaml())).toEqual([]);
  });

  it('catches an expression that fails on some row, one that is no date, and a month taken for a day', async () => {
    const failing = await lint(
      catalogYaml({ review: "to_date(r.year || ' ' || left(r.month, 3), 'YYYY Month')" }),
    );
    expect(failing[0]?.message).toMatch(/fails on the warehouse's rows: invalid value/);
    expect(failing[0]?.path).toBe('metrics[0].time_expression');
    expect(failing[0]?.line).toBeGreaterThan(0);
    const text = await lint(catalogYaml({ review: "r.year || ' ' || r.month" }));
    expect(text[0]?.message).toMatch(/is text, not a date or timestamp/);
    const undeclared = await lint(catalogYaml({ precision: null }));
    expect(undeclared[0]?.message).toMatch(/every value is the first day of a month/);
    const overstated = await lint(catalogYaml({ flight: FLIGHT_TIME, precision: 'year' }));
    expect(overstated[0]?.message).toMatch(/time_precision: year, but 5 row\(s\) fall inside a year/);
  });
});

describe('catalog init', () => {
  it('drafts a time expression for a whole-number column holding Unix seconds', async () => {
    const out = path.join(home, 'drafted.yaml');
    await runTally(['catalog', 'init', '--url', adminUrl, '--schema', 'web', '--out', out, '--force']);
    const drafted = parseCatalog(await readFile(out, 'utf8'), out);
    const flights = drafted.metrics.find((m) => m.table === 'web.flights' && m.expression === 'COUNT(*)');
    expect(flights?.time_expression).toMatch(
      /^TIMESTAMP 'epoch' \+ \w+\.departure_time \* INTERVAL '1 second'$/,
    );
    // Not an amount: no draft sum of departure times.
    expect(drafted.metrics.some((m) => /SUM\(\w+\.departure_time\)/.test(m.expression))).toBe(false);
  });
});
