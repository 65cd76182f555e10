/**
 * "how many customers had more than 10 orders", "how many authors have published more than 2
 * papers": a count of things that meet a condition on their own metric. Read as that metric by
 * each thing's id, kept where the condition holds, then counted.
 */
import { joinPath, metricByName, metricTable } from '../catalog.ts';
import { keyColumn } from '../key-dimensions.ts';
import type { Condition, SemanticQuery } from '../query.ts';
import type { Catalog, MetricDef } from '../schema.ts';

const PLAIN_COUNT = /^\s*count\s*\(\s*\*\s*\)\s*$/i;

/**
 * When the question counts a table's rows ("how many customers") and puts a condition on another
 * metric those rows have, returns the reading as a count of groups; else undefined.
 */
export function countOfGroups(
  text: string,
  metrics: string[],
  conditions: Condition[],
  catalog: Catalog,
):
  | { metrics: string[]; dimension: string; countGroups: NonNullable<SemanticQuery['countGroups']> }
  | undefined {
  if (!/^(how many|number of|count of|count the)\b/.test(text) || conditions.length !== 1) return undefined;
  const counted = metricByName(catalog, metrics[0] ?? '');
  const condition = conditions[0] as Condition;
  const measured = metricByName(catalog, condition.metric);
  if (!counted || !measured || counted === measured) return undefined;
  const table = catalog.tables.find((t) => t.name === counted.table);
  const fact = metricTable(catalog, measured as MetricDef)?.name;
  const key = table && keyColumn(table);
  if (!table || !fact || !key || !joinPath(catalog, fact, table.name)) return undefined;
  // It must count the table's rows: COUNT(*), or COUNT(DISTINCT its key).
  const distinctKey = new RegExp(`^\\s*count\\s*\\(\\s*distinct\\s+${table.alias}\\.${key}\\s*\\)\\s*$`, 'i');
  if (!PLAIN_COUNT.test(counted.expression) && !distinctKey.test(counted.expression)) return undefined;
  const dimension = catalog.dimensions.find(
    (d) => d.sources.length === 1 && d.sources[0]?.table === table.name && d.sources[0]?.column === key,
  );
  if (!dimension) return undefined;
  return {
    metrics: [measured.name],
    dimension: dimension.name,
    countGroups: { label: counted.label, name: counted.name },
  };
}
