/**
 * The demo warehouse's fact rows, one day at a time: orders, general-ledger entries, invoices.
 * Curves: weekday rhythm, a Q4 peak, growth year over year, regional and channel mixes that
 * differ, a few refunds and cancellations, late and unpaid invoices, and the injected anomalies.
 */
import { addDays, type IsoDate, weekday } from '../../semantic-catalog/dates.ts';
import { APAC_DIP, DUPLICATE_PAYMENT, REVENUE_SPIKE } from './anomalies.ts';
import { ACCOUNTS, COST_CENTERS, type Customer, type Product, REGIONS, round2 } from './dimensions.ts';
import type { Random } from './random.ts';

export const HISTORY_START = '2024-01-01';

const WEEKDAY_FACTOR = [1.08, 1.1, 1.1, 1.08, 1.02, 0.72, 0.6];
const MONTH_FACTOR = [0.9, 0.95, 1.0, 1.0, 1.0, 0.97, 0.93, 0.95, 1.02, 1.08, 1.22, 1.3];
const REGION_GROWTH: Record<number, number> = { 1: 1.18, 2: 1.22, 3: 1.4, 4: 1.3 };
const CHANNELS = {
  1: [
    ['Online', 5],
    ['Retail', 3],
    ['Partner', 2],
  ],
  2: [
    ['Online', 3.5],
    ['Retail', 2.5],
    ['Partner', 4],
  ],
  3: [
    ['Online', 3],
    ['Retail', 2],
    ['Partner', 5],
  ],
  4: [
    ['Online', 2.5],
    ['Retail', 4.5],
    ['Partner', 3],
  ],
} as Record<number, [string, number][]>;
const QUANTITY = { Enterprise: [3, 20], 'Mid-Market': [2, 10], SMB: [1, 4] } as Record<
  string,
  [number, number]
>;
const DISCOUNTS = {
  Enterprise: [
    [0, 1],
    [5, 2],
    [10, 3],
    [15, 2],
    [20, 1],
  ],
  'Mid-Market': [
    [0, 3],
    [5, 3],
    [10, 2],
    [15, 1],
  ],
  SMB: [
    [0, 6],
    [5, 2],
    [10, 1],
  ],
} as Record<string, [number, number][]>;

export type OrderRow = [
  number,
  IsoDate,
  number,
  number,
  string,
  number,
  number,
  number,
  number,
  number,
  string,
];

function yearsSinceStart(date: IsoDate): number {
  return (Date.parse(date) - Date.parse(HISTORY_START)) / (365.25 * 86_400_000);
}

/** Customers of each region sorted by sign-up, so "signed up by day d" is a prefix. */
export function customersByRegion(customers: Customer[]): Map<number, Customer[]> {
  const byRegion = new Map<number, Customer[]>();
  for (const c of [...customers].sort((a, b) =>
    a.signup < b.signup ? -1 : a.signup > b.signup ? 1 : a.id - b.id,
  )) {
    byRegion.set(c.regionId, [...(byRegion.get(c.regionId) ?? []), c]);
  }
  return byRegion;
}

export function ordersOfDay(
  rng: Random,
  date: IsoDate,
  scale: number,
  byRegion: Map<number, Customer[]>,
  products: Product[],
  nextId: () => number,
): OrderRow[] {
  const years = yearsSinceStart(date);
  const month = Number(date.slice(5, 7));
  const rows: OrderRow[] = [];
  const priceLevel = 1 + 0.04 * Math.floor(years);
  for (const region of REGIONS) {
    let expected =
      150 *
      scale *
      region.share *
      (REGION_GROWTH[region.id] ?? 1.2) ** years *
      (WEEKDAY_FACTOR[weekday(date)] ?? 1) *
      (MONTH_FACTOR[month - 1] ?? 1);
    if (date === REVENUE_SPIKE.date) expected *= REVENUE_SPIKE.orderMultiplier;
    if (region.name === APAC_DIP.region && date >= APAC_DIP.from && date <= APAC_DIP.to)
      expected *= APAC_DIP.keep;
    const count = Math.max(0, Math.round(expected * (1 + 0.07 * rng.normal())));
    const pool = byRegion.get(region.id) ?? [];
    let signedUp = pool.length;
    while (signedUp > 0 && (pool[signedUp - 1] as Customer).signup > date) signedUp--;
    if (signedUp === 0) continue;
    for (let n = 0; n < count; n++) {
      // Older customers buy more often: skew the pick towards the start of the prefix.
      const customer = pool[Math.floor(rng.next() ** 1.5 * signedUp)] as Customer;
      const category = rng.weighted([
        ['Hardware', 0.35],
        ['Software', 0.45],
        ['Services', 0.2],
      ] as const);
      const candidates = products.filter((p) => p.category === category);
      const product = candidates[Math.floor(rng.next() ** 1.3 * candidates.length)] as Product;
      const [qMin, qMax] = QUANTITY[customer.segment] ?? [1, 3];
      const quantity = rng.int(qMin, qMax);
      const unitPrice = round2(product.listPrice * priceLevel);
      const discount = rng.weighted(DISCOUNTS[customer.segment] ?? [[0, 1]]);
      const net = round2(quantity * unitPrice * (1 - discount / 100));
      const cost = round2(quantity * product.unitCost * priceLevel);
      const r = rng.next();
      const status = r < 0.035 ? 'refunded' : r < 0.055 ? 'cancelled' : 'completed';
      const channel = rng.weighted(CHANNELS[region.id] ?? [['Online', 1]]);
      rows.push([
        nextId(),
        date,
        customer.id,
        product.id,
        channel,
        quantity,
        unitPrice,
        discount,
        net,
        cost,
        status,
      ]);
    }
  }
  return rows;
}

