/**
 * `tally demo seed`: (re)creates the demo warehouse in a PostgreSQL database. Deterministic for a
 * given seed, scale and last day. Rows stream to the server in batches, one column per array
 * parameter, so scale 50 needs no more memory than scale 1.
 */
import type pg from 'pg';
import { addDays, type IsoDate, startOf } from '../../semantic-catalog/dates.ts';
import { INJECTED_ANOMALIES } from './anomalies.ts';
import { ACCOUNTS, COST_CENTERS, makeCustomers, makeEmployees, makeProducts, REGIONS } from './dimensions.ts';
import {
  customersByRegion,
  glOfDay,
  HISTORY_START,
  invoicesOfMonth,
  type OrderRow,
  ordersOfDay,
} from './facts.ts';
import { Random } from './random.ts';
import { COLUMNS, DEMO_DDL, DEMO_INDEXES, DEMO_SCHEMAS, type DemoTable } from './schema.ts';

export interface SeedOptions {
  seed: number;
  scale: number;
  /** Last day with data. */
  end: IsoDate;
  /** done reaches total once, when the warehouse is ready (indexes and statistics count as one more step). */
  onProgress?: (progress: { step: string; done: number; total: number }) => void;
}

export interface SeedSummary {
  rows: Record<string, number>;
  from: IsoDate;
  to: IsoDate;
  seconds: number;
}

const BATCH = 20_000;

/** The marker left on the schema so Tally knows the demo is there and how it was made. */
export async function demoSeedInfo(client: pg.ClientBase): Promise<string | undefined> {
  const result = await client.query(
    `SELECT obj_description(n.oid, 'pg_namespace') AS info FROM pg_namespace n WHERE n.nspname = 'sales'
       AND EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'hr' AND tablename = 'employees')`,
  );
  return result.rows[0]?.info ?? undefined;
}

export async function seedDemo(client: pg.ClientBase, options: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const { seed, scale, end } = options;
  const rows: Record<string, number> = {};
  const insert = async (table: DemoTable, data: unknown[][]) => {
    if (data.length === 0) return;
    const columns = COLUMNS[table];
    const params = columns.map((_, i) => data.map((row) => row[i]));
    const list = columns.map((c) => c.name).join(', ');
    const arrays = columns.map((c, i) => `$${i + 1}::${c.type}`).join(', ');
    await client.query(`INSERT INTO ${table} (${list}) SELECT * FROM unnest(${arrays})`, params);
    rows[table] = (rows[table] ?? 0) + data.length;
  };

  const totalDays = Math.max(0, Math.round((Date.parse(end) - Date.parse(HISTORY_START)) / 86_400_000) + 1);
  await client.query('BEGIN');
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${DEMO_SCHEMAS.join(', ')} CASCADE`);
    await client.query(DEMO_DDL);

    const dims = new Random(seed);
    const customers = makeCustomers(dims, 2000, end);
    const products = makeProducts(dims);
    const employees = makeEmployees(new Random(seed + 7), 300, end);
    await insert(
      'sales.regions',
      REGIONS.map((r) => [r.id, r.name]),
    );
    await insert(
      'sales.customers',
      customers.map((c) => [c.id, c.name, c.segment, c.country, c.regionId, c.signup]),
    );
    await insert(
      'sales.products',
      products.map((p) => [p.id, p.name, p.category, p.listPrice, p.unitCost]),
    );
    await insert(
      'finance.cost_centers',
      COST_CENTERS.map(([name, department], i) => [i + 1, name, department]),
    );
    await insert(
      'finance.gl_accounts',
      ACCOUNTS.map(([code, name, type], i) => [i + 1, code, name, type]),
    );
    await insert(
      'hr.employees',
      employees.map((e) => [e.id, e.fullName, e.email, e.department, e.hireDate, e.salary]),
    );

    const orderRng = new Random(seed * 31 + 1);
    const glRng = new Random(seed * 31 + 2);
    const invoiceRng = new Random(seed * 31 + 3);
    const byRegion = customersByRegion(customers);
    const segments = new Map(customers.map((c) => [c.id, c.segment]));
    const category = new Map(products.map((p) => [p.id, p.category]));
    let orderId = 0;
    let entryId = 0;
    let invoiceId = 0;
    let orderBatch: OrderRow[] = [];
    let glBatch: unknown[][] = [];
    let monthAmounts = new Map<number, number>();

    for (let day = 0, date = HISTORY_START; date <= end; day++, date = addDays(date, 1)) {
      const orders = ordersOfDay(orderRng, date, scale, byRegion, products, () => ++orderId);
      const sales = { product: 0, services: 0, cogs: 0 };
      for (const o of orders) {
        if (o[10] !== 'completed') continue;
        if (category.get(o[3]) === 'Services') sales.services += o[8];
        else sales.product += o[8];
        sales.cogs += o[9];
        monthAmounts.set(o[2], (monthAmounts.get(o[2]) ?? 0) + o[8]);
      }
      orderBatch.push(...orders);
      glBatch.push(...glOfDay(glRng, date, scale, sales, () => ++entryId));
      const tomorrow = addDays(date, 1);
      if (startOf('month', tomorrow) === tomorrow) {
        if (tomorrow <= end) {
          await insert(
            'finance.invoices',
            invoicesOfMonth(invoiceRng, tomorrow, monthAmounts, segments, end, () => ++invoiceId),
          );
        }
        monthAmounts = new Map();
      }
      if (orderBatch.length >= BATCH || tomorrow > end) {
        await insert('sales.orders', orderBatch);
        await insert('finance.gl_entries', glBatch);
        orderBatch = [];
        glBatch = [];
        options.onProgress?.({ step: 'orders, ledger and invoices', done: day + 1, total: totalDays + 1 });
      }
    }
    options.onProgress?.({ step: 'indexes and statistics', done: totalDays, total: totalDays + 1 });
    await client.query(DEMO_INDEXES);
    const info = JSON.stringify({
      generator: 'tally demo',
      seed,
      scale,
      from: HISTORY_START,
      to: end,
      anomalies: INJECTED_ANOMALIES.map((a) => a.id),
    });
    await client.query(`COMMENT ON SCHEMA sales IS ${quoteLiteral(info)}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await client.query('ANALYZE');
  options.onProgress?.({ step: 'ready', done: totalDays + 1, total: totalDays + 1 });
  return { rows, from: HISTORY_START, to: end, seconds: (Date.now() - started) / 1000 };
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The demo data's last day, when the seed recorded in `info` ends over a week before today. */
export function staleEnd(info: string, today: IsoDate): IsoDate | undefined {
  let to: unknown;
  try {
    to = (JSON.parse(info) as { to?: unknown }).to;
  } catch {
    return undefined;
  }
  return typeof to === 'string' && to < addDays(today, -7) ? (to as IsoDate) : undefined;
}

/** Default last day: the day before the clock's today. */
export function defaultSeedEnd(today: IsoDate): IsoDate {
  return addDays(today, -1);
}
