/**
 * "orders by day of the week", "which month of the year has the most revenue": parts of a date
 * that repeat, as fields of every fact table whose metrics are dated to the day (or the month, for
 * the month of the year). Added unless the catalog already has a field by that name or phrase.
 */
import { metricTime, namesInUse } from './catalog.ts';
import type { Catalog, DimensionDef, DimensionSource } from './schema.ts';

const PARTS = [
  {
    name: 'day_of_week',
    label: 'Day of week',
    synonyms: ['day of week', 'day of the week', 'days of the week', 'weekday', 'week day'],
    format: 'Day',
    finest: ['day'],
  },
  {
    name: 'month_of_year',
    label: 'Month of year',
    synonyms: ['month of year', 'month of the year', 'months of the year', 'calendar month'],
    format: 'Month',
    finest: ['day', 'month'],
  },
] as const;

/** A field that repeats every year or week ("month of year"): never the year or the month itself. */
export const isCalendarPart = (dimension: string) => PARTS.some((p) => p.name === dimension);

export function withCalendarParts(catalog: Catalog): Catalog {
  const taken = namesInUse(catalog.dimensions);
  const added: DimensionDef[] = [];
  for (const part of PARTS) {
    if (taken.has(part.name) || part.synonyms.some((s) => taken.has(s))) continue;
    const sources: DimensionSource[] = [];
    for (const metric of catalog.metrics) {
      const time = metricTime(catalog, metric);
      if (!metric.table || !time || sources.some((s) => s.table === metric.table)) continue;
      if (!(part.finest as readonly string[]).includes(time.precision)) continue;
      // to_char's names are English whatever the server's locale ('TMDay' would follow it).
      sources.push({ table: metric.table, expression: `trim(to_char(${time.sql}, '${part.format}'))` });
    }
    if (sources.length === 0) continue;
    added.push({
      name: part.name,
      label: part.label,
      description: `The ${part.label.toLowerCase()} a fact is dated to, whatever the year.`,
      synonyms: [...part.synonyms],
      sources,
      values: 'none',
      sample_values: [],
      value_synonyms: {},
    });
  }
  return added.length > 0 ? { ...catalog, dimensions: [...catalog.dimensions, ...added] } : catalog;
}
