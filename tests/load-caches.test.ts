/**
 * What the load work (issue 17) keeps between answers must never answer for someone else:
 *   - a gate verdict is kept per catalog object, SQL and row cap: the same SQL under another
 *     catalog (another person's visible catalog, a rebuilt one) or another cap is checked afresh;
 *   - the data extent is read once for everyone who sees the same rows, and once per person when
 *     a row filter reads who they are; scoped executors are bounded, not one per asker forever;
 *   - the Teams adapter keeps one Bot Connector client per app id, service URL and audience,
 *     for turns and proactive posts alike, and never keeps a client that could not be made;
 *   - a reading is kept per catalog and lexicon object, question and day: each caller gets its own
 *     copy, equal to a fresh reading, and another catalog, lexicon or day reads afresh;
 *   - the disk store serves recently stored or fetched assets from memory, byte for byte, never
 *     past their expiry, within a bounded number of bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storable, storableJson } from '../app-db/app-db.ts';
import { DEFAULT_CATALOG } from '../bot/runtime.ts';
import { CONNECTOR_CLIENTS_KEPT, GuardedTeamsAdapter } from '../bot/teams/teams-http.ts';
import { DiskAssetStore, KEPT_ASSET_BYTES } from '../charts/store.ts';
import { loadCatalog } from '../semantic-catalog/loader.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon } from '../semantic-catalog/understand/lexicon.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import {
  gateCatalog,
  rowsScope,
  SCOPED_EXECUTORS_KEPT,
  scopedExecutorsKept,
  withAccess,
} from '../skills/access-scope.ts';
import { READINGS_KEPT, readingsKept, understandKept } from '../skills/ask.ts';
import { dataExtent } from '../skills/data-extent.ts';
import { Executor, type QueryResult, type RunOptions } from '../warehouse/executor.ts';
import { checkedSql, checkSql, GATE_VERDICTS_KEPT } from '../warehouse/gate.ts';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(DEFAULT_CATALOG);
});

const withGroups = (groups: NonNullable<Catalog['access']>['groups']): Catalog => ({
  ...catalog,
  access: { default: 'nothing', groups },
});

const group = (name: string, members: string[], extra: { tables?: string[]; rows?: string[] } = {}) => ({
  name,
  description: '',
  members,
  tables: extra.tables ?? [],
  metrics: [],
  hidden_columns: [],
  rows: extra.rows ?? [],
});

describe('gate verdicts kept', () => {
  const sql = 'SELECT e.amount FROM finance.gl_entries AS e';

  it('gives the same verdict as checking afresh, and the same object the second time', () => {
    const first = checkedSql(sql, catalog, { maxRows: 50 });
    expect(first).toEqual(checkSql(sql, catalog, { maxRows: 50 }));
    expect(checkedSql(sql, catalog, { maxRows: 50 })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("never lets one catalog's verdict answer for another", () => {
    // Finance's tables are theirs only: a sales person's visible catalog has no gl_entries.
    const ruled = withGroups([
      group('finance', ['aad-finance'], { tables: ['finance.gl_entries'] }),
      group('sales', ['aad-sales']),
    ]);
    const finance = gateCatalog(
      withAccess({ catalog: ruled, executor: stubExecutor() }, { userId: 'aad-finance' }),
    );
    const sales = gateCatalog(
      withAccess({ catalog: ruled, executor: stubExecutor() }, { userId: 'aad-sales' }),
    );
    expect(checkedSql(sql, finance, { maxRows: 50 }).ok).toBe(true);
    const refused = checkedSql(sql, sales, { maxRows: 50 });
    expect(refused.ok).toBe(false);
    // And the other way round, each from its own kept verdict.
    expect(checkedSql(sql, finance, { maxRows: 50 }).ok).toBe(true);
    expect(checkedSql(sql, sales, { maxRows: 50 })).toBe(refused);
  });

  it('keeps a verdict per row cap', () => {
    const small = checkedSql(sql, catalog, { maxRows: 10 });
    const large = checkedSql(sql, catalog, { maxRows: 1000 });
    expect(small.ok && small.sql).toContain('LIMIT 11');
    expect(large.ok && large.sql).toContain('LIMIT 1001');
  });

  it('keeps a bounded number per catalog, the most recently used', () => {
    const own: Catalog = { ...catalog };
    const kept = checkedSql('SELECT o.order_id FROM sales.orders AS o', own, { maxRows: 5 });
    for (let i = 0; i < GATE_VERDICTS_KEPT + 10; i++) {
      checkedSql(`SELECT ${i} AS n`, own, { maxRows: 5 });
      // Used again now and then: the least recently used go first, not the oldest.
      if (i % 500 === 0)
        expect(checkedSql('SELECT o.order_id FROM sales.orders AS o', own, { maxRows: 5 })).toBe(kept);
    }
    expect(checkedSql(`SELECT ${GATE_VERDICTS_KEPT + 9} AS n`, own, { maxRows: 5 }).ok).toBe(true);
    // The first of the loop's statements is gone; checking it again gives an equal, fresh verdict.
    const again = checkedSql('SELECT 0 AS n', own, { maxRows: 5 });
    expect(again).toEqual(checkSql('SELECT 0 AS n', own, { maxRows: 5 }));
  });
});

/** An executor that answers every extent query with fixed dates and records the access it ran with. */
class StubExecutor extends Executor {
  readonly runs: RunOptions['access'][] = [];
  override async run(_sql: string, options: RunOptions = {}): Promise<QueryResult> {
    this.runs.push(options.access);
    return {
      columns: [
        { name: 'first_day', type: 'date' },
        { name: 'last_day', type: 'date' },
      ],
      rows: [['2024-01-01', '2026-06-14']],
      truncated: false,
      durationMs: 0,
    };
  }
}

