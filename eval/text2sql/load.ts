/**
 * The text2sql-dev warehouses (public databases written by others, in ../shared/data/text2sql-dev):
 * where they live and how one is loaded into a PostgreSQL server, fresh each time so dates
 * written relative to CURRENT_DATE agree with the day the questions are asked.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export const TEXT2SQL_DIR = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'text2sql-dev',
);
export const TEXT2SQL_DATABASES = [
  'academic',
  'advising',
  'atis',
  'derm_treatment',
  'geography',
  'restaurants',
  'scholar',
  'yelp',
] as const;
export type Text2SqlDatabase = (typeof TEXT2SQL_DATABASES)[number];

export function text2sqlAvailable(): boolean {
  return existsSync(path.join(TEXT2SQL_DIR, 'questions.csv'));
}

/** Drops and re-creates `name` on the server behind `superuserUrl` (a URL to any database). */
export async function loadText2Sql(superuserUrl: string, name: Text2SqlDatabase): Promise<string> {
  const admin = new URL(superuserUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const target = new URL(superuserUrl);
  target.pathname = `/${name}`;
  const db = new pg.Client({ connectionString: target.toString() });
  await db.connect();
  try {
    await db.query(await readFile(path.join(TEXT2SQL_DIR, `${name}.sql`), 'utf8'));
  } finally {
    await db.end();
  }
  return target.toString();
}
