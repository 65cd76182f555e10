/**
 * The composition root: configuration → warehouse (embedded or ANALYTICS_DB_URL) → read-only
 * executor → app database → catalog → learned values. Everything else receives these parts;
 * nothing below reads the environment or the clock.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { type AlertDefinition, loadAlerts } from '../alerts/definitions.ts';
import { AppDb, type Subscription } from '../app-db/app-db.ts';
import { cachedRenderer } from '../charts/chart-cache.ts';
import type { RenderedChart } from '../charts/render.ts';
import { type AssetStore, DiskAssetStore, S3AssetStore } from '../charts/store.ts';
import { reusingStore } from '../charts/store-reuse.ts';
import { type DigestDefinition, loadDigests } from '../digests/definitions.ts';
import { type ModelSetup, modelSetup, secondReader } from '../model-reader/setup.ts';
import { resolveAccess, TALLY_GROUP } from '../semantic-catalog/access.ts';
import {
  dimensionByName,
  reachableSource,
  sourceExpression,
  tableByName,
} from '../semantic-catalog/catalog.ts';
import { type IsoDate, toIso } from '../semantic-catalog/dates.ts';
import { loadCatalog, resolveCatalogFile } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon, type DimensionValues, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import type { AskDeps } from '../skills/ask.ts';
import type { PresentDeps } from '../skills/present.ts';
import {
  defaultSeedEnd,
  demoSeedInfo,
  type SeedOptions,
  seedDemo,
  staleEnd,
} from '../warehouse/demo/seed.ts';
import type { EmbeddedCluster } from '../warehouse/embedded.ts';
import { Executor } from '../warehouse/executor.ts';
import { checkSql } from '../warehouse/gate.ts';
import { grantStatements, READER_POOL_SIZE, READER_ROLE } from '../warehouse/grants.ts';
import { type LiveCatalog, openLiveCatalog } from './catalog-live.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { DEFAULT_CATALOG, DEFAULT_HOME } from './paths.ts';
import { runningServer } from './server-record.ts';

export { DEFAULT_CATALOG, DEFAULT_HOME };

const WAREHOUSE_DB = 'warehouse';
const APP_DB = 'tally';
const LEARN_LIMIT = 500;

export interface Runtime {
  config: Config;
  /** Chart images and CSV exports (disk by default, S3 with S3_BUCKET). */
  store: AssetStore;
  diskStore?: DiskAssetStore;
  log: Logger;
  catalog: Catalog;
  lexicon: Lexicon;
  executor: Executor;
  appDb: AppDb;
  /** Alerts and digests defined beside the catalog. */
  definitions: Definitions;
  /** Set by `tally start`: schedules subscriptions made in chat at once. */
  scheduler?: SubscriptionScheduler;
  /** Set by `tally start`: what /metrics reports. */
  metrics?: Metrics;
  /** The optional language model (issue 13): none unless configured and allowed by the catalog. */
  model?: ModelSetup;
  /**
   * The last day of the embedded demo warehouse's data when it is over a week old (seeded on a
   * first run long ago): `tally start` says how to bring it up to date.
   */
  staleDemoEnd?: IsoDate;
  /** The clock's today (TALLY_NOW or the real date). */
  today(): IsoDate;
  /** Admins' chat edits in effect (bot/catalog-live.ts): they replace `catalog` and `lexicon` when they change. */
  live?: LiveCatalog;
  close(): Promise<void>;
}

export interface Definitions {
  alerts: AlertDefinition[];
  digests: DigestDefinition[];
}

export interface SubscriptionScheduler {
  changed(change: { added?: Subscription; removed: Subscription[] }): Promise<void>;
}

export interface Warehouse {
  /** Where `tally demo seed` writes (a role that may create schemas). */
  adminUrl: string;
  /** Where questions run (the read-only role on the embedded server). */
  readerUrl: string;
  appUrl: string;
  embedded?: EmbeddedCluster;
}

export type SeedProgress = SeedOptions['onProgress'];

export function clock(config: Config): () => IsoDate {
  return () => config.TALLY_NOW ?? toIso(new Date());
}

