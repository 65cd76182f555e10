/**
 * The anomalies injected into the demo warehouse, so alerting has something real to find and
 * tests can assert on it. Dates outside the generated range are simply not injected.
 */
export interface InjectedAnomaly {
  id: string;
  metric: string;
  from: string;
  to: string;
  description: string;
}

export const REVENUE_SPIKE = { date: '2025-03-18', orderMultiplier: 3.2 };
export const APAC_DIP = { from: '2025-08-04', to: '2025-08-10', region: 'APAC', keep: 0.3 };
export const DUPLICATE_PAYMENT = {
  date: '2026-05-12',
  amount: 141_200,
  account: '6500',
  costCenter: 'Facilities',
};

export const INJECTED_ANOMALIES: InjectedAnomaly[] = [
  {
    id: 'revenue-spike',
    metric: 'revenue',
    from: REVENUE_SPIKE.date,
    to: REVENUE_SPIKE.date,
    description: `One-day spike: ${REVENUE_SPIKE.orderMultiplier}× the usual number of orders (and revenue) on ${REVENUE_SPIKE.date}.`,
  },
  {
    id: 'apac-dip',
    metric: 'revenue',
    from: APAC_DIP.from,
    to: APAC_DIP.to,
    description: `Seven-day dip in APAC: only ${APAC_DIP.keep * 100}% of APAC's usual orders from ${APAC_DIP.from} to ${APAC_DIP.to} (about −${Math.round(20 * (1 - APAC_DIP.keep))}% of total revenue).`,
  },
  {
    id: 'duplicate-vendor-payment',
    metric: 'opex',
    from: DUPLICATE_PAYMENT.date,
    to: DUPLICATE_PAYMENT.date,
    description: `A vendor payment of $${DUPLICATE_PAYMENT.amount.toLocaleString('en-US')} (account ${DUPLICATE_PAYMENT.account} Professional services, cost center ${DUPLICATE_PAYMENT.costCenter}) posted twice on ${DUPLICATE_PAYMENT.date}: opex about 3× a normal weekday.`,
  },
];
