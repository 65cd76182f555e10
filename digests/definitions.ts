/** Digest definitions, kept in the catalog folder (digests.yaml) beside the catalog they report on. */
import { z } from 'zod';
import { audienceSchema, cronSchema, definitionNameSchema, timezoneSchema } from '../scheduler/cron.ts';
import { metricByName, metricTime, metricTimeColumn } from '../semantic-catalog/catalog.ts';
import type { CatalogProblem } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { failOn, loadSideFile } from '../semantic-catalog/side-file.ts';
import { grainWithin } from '../semantic-catalog/time-precision.ts';

export const digestSchema = z.strictObject({
  name: definitionNameSchema,
  title: z.string(),
  description: z.string().default(''),
  /** The closed period each digest covers, compared with the one before it. */
  period: z.enum(['day', 'week', 'month', 'quarter']).default('week'),
  /** Metric names, each shown with its change vs the previous period. */
  kpis: z.array(z.string()).min(1).max(8),
  /** The metric drawn over the last periods; the first KPI unless said. */
  chart: z.string().optional(),
  /** Questions asked as a person would ask them; each answer's sentence joins the digest. */
  questions: z.array(z.string()).max(5).default([]),
  schedule: cronSchema.default('0 8 * * 1'),
  timezone: timezoneSchema.default('UTC'),
  audience: audienceSchema.optional(),
});

export const digestsFileSchema = z.strictObject({ digests: z.array(digestSchema) });

export type DigestDefinition = z.infer<typeof digestSchema>;

export async function loadDigests(catalogPath: string, catalog: Catalog): Promise<DigestDefinition[]> {
  const loaded = await loadSideFile(catalogPath, 'digests.yaml', digestsFileSchema);
  if (!loaded) return [];
  const { file, data } = loaded;
  const problems: CatalogProblem[] = [];
  data.digests.forEach((digest, i) => {
    for (const name of [...digest.kpis, ...(digest.chart ? [digest.chart] : [])]) {
      const metric = metricByName(catalog, name);
      const at = { file, path: `digests.${i}` };
      if (!metric)
        problems.push({ ...at, message: `${digest.name} shows ${name}, which the catalog does not define` });
      else if (metric.snapshot || !metricTimeColumn(catalog, metric))
        problems.push({ ...at, message: `${digest.name}: ${name} has no change over a period to report` });
      else if (!grainWithin(digest.period, metricTime(catalog, metric)?.precision ?? 'day'))
        problems.push({
          ...at,
          message: `${digest.name}: ${name} is dated only to the ${metricTime(catalog, metric)?.precision}, so it has no ${digest.period} to report`,
        });
    }
  });
  failOn(problems);
  return data.digests;
}
