/**
 * A metric's unit on every number a chart shows (axis ticks and value labels alike), as one vega
 * expression per catalog format, so an axis and a bar label can never disagree.
 *   percent  → 42.1%   (catalog percent metrics are already 0–100)
 *   currency → $950, $1.2k, $3.4M, $1.1B
 *   integer  → 950, 1.2k
 *   number   → 0.25, 12.5, 1.2k
 */
import type { MetricFormat } from '../semantic-catalog/schema.ts';

/** d3's SI prefix says G for 10⁹; finance readers expect B. */
const billions = (expr: string) => `replace(${expr}, 'G', 'B')`;

/** Below 1,000 an SI format would say "500m" for 0.5, so small values get a plain format. */
function scaled(value: string, small: string, large: string): string {
  return `abs(${value}) < 1000 ? format(${value}, '${small}') : ${billions(`format(${value}, '${large}')`)}`;
}

/** A vega expression turning `value` (e.g. `datum.value`, `datum.v`) into its label. */
export function unitLabelExpr(format: MetricFormat | undefined, value: string): string {
  switch (format) {
    case 'percent':
      return `format(${value}, '.1~f') + '%'`;
    case 'currency':
      return scaled(value, '$,.2~f', '$.3~s');
    case 'integer':
      return scaled(value, ',.2~f', '.3~s');
    default:
      return scaled(value, '.3~r', '.3~s');
  }
}