function stubExecutor(): StubExecutor {
  return new StubExecutor({
    connectionString: 'postgres://nobody@127.0.0.1:1/none',
    timeoutSeconds: 1,
    maxRows: 10,
  });
}

const revenue = { metrics: ['revenue'] } as unknown as SemanticQuery;
const log = { warn: () => undefined };

describe('data extents kept per visible rows', () => {
  it('reads once for everyone in the same group when no row filter reads who asks', async () => {
    const ruled = withGroups([group('emea', ['aad-1', 'aad-2'], { rows: ["r.region_name = 'EMEA'"] })]);
    const base = stubExecutor();
    for (const userId of ['aad-1', 'aad-2']) {
      const deps = withAccess({ catalog: ruled, executor: base, maxRows: 10, log }, { userId });
      expect(await dataExtent(rowsScope(deps), revenue)).toEqual({ first: '2024-01-01', last: '2026-06-14' });
    }
    expect(base.runs).toEqual([{ groups: ['emea'], user: {} }]);
  });

  it('reads per person when a row filter reads who asks', async () => {
    const ruled = withGroups([
      group('own', ['a@example.com', 'b@example.com'], { rows: ["c.account_manager = '{user.email}'"] }),
    ]);
    const base = stubExecutor();
    for (const userEmail of ['a@example.com', 'b@example.com']) {
      const deps = withAccess(
        { catalog: ruled, executor: base, maxRows: 10, log },
        { userId: userEmail, userEmail },
      );
      await dataExtent(rowsScope(deps), revenue);
    }
    expect(base.runs.map((access) => access?.user.email)).toEqual(['a@example.com', 'b@example.com']);
  });

  it('reads apart for people in different groups', async () => {
    const ruled = withGroups([
      group('emea', ['aad-1'], { rows: ["r.region_name = 'EMEA'"] }),
      group('apac', ['aad-2'], { rows: ["r.region_name = 'APAC'"] }),
    ]);
    const base = stubExecutor();
    for (const userId of ['aad-1', 'aad-2', 'aad-1']) {
      const deps = withAccess({ catalog: ruled, executor: base, maxRows: 10, log }, { userId });
      await dataExtent(rowsScope(deps), revenue);
    }
    expect(base.runs.map((access) => access?.groups)).toEqual([['emea'], ['apac']]);
  });

  it('keeps a bounded number of scoped executors, however many people ask', () => {
    const base = stubExecutor();
    for (let i = 0; i < SCOPED_EXECUTORS_KEPT + 25; i++)
      withAccess({ catalog, executor: base }, { userId: `aad-${i}` });
    expect(scopedExecutorsKept(base)).toBe(SCOPED_EXECUTORS_KEPT);
    // A person seen again runs with their own access, as before.
    const again = withAccess({ catalog, executor: base }, { userId: 'aad-0' });
    expect(again.access.user.id).toBe('aad-0');
  });
});

