/** Alert definitions, kept in the catalog folder (alerts.yaml) beside the catalog they watch. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { dimensionByName, metricByName, metricTimeColumn } from '../semantic-catalog/catalog.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';

export const alertSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case words joined by dashes'),
  description: z.string().default(''),
  metric: z.string(),
  /** Also watch each value of these dimensions (a dip in one region hides in the total). */
  slices: z.array(z.string()).default([]),
  sensitivity: z.number().min(1).max(10).default(5),
  /** Cron in the time zone below; checked after each day closes. */
  schedule: z.string().default('0 7 * * *'),
  timezone: z.string().default('UTC'),
  audience: z.strictObject({ channel: z.enum(['teams', 'slack']), target: z.string() }).optional(),
});

export const alertsFileSchema = z.strictObject({ alerts: z.array(alertSchema) });

export type AlertDefinition = z.infer<typeof alertSchema>;

export async function loadAlerts(catalogPath: string, catalog: Catalog): Promise<AlertDefinition[]> {
  const dir =
    existsSync(catalogPath) && !catalogPath.endsWith('.yaml') ? catalogPath : path.dirname(catalogPath);
  const file = path.join(dir, 'alerts.yaml');
  if (!existsSync(file)) return [];
  const parsed = alertsFileSchema.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  for (const alert of parsed.data.alerts) {
    const metric = metricByName(catalog, alert.metric);
    if (!metric)
      throw new Error(
        `${file}: alert ${alert.name} watches metric ${alert.metric}, which the catalog does not define`,
      );
    if (!metricTimeColumn(catalog, metric))
      throw new Error(`${file}: alert ${alert.name}: ${alert.metric} has no date to watch by day`);
    for (const slice of alert.slices) {
      if (!dimensionByName(catalog, slice))
        throw new Error(`${file}: alert ${alert.name} slices by ${slice}, which the catalog does not define`);
    }
  }
  return parsed.data.alerts;
}
