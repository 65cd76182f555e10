/** Alert definitions, kept in the catalog folder (alerts.yaml) beside the catalog they watch. */
import { z } from 'zod';
import { audienceSchema, cronSchema, definitionNameSchema, timezoneSchema } from '../scheduler/cron.ts';
import { dimensionByName, metricByName, metricTime } from '../semantic-catalog/catalog.ts';
import type { CatalogProblem } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { failOn, loadSideFile } from '../semantic-catalog/side-file.ts';

export const alertSchema = z.strictObject({
  name: definitionNameSchema,
  description: z.string().default(''),
  metric: z.string(),
  /** Also watch each value of these dimensions (a dip in one region hides in the total). */
  slices: z.array(z.string()).default([]),
  sensitivity: z.number().min(1).max(10).default(5),
  /** Cron in the time zone below; checked after each day closes. */
  schedule: cronSchema.default('0 7 * * *'),
  timezone: timezoneSchema.default('UTC'),
  audience: audienceSchema.optional(),
});

export const alertsFileSchema = z.strictObject({ alerts: z.array(alertSchema) });

export type AlertDefinition = z.infer<typeof alertSchema>;

export async function loadAlerts(catalogPath: string, catalog: Catalog): Promise<AlertDefinition[]> {
  const loaded = await loadSideFile(catalogPath, 'alerts.yaml', alertsFileSchema);
  if (!loaded) return [];
  const { file, data } = loaded;
  const problems: CatalogProblem[] = [];
  data.alerts.forEach((alert, i) => {
    const at = (message: string) => problems.push({ file, path: `alerts.${i}`, message });
    const metric = metricByName(catalog, alert.metric);
    if (!metric) at(`${alert.name} watches metric ${alert.metric}, which the catalog does not define`);
    else if (!metricTime(catalog, metric)) at(`${alert.name}: ${alert.metric} has no date to watch by day`);
    else if (metricTime(catalog, metric)?.precision !== 'day')
      at(
        `${alert.name}: ${alert.metric} is dated only to the ${metricTime(catalog, metric)?.precision}: no day to watch`,
      );
    for (const slice of alert.slices)
      if (!dimensionByName(catalog, slice))
        at(`${alert.name} slices by ${slice}, which the catalog does not define`);
  });
  failOn(problems);
  return data.alerts;
}
