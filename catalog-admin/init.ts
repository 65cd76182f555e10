/**
 * `tally catalog init`: live PostgreSQL → schema (bulk pg_catalog queries) → samples (pg_stats,
 * else SELECT DISTINCT) → draft catalog → YAML. Everything is read inside one READ ONLY
 * transaction with a statement timeout, so pointing it at production changes nothing and a huge
 * table can't hold it forever.
 */
import pg from 'pg';
import { loadPgParser } from '../warehouse/pg-parser.ts';
import { type Draft, draftCatalog } from './draft.ts';
import { clientRunner, introspect, type Scope } from './introspect.ts';
import { renderDraft } from './render.ts';
import { type SampleProgress, sampleColumns } from './samples.ts';

export interface InitOptions extends Scope {
  /** The catalog's name; defaults to the database name. */
  name?: string;
  onProgress?: (progress: SampleProgress) => void;
  statementTimeoutSeconds?: number;
}

export interface InitResult {
  yaml: string;
  draft: Draft;
  tables: number;
}

export class InitError extends Error {
  readonly code = 'tally_catalog_init';
}

export async function initCatalog(url: string, options: InitOptions = {}): Promise<InitResult> {
  await loadPgParser();
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = '${options.statementTimeoutSeconds ?? 60}s'`);
    const run = clientRunner(client);
    const schema = await introspect(run, options);
    if (schema.tables.length === 0)
      throw new InitError(
        `no tables found${options.schemas?.length ? ` in schema ${options.schemas.join(', ')}` : ''}${options.tables?.length ? ` named ${options.tables.join(', ')}` : ''}`,
      );
    const samples = await sampleColumns(run, schema, options.onProgress);
    await client.query('COMMIT');
    const database = decodeURIComponent(new URL(url).pathname.slice(1)) || 'warehouse';
    const name = options.name ?? database;
    const draft = draftCatalog(name, schema, samples);
    const where = new URL(url);
    where.password = '';
    where.username = '';
    return { yaml: renderDraft(draft, `${where.host}/${database}`), draft, tables: schema.tables.length };
  } finally {
    await client.end();
  }
}