/** Starts (or joins) the embedded server when no URLs are configured. */
export async function openWarehouse(config: Config, log: Logger): Promise<Warehouse> {
  const needEmbedded = !config.ANALYTICS_DB_URL || !config.DATABASE_URL;
  let embedded: EmbeddedCluster | undefined;
  if (needEmbedded) {
    // Only a source checkout has the embedded server (a dev dependency); an image names real ones.
    const { ensureDatabase, startEmbedded } = await import('../warehouse/embedded.ts');
    embedded = await startEmbedded({
      home: config.TALLY_HOME ?? DEFAULT_HOME,
      port: config.TALLY_PG_PORT,
      onLog: (line) => log.trace({ postgres: line }),
    });
    if (!config.ANALYTICS_DB_URL) await ensureDatabase(embedded.superuserUrl('postgres'), WAREHOUSE_DB);
    if (!config.DATABASE_URL) await ensureDatabase(embedded.superuserUrl('postgres'), APP_DB);
  }
  const adminUrl = config.ANALYTICS_DB_URL ?? (embedded as EmbeddedCluster).superuserUrl(WAREHOUSE_DB);
  return {
    adminUrl,
    readerUrl: adminUrl,
    appUrl: config.DATABASE_URL ?? (embedded as EmbeddedCluster).superuserUrl(APP_DB),
    embedded,
  };
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // A connection dropped mid-work rejects the query; the event must not end the process as well.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createRuntime(
  config: Config,
  log: Logger,
  onSeedProgress?: SeedProgress,
): Promise<Runtime> {
  const catalogPath = config.TALLY_CATALOG ?? DEFAULT_CATALOG;
  const catalogFile = await resolveCatalogFile(catalogPath);
  const catalog = await loadCatalog(catalogFile);
  const definitions = {
    alerts: await loadAlerts(catalogPath, catalog),
    digests: await loadDigests(catalogPath, catalog),
  };
  const today = clock(config);
  const warehouse = await openWarehouse(config, log);
  let staleDemoEnd: IsoDate | undefined;
  if (warehouse.embedded && !config.ANALYTICS_DB_URL) {
    await withClient(warehouse.adminUrl, async (client) => {
      const info = await demoSeedInfo(client);
      if (info) staleDemoEnd = staleEnd(info, today());
      else {
        log.info('Seeding the demo warehouse (first run)…');
        await seedDemo(client, {
          seed: 42,
          scale: 1,
          end: defaultSeedEnd(today()),
          onProgress: onSeedProgress,
        });
      }
    });
    warehouse.readerUrl = await setUpReader(warehouse, catalog, config.TALLY_HOME ?? DEFAULT_HOME);
  }
  const executor = new Executor({
    connectionString: warehouse.readerUrl,
    timeoutSeconds: config.QUERY_TIMEOUT_SECONDS,
    maxRows: config.MAX_QUERY_ROWS,
    maxCellBytes: config.MAX_CELL_BYTES,
    maxResultBytes: config.MAX_RESULT_BYTES,
    poolSize: READER_POOL_SIZE,
  });
  const appDb = new AppDb(warehouse.appUrl);
  await appDb.migrate();
  const learned = await learnValues(catalog, executor, config.MAX_QUERY_ROWS, log);
  const { store, diskStore } = createAssetStore(config);
  const runtime: Runtime = {
    config,
    store,
    diskStore,
    log,
    catalog,
    lexicon: buildLexicon(catalog, learned),
    executor,
    appDb,
    definitions,
    model: await modelSetup(config, catalogPath),
    today,
    staleDemoEnd,
    close: async () => {
      await runtime.live?.close();
      await executor.close();
      await appDb.close();
      await warehouse.embedded?.stop();
    },
  };
  runtime.live = await openLiveCatalog({
    file: catalogFile,
    baseText: await readFile(catalogFile, 'utf8'),
    learned,
    appDb,
    log,
    apply: (next, lexicon) => {
      runtime.catalog = next;
      runtime.lexicon = lexicon;
    },
  });
  return runtime;
}

/** Deps whose catalog and lexicon are read at each use, so a turn sees the catalog in effect now. */
function live<T extends { catalog: Catalog }>(runtime: Runtime, deps: T): T {
  Object.defineProperty(deps, 'catalog', { get: () => runtime.catalog, enumerable: true });
  if ('lexicon' in deps)
    Object.defineProperty(deps, 'lexicon', { get: () => runtime.lexicon, enumerable: true });
  return deps;
}

/** Creates or updates the read-only role on the embedded server; returns its connection URL. */
async function setUpReader(warehouse: Warehouse, catalog: Catalog, home: string): Promise<string> {
  const file = path.join(home, 'reader.json');
  const password = existsSync(file)
    ? (JSON.parse(await readFile(file, 'utf8')) as { password: string }).password
    : randomBytes(18).toString('base64url');
  if (!existsSync(file)) await writeFile(file, JSON.stringify({ password }), { mode: 0o600 });
  await withClient(warehouse.adminUrl, async (client) => {
    // Two processes starting together would otherwise collide on the same catalog rows.
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(7477002)');
    for (const statement of grantStatements(catalog, {
      role: READER_ROLE,
      database: WAREHOUSE_DB,
      password,
    })) {
      await client.query(statement);
    }
    await client.query('COMMIT');
  });
  const url = new URL(warehouse.adminUrl);
  url.username = READER_ROLE;
  url.password = password;
  return url.toString();
}

