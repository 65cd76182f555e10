/**
 * The shipped alerts against the demo warehouse's documented anomalies: each injected anomaly is
 * found, with at most one other alert per alert definition per quarter of history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest } from '../alerts/backtest.ts';
import { loadAlerts } from '../alerts/definitions.ts';
import { groupEvents } from '../alerts/scoring.ts';
import { DEFAULT_CATALOG, type Runtime } from '../bot/runtime.ts';
import { INJECTED_ANOMALIES } from '../warehouse/demo/anomalies.ts';
import { TEST_SEED_END } from './global-setup.ts';
import { testRuntime } from './helpers.ts';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
});
afterAll(async () => runtime?.close());

const FROM = '2024-06-01';
const QUARTERS = 8; // June 2024 to mid-June 2026

describe('shipped alerts on the demo warehouse', () => {
  it('find every injected anomaly, with at most one other alert per definition per quarter', async () => {
    const definitions = await loadAlerts(DEFAULT_CATALOG, runtime.catalog);
    expect(definitions.map((d) => d.name).sort()).toEqual(['daily-opex', 'daily-revenue']);
    const access = { catalog: runtime.catalog, executor: runtime.executor, maxRows: 100_000 };
    for (const definition of definitions) {
      const hits = await backtest(access, definition, FROM, TEST_SEED_END);
      const injected = INJECTED_ANOMALIES.filter(
        (a) => a.metric === definition.metric && a.from <= TEST_SEED_END,
      );
      expect(injected.length).toBeGreaterThan(0);
      for (const anomaly of injected) {
        const found = hits.some((h) => h.date >= anomaly.from && h.date <= anomaly.to);
        expect(found, `${definition.name} misses ${anomaly.id}`).toBe(true);
      }
      const others = groupEvents(
        hits.filter((h) => !injected.some((a) => h.date >= a.from && h.date <= a.to)).map((h) => h.date),
      );
      expect(others.length, `${definition.name}: ${JSON.stringify(others)}`).toBeLessThanOrEqual(QUARTERS);
    }
  });
});
