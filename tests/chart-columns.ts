/** Output columns the chart tests draw with: revenue in dollars, by region. */
import type { OutputColumn } from '../semantic-catalog/compile.ts';

export const revenue: OutputColumn = {
  name: 'revenue',
  role: 'metric',
  label: 'Revenue',
  format: 'currency',
  metric: 'revenue',
};
export const region: OutputColumn = { name: 'region', role: 'dimension', label: 'Region' };
