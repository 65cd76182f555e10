/** Numbers as people read them: by the catalog's format, compact above ten thousand. */
import type { Unit } from '../semantic-catalog/query.ts';
import type { MetricFormat } from '../semantic-catalog/schema.ts';

const UNIT_SIZE: Record<Unit, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatValue(value: unknown, format: MetricFormat | undefined, unit?: Unit): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  if (unit && format !== 'percent') {
    const scaled = (value / UNIT_SIZE[unit]).toLocaleString('en-US', { maximumFractionDigits: 2 });
    return `${format === 'currency' ? '$' : ''}${scaled} ${unit}`;
  }
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  switch (format) {
    case 'currency':
      return `${sign}$${abs >= 10_000 ? compact.format(abs) : twoDecimals.format(abs)}`;
    case 'percent':
      return `${value.toFixed(1)}%`;
    case 'integer':
      return abs >= 1_000_000 ? `${sign}${compact.format(abs)}` : whole.format(value);
    default:
      return abs >= 1_000_000
        ? `${sign}${compact.format(abs)}`
        : Number.isInteger(value)
          ? whole.format(value)
          : twoDecimals.format(value);
  }
}

export function formatChange(pct: unknown): string {
  if (typeof pct !== 'number' || !Number.isFinite(pct)) return '';
  if (Math.abs(pct) < 0.05) return 'flat';
  return `${pct > 0 ? 'up' : 'down'} ${Math.abs(pct).toFixed(1)}%`;
}