describe('Bot Connector clients kept', () => {
  const activity = (serviceUrl: string) =>
    ({
      type: 'message',
      id: 'm1',
      channelId: 'msteams',
      serviceUrl,
      text: 'hi',
      from: { id: '29:u' },
      recipient: { id: '28:tally' },
      conversation: { id: 'c1' },
    }) as Activity;

  it('makes one client per service URL for turns and proactive posts alike', async () => {
    const adapter = new GuardedTeamsAdapter({});
    const first = await adapter.authenticate(activity('http://127.0.0.1:1/'), '');
    const second = await adapter.authenticate(activity('http://127.0.0.1:1/'), '');
    const a = await first.connectorFactory?.create('http://127.0.0.1:1/', first.audience);
    const b = await second.connectorFactory?.create('http://127.0.0.1:1/', second.audience);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    const other = await second.connectorFactory?.create('http://127.0.0.1:2/', second.audience);
    expect(other).not.toBe(a);
    // A proactive post's factory (continueConversationAsync) shares them.
    const proactive = (
      adapter as unknown as {
        botFrameworkAuthentication: {
          createConnectorFactory(claims: unknown): typeof first.connectorFactory;
        };
      }
    ).botFrameworkAuthentication.createConnectorFactory(first.claimsIdentity);
    expect(await proactive?.create('http://127.0.0.1:1/', first.audience)).toBe(a);
    expect(adapter.connectorClientsKept()).toBe(2);
  });

  it('makes one user-token client for every turn of the same bot', async () => {
    const adapter = new GuardedTeamsAdapter({});
    const seen: unknown[] = [];
    for (const conversation of ['c1', 'c2']) {
      const incoming = { ...activity('http://127.0.0.1:1/'), conversation: { id: conversation } } as Activity;
      const auth = await adapter.authenticate(incoming, '');
      await adapter.runAuthenticated(auth, incoming, async (context) => {
        seen.push(context.turnState.get(adapter.UserTokenClientKey));
      });
    }
    expect(seen[0]).toBeDefined();
    expect(seen[1]).toBe(seen[0]);
    expect(adapter.userTokenClientsKept()).toBe(1);
  });

  it('keeps a bounded number', async () => {
    const adapter = new GuardedTeamsAdapter({});
    const auth = await adapter.authenticate(activity('http://127.0.0.1:1/'), '');
    for (let i = 0; i < CONNECTOR_CLIENTS_KEPT + 5; i++)
      await auth.connectorFactory?.create(`http://127.0.0.1:${1000 + i}/`, auth.audience);
    expect(adapter.connectorClientsKept()).toBe(CONNECTOR_CLIENTS_KEPT);
  });

  it('sends through a kept client to each conversation it is asked to', async () => {
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x"}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const serviceUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    try {
      const adapter = new GuardedTeamsAdapter({});
      for (const conversation of ['c1', 'c2']) {
        const incoming = { ...activity(serviceUrl), conversation: { id: conversation } } as Activity;
        const auth = await adapter.authenticate(incoming, '');
        await adapter.runAuthenticated(auth, incoming, async (context) => {
          await context.sendActivity('hello');
        });
      }
      expect(seen).toEqual(['/v3/conversations/c1/activities/m1', '/v3/conversations/c2/activities/m1']);
      expect(adapter.connectorClientsKept()).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('assets kept in memory', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function served(clock: () => number, draw?: (spec: object) => Promise<Buffer>) {
    const dir = await mkdtemp(path.join(tmpdir(), 'tally-kept-assets-'));
    dirs.push(dir);
    const app = express();
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const store = new DiskAssetStore(dir, base, 60, clock, draw);
    app.use(store.router());
    const get = async (url: string) => {
      const response = await fetch(url);
      return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
    };
    return { dir, store, get, close: () => server.close() };
  }

  it('serves what was stored byte for byte, from memory once the file is gone, and 404 once expired', async () => {
    let now = Date.now();
    const { dir, store, get, close } = await served(() => now);
    try {
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(5000, 7)]);
      const url = await store.put('chart', png);
      const csv = await store.put('export', 'a,b\r\n1,2');
      await rm(path.join(dir, 'charts'), { recursive: true, force: true });
      expect(await get(url)).toEqual({ status: 200, body: png });
      expect((await get(csv)).body.toString()).toBe('a,b\r\n1,2');
      now += 61_000;
      expect((await get(url)).status).toBe(404);
      expect((await get(csv)).status).toBe(404);
    } finally {
      close();
    }
  });

  it('keeps a chart drawn on first fetch, with the age of its link', async () => {
    let now = Date.now();
    let draws = 0;
    const png = Buffer.from('89504e470d0a1a0a0102', 'hex');
    const { store, get, close } = await served(
      () => now,
      async () => {
        draws++;
        return png;
      },
    );
    try {
      const url = await (store.putLater as (spec: object) => Promise<string>)({ mark: 'bar' });
      expect(await get(url)).toEqual({ status: 200, body: png });
      expect(await get(url)).toEqual({ status: 200, body: png });
      expect(draws).toBe(1);
      now += 61_000;
      expect((await get(url)).status).toBe(404);
    } finally {
      close();
    }
  });

  it('keeps no more than its budget, and still serves what it let go from disk', async () => {
    const { store, get, close } = await served(Date.now);
    try {
      const size = Math.floor(KEPT_ASSET_BYTES / 8);
      const urls: string[] = [];
      for (let i = 0; i < 12; i++) urls.push(await store.put('chart', Buffer.alloc(size, i)));
      expect(store.keptAssetBytes()).toBeLessThanOrEqual(KEPT_ASSET_BYTES);
      const first = await get(urls[0] as string);
      expect(first.status).toBe(200);
      expect(first.body.equals(Buffer.alloc(size, 0))).toBe(true);
      expect(store.keptAssetBytes()).toBeLessThanOrEqual(KEPT_ASSET_BYTES);
    } finally {
      close();
    }
  });
});

describe('readings kept', () => {
  it('reads as understand does, and hands each caller its own copy', () => {
    const lexicon = buildLexicon(catalog);
    const question = 'revenue by region last quarter';
    const first = understandKept(question, catalog, lexicon, '2026-06-15');
    expect(first).toEqual(understand(question, catalog, lexicon, '2026-06-15'));
    expect(first.kind).toBe('query');
    if (first.kind === 'query') first.query.metrics.push('orders');
    const second = understandKept(question, catalog, lexicon, '2026-06-15');
    expect(second).toEqual(understand(question, catalog, lexicon, '2026-06-15'));
    expect(second).not.toBe(first);
  });

  it('reads afresh for another day, catalog or lexicon', () => {
    const lexicon = buildLexicon(catalog);
    const question = 'revenue last month';
    const june = understandKept(question, catalog, lexicon, '2026-06-15');
    const july = understandKept(question, catalog, lexicon, '2026-07-15');
    expect(july).toEqual(understand(question, catalog, lexicon, '2026-07-15'));
    expect(july).not.toEqual(june);
    // A catalog without revenue (an admin's change, a rebuilt catalog) never gets the old reading.
    const without: Catalog = { ...catalog, metrics: catalog.metrics.filter((m) => m.name !== 'revenue') };
    const withoutLexicon = buildLexicon(without);
    expect(understandKept(question, without, withoutLexicon, '2026-06-15')).toEqual(
      understand(question, without, withoutLexicon, '2026-06-15'),
    );
    expect(understandKept(question, without, withoutLexicon, '2026-06-15').kind).not.toBe('query');
  });

  it('keeps a bounded number per catalog and lexicon', () => {
    const lexicon = buildLexicon(catalog);
    for (let i = 0; i < READINGS_KEPT + 20; i++)
      understandKept(`revenue in ${2000 + (i % 30)} q${i}`, catalog, lexicon, '2026-06-15');
    expect(readingsKept(catalog, lexicon)).toBe(READINGS_KEPT);
    const question = 'orders by channel this year';
    expect(understandKept(question, catalog, lexicon, '2026-06-15')).toEqual(
      understand(question, catalog, lexicon, '2026-06-15'),
    );
  });
});

describe('storable JSON', () => {
  const slow = (value: unknown) =>
    JSON.stringify(value, (_key, v) => (typeof v === 'string' ? storable(v) : v));

  it('is the same as cleaning every string, whatever the text holds', () => {
    const values = [
      { card: { body: [{ type: 'TextBlock', text: 'Revenue by region' }], rows: [[1, 'EMEA']] } },
      { text: 'revenue\u0000 by region', nested: [{ also: 'a\u0000b' }] },
      { lone: 'x\ud800y', low: '\udc00z', paired: 'chart 📈 ok' },
      { typed: 'a backslash-u text: \\u0000 and \\ud800', plain: 'é' },
      'just a string\u0000',
      [1, null, true],
    ];
    for (const value of values) expect(storableJson(value)).toBe(slow(value));
    expect(JSON.parse(storableJson(values[1]))).toEqual({
      text: 'revenue by region',
      nested: [{ also: 'ab' }],
    });
    expect(JSON.parse(storableJson(values[2]))).toEqual({ lone: 'xy', low: 'z', paired: 'chart 📈 ok' });
  });
});