export type GlRow = [number, IsoDate, number, number, number];

/** Daily spend per department and account, in dollars on a weekday at the start of the history. */
const SPEND: Record<string, [string, number][]> = {
  Sales: [
    ['6000', 18_000],
    ['6400', 4_000],
    ['6200', 1_500],
    ['6700', 500],
  ],
  Marketing: [
    ['6000', 8_000],
    ['6300', 14_000],
    ['6200', 2_000],
    ['6400', 1_000],
  ],
  Engineering: [
    ['6000', 30_000],
    ['6200', 10_000],
    ['6600', 2_000],
  ],
  Operations: [
    ['6000', 12_000],
    ['6100', 8_000],
    ['6700', 2_000],
    ['6500', 3_000],
  ],
  'G&A': [
    ['6000', 9_000],
    ['6500', 5_000],
    ['6200', 1_000],
    ['6100', 2_000],
  ],
};
const CENTER_SHARE = [0.5, 0.3, 0.2];

const accountId = (code: string) => ACCOUNTS.findIndex(([c]) => c === code) + 1;
const costCenterId = (name: string) => COST_CENTERS.findIndex(([n]) => n === name) + 1;

/** Opex of a day (weekends: only cloud subscriptions), plus the day's revenue and COGS postings. */
export function glOfDay(
  rng: Random,
  date: IsoDate,
  scale: number,
  sales: { product: number; services: number; cogs: number },
  nextId: () => number,
): GlRow[] {
  const rows: GlRow[] = [];
  const growth = 1.12 ** yearsSinceStart(date);
  const weekend = weekday(date) >= 5;
  for (const [department, lines] of Object.entries(SPEND)) {
    const centers = COST_CENTERS.filter(([, d]) => d === department).map(([name]) => costCenterId(name));
    for (const [code, amount] of lines) {
      if (weekend && code !== '6200') continue;
      centers.forEach((center, i) => {
        const value = amount * scale ** 0.5 * growth * (CENTER_SHARE[i] ?? 0.2) * (1 + 0.05 * rng.normal());
        rows.push([nextId(), date, accountId(code), center, round2(Math.max(0, value))]);
      });
    }
  }
  if (date === DUPLICATE_PAYMENT.date) {
    const center = costCenterId(DUPLICATE_PAYMENT.costCenter);
    for (let copy = 0; copy < 2; copy++)
      rows.push([nextId(), date, accountId(DUPLICATE_PAYMENT.account), center, DUPLICATE_PAYMENT.amount]);
  }
  const fieldSales = costCenterId('Field Sales');
  if (sales.product) rows.push([nextId(), date, accountId('4000'), fieldSales, -round2(sales.product)]);
  if (sales.services) rows.push([nextId(), date, accountId('4100'), fieldSales, -round2(sales.services)]);
  if (sales.cogs) rows.push([nextId(), date, accountId('5000'), fieldSales, round2(sales.cogs)]);
  return rows;
}

export type InvoiceRow = [number, number, IsoDate, IsoDate, number, IsoDate | null];

/** One invoice per customer and month with completed orders, issued on the 1st of the next month. */
export function invoicesOfMonth(
  rng: Random,
  issueDate: IsoDate,
  amounts: Map<number, number>,
  segments: Map<number, string>,
  lastDay: IsoDate,
  nextId: () => number,
): InvoiceRow[] {
  const rows: InvoiceRow[] = [];
  for (const [customerId, amount] of [...amounts].sort((a, b) => a[0] - b[0])) {
    const due = addDays(issueDate, segments.get(customerId) === 'Enterprise' ? 45 : 30);
    const r = rng.next();
    let paid: IsoDate | null =
      r < 0.03 ? null : r < 0.18 ? addDays(due, rng.int(1, 75)) : addDays(issueDate, rng.int(3, 29));
    if (paid && paid > lastDay) paid = null;
    rows.push([nextId(), customerId, issueDate, due, round2(amount), paid]);
  }
  return rows;
}
