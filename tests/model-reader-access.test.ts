/**
 * The model's SQL with per-user access (issues 13 and 15). The SQL path used to gate the model's
 * SQL against the whole catalog and run it on whatever executor it was handed: a person restricted
 * to EMEA could have the model read a table only finance may read (PostgreSQL then returned
 * nothing, but the SQL ran), and deps that were never scoped ran as no one. It must use the
 * asking person's access exactly like an offline reading: the gate sees only what they may read,
 * and the executor carries their groups.
 *
 * A warehouse of its own with row-level security (as in access.test.ts), a local chat-completions
 * server and a catalog that allows the model's SQL.
 */
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { askDeps, type Runtime } from '../bot/runtime.ts';
import { resolveAccess } from '../semantic-catalog/access.ts';
import { understand } from '../semantic-catalog/understand/parse.ts';
import { ask } from '../skills/ask.ts';
import { accessWarehouse, EMEA_MANAGER_ACCESS } from './access-warehouse.ts';
import { testRuntime } from './helpers.ts';
import { completion, reading, type StandIn, startStandIn } from './openai-stand-in.ts';

const ACCESS = `${EMEA_MANAGER_ACCESS.trimEnd()}
    - name: finance
      members: [aad-finance]
      tables: [finance.gl_entries, finance.gl_accounts, finance.cost_centers]
`;
const EMEA_USER = 'emea.manager@example.com';
/** Not a question the semantic layer can say: the catalog lets the model write SQL for it. */
const CHURN = 'which accounts churned after their first invoice';
const BY_REGION =
  'SELECT r.region_name, count(*) AS orders FROM sales.orders o JOIN sales.customers c ON c.customer_id = o.customer_id JOIN sales.regions r ON r.region_id = c.region_id GROUP BY 1 ORDER BY 1';
const sqlReply = (query: string) => completion(reading({ sql: { query, explanation: 'orders' } }));

let model: StandIn;
let runtime: Runtime;
let admin: pg.Client;

beforeAll(async () => {
  const warehouse = await accessWarehouse('model_access', ACCESS, { 'model.yaml': 'model:\n  sql: true\n' });
  admin = warehouse.admin;
  model = await startStandIn();
  runtime = await testRuntime({
    ...warehouse.env,
    OPENAI_BASE_URL: `${model.url}/v1`,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_MAX_RETRIES: '0',
  });
});
afterAll(async () => {
  await runtime?.close();
  await model?.close();
  await admin?.end();
});
beforeEach(() => model.reset());

describe("the model's SQL runs with the asking person's access", () => {
  it('gives an EMEA user EMEA rows only, and says so', async () => {
    model.script(sqlReply(BY_REGION));
    const answer = await ask(askDeps(runtime), { text: CHURN, channel: 'test', userId: EMEA_USER });
    expect(answer.status).toBe('answer');
    expect(answer.rows.map((r) => r[0])).toEqual(['EMEA']);
    expect(answer.summary).toContain('Showing EMEA only (your access).');
  });

  it("scopes the executor itself, even when the turn's deps carry the access but not a scoped executor", async () => {
    const emea = resolveAccess(runtime.catalog, { email: EMEA_USER });
    const deps = { ...askDeps(runtime), access: emea };
    const today = runtime.today();
    model.script(sqlReply(BY_REGION));
    const read = await deps.secondReader?.(CHURN, understand(CHURN, deps.catalog, deps.lexicon, today), {
      today,
      user: EMEA_USER,
      deps,
    });
    const everywhere = await admin.query('SELECT count(DISTINCT region_name)::int AS n FROM sales.regions');
    expect(everywhere.rows[0].n).toBeGreaterThan(1);
    expect(read?.answer.status).toBe('answer');
    expect(read?.answer.rows.map((r) => r[0])).toEqual(['EMEA']);
    expect(Number(read?.answer.rows[0]?.[1])).toBeGreaterThan(0);
  });

  it('shows the model only the tables the asking person may read', async () => {
    model.script(completion(reading({ answerable: false, reason: 'no' })));
    await ask(askDeps(runtime), { text: CHURN, channel: 'test', userId: EMEA_USER });
    model.script(completion(reading({ answerable: false, reason: 'no' })));
    await ask(askDeps(runtime), { text: CHURN, channel: 'test', userId: 'aad-finance' });
    const [emea, finance] = model.requests.map((r) => r.text);
    expect(emea).toContain('sales.orders');
    expect(emea).not.toMatch(/finance\.(gl_entries|gl_accounts|cost_centers)/);
    expect(finance).toMatch(/finance\.(gl_entries|gl_accounts|cost_centers)/);
  });

  it('refuses a table only finance may read, without running it, and names nothing the user may not see', async () => {
    const restricted = sqlReply('SELECT count(*) AS entries FROM finance.gl_entries');
    model.script(restricted, restricted, restricted);
    const answer = await ask(askDeps(runtime), { text: CHURN, channel: 'test', userId: EMEA_USER });
    expect(answer.status).toBe('refuse');
    expect(answer.rows).toEqual([]);
    expect(answer.rule).toBe('catalog_tables');
    // The repair tells the model the table is not one it may use, not that it exists elsewhere.
    const repair = model.requests[1]?.body.messages.at(-1)?.content ?? '';
    expect(repair).toMatch(/catalog_tables/);
    expect(`${repair} ${answer.message}`).not.toMatch(/gl_accounts|cost_centers|did you mean/);

    // The same SQL for a finance user passes the gate and runs.
    model.script(restricted);
    const finance = await ask(askDeps(runtime), { text: CHURN, channel: 'test', userId: 'aad-finance' });
    expect(finance.status).toBe('answer');
    expect(Number(finance.rows[0]?.[0])).toBeGreaterThan(0);
  });
});