/** Values of low-cardinality dimensions, read through the same gate and executor as any question. */
async function learnValues(
  catalog: Catalog,
  executor: Executor,
  maxRows: number,
  log: Logger,
): Promise<DimensionValues> {
  const learned: DimensionValues = new Map();
  for (const dimension of catalog.dimensions.filter((d) => d.values === 'learn')) {
    const source = dimension.sources[0];
    const table = source && tableByName(catalog, source.table);
    if (
      !source ||
      !table ||
      !dimensionByName(catalog, dimension.name) ||
      !reachableSource(catalog, dimension, table.name)
    )
      continue;
    const expression = sourceExpression(catalog, source);
    const sql = `SELECT DISTINCT ${expression} AS value FROM ${table.name} AS ${table.alias} WHERE ${expression} IS NOT NULL ORDER BY 1 LIMIT ${LEARN_LIMIT + 1}`;
    const verdict = checkSql(sql, catalog, { maxRows });
    if (!verdict.ok) {
      log.warn({ dimension: dimension.name, reason: verdict.reason }, 'cannot learn dimension values');
      continue;
    }
    try {
      // Tally's own read, not a person's: the words people may type, whatever their access.
      const result = await executor.run(verdict.sql, { access: { groups: [TALLY_GROUP], user: {} } });
      if (result.rows.length > LEARN_LIMIT) continue;
      learned.set(
        dimension.name,
        result.rows.map((row) => String(row[0])),
      );
    } catch (error) {
      log.warn({ dimension: dimension.name, err: (error as Error).message }, 'cannot learn dimension values');
    }
  }
  return learned;
}

/**
 * Where chat clients fetch stored assets: PUBLIC_URL, else the `tally start` running on this
 * TALLY_HOME (its real port), else the asset folder itself — a CLI run with no server links files.
 */
export function publicUrl(config: Config): string {
  const home = config.TALLY_HOME ?? DEFAULT_HOME;
  return config.PUBLIC_URL ?? runningServer(home)?.url ?? pathToFileURL(path.join(home, 'assets')).toString();
}

export function createAssetStore(config: Config): { store: AssetStore; diskStore?: DiskAssetStore } {
  const ttlSeconds = config.ASSET_TTL_HOURS * 3600;
  if (config.S3_BUCKET) {
    const s3 = new S3AssetStore({
      bucket: config.S3_BUCKET,
      region: config.AWS_REGION,
      endpoint: config.S3_ENDPOINT,
      ttlSeconds,
    });
    return { store: reusingStore(s3, ttlSeconds) };
  }
  // Full-size charts are drawn when first fetched, through a chart cache of their own.
  const draw = cachedRenderer(renderChart);
  const diskStore = new DiskAssetStore(
    path.join(config.TALLY_HOME ?? DEFAULT_HOME, 'assets'),
    publicUrl(config),
    ttlSeconds,
    Date.now,
    async (spec) => (await draw(spec as Parameters<typeof renderChart>[0])).png,
  );
  return { store: reusingStore(diskStore, ttlSeconds), diskStore };
}

/** vega, vega-lite and resvg load with the first chart, not with every command. */
export async function renderChart(spec: Parameters<PresentDeps['render']>[0]): Promise<RenderedChart> {
  return (await import('../charts/render.ts')).renderPng(spec);
}

/** What presenting an answer needs from the runtime. */
export function presentDeps(runtime: Runtime): PresentDeps {
  const { metrics } = runtime;
  const render: PresentDeps['render'] = metrics
    ? async (spec) => {
        const started = performance.now();
        const chart = await renderChart(spec);
        metrics.stage('chart', performance.now() - started);
        return chart;
      }
    : renderChart;
  return live(runtime, {
    catalog: runtime.catalog,
    store: runtime.store,
    render: cachedRenderer(render),
    log: runtime.log,
  });
}

/** What a chat turn needs: asking, presenting, and subscriptions in this conversation. */
export function chatDeps(runtime: Runtime) {
  return live(runtime, {
    ...askDeps(runtime),
    present: presentDeps(runtime),
    subscriptions: {
      appDb: runtime.appDb,
      digests: runtime.definitions.digests,
      alerts: runtime.definitions.alerts,
      onChange: async (change: { added?: Subscription; removed: Subscription[] }) =>
        runtime.scheduler?.changed(change),
      accessOf: (turn: { userId?: string; userEmail?: string }) =>
        resolveAccess(runtime.catalog, { id: turn.userId, email: turn.userEmail }).groups,
    },
    /** What an alert card's buttons act on. */
    alertActions: { appDb: runtime.appDb, alerts: runtime.definitions.alerts, today: runtime.today },
    /** Teaching in chat (skills/teach.ts): who may, and the catalog it edits. */
    teach: {
      live: runtime.live,
      admins: runtime.config.TALLY_ADMINS,
      adminChannels: runtime.config.TALLY_ADMIN_CHANNELS,
    },
  });
}

/** What the ask skill needs from the runtime. */
export function askDeps(runtime: Runtime): AskDeps {
  return live(runtime, {
    catalog: runtime.catalog,
    lexicon: runtime.lexicon,
    executor: runtime.executor,
    appDb: runtime.appDb,
    today: runtime.today,
    maxRows: runtime.config.MAX_QUERY_ROWS,
    log: runtime.log,
    observe: runtime.metrics?.question,
    secondReader: secondReader(runtime.model, { appDb: runtime.appDb, metrics: () => runtime.metrics }),
  });
}
