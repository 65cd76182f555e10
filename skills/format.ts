/** Numbers and periods as people read them: by the catalog's format, compact above ten thousand. */
import type { OutputColumn } from '../semantic-catalog/compile.ts';
import { isIsoDate } from '../semantic-catalog/dates.ts';
import { isNoMember, NO_MEMBER } from '../semantic-catalog/members.ts';
import { bucketName, columnPeriodName, type DateSpan, isPeriod } from '../semantic-catalog/period-words.ts';
import type { Unit } from '../semantic-catalog/query.ts';
import type { MetricFormat } from '../semantic-catalog/schema.ts';

/** The range an answer covers and the one it is compared with. */
export interface ComparedPeriods {
  range?: DateSpan;
  compared?: DateSpan;
}

const UNIT_SIZE: Record<Unit, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
/** A ratio of 0.0123 is not "0.01": three significant digits below one. */
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
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
          : abs < 1
            ? small.format(value)
            : twoDecimals.format(value);
  }
}

export function formatChange(pct: unknown): string {
  if (typeof pct !== 'number' || !Number.isFinite(pct)) return '';
  if (Math.abs(pct) < 0.05) return 'flat';
  return `${pct > 0 ? 'up' : 'down'} ${Math.abs(pct).toFixed(1)}%`;
}

/**
 * A table cell: a time bucket by its name ("Jan 2025", "Q1 2025", "week of 9 Nov 2026"), a member
 * with nothing recorded as "(none)", a number by its format.
 */
export function formatCell(value: unknown, field: OutputColumn): string {
  if (field.role === 'dimension' && isNoMember(value)) return NO_MEMBER;
  if (field.role === 'time' && isPeriod(field.name) && typeof value === 'string' && isIsoDate(value))
    return bucketName(value, field.name, 'table');
  return formatValue(value, field.format);
}

/**
 * A column's header. A value and the one it is compared with are each named by their period
 * ("Revenue 2026", "Revenue 2025"), never "(previous)"; the compiler's labels stay period-free, as
 * the sentence uses them.
 */
export function columnLabel(field: OutputColumn, fields: OutputColumn[], period?: ComparedPeriods): string {
  const range = period?.range;
  const compared = period?.compared;
  if (!range || !compared || !field.metric) return field.label;
  const metric = fields.find((f) => f.role === 'metric' && f.metric === field.metric);
  if (field.role === 'previous')
    return `${metric?.label ?? field.label} ${columnPeriodName(compared, range)}`;
  const hasPrevious = fields.some((f) => f.role === 'previous' && f.metric === field.metric);
  if (field.role === 'metric' && hasPrevious) return `${field.label} ${columnPeriodName(range, compared)}`;
  return field.label;
}
