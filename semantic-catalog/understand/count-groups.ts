/**
 * "how many customers had more than 10 orders", "how many authors have published more than 2
 * papers": a count of things that meet a condition on their own metric. Read as that metric by
 * each thing's id, kept where the condition holds, then counted.
 */
import { joinPath, metricByName, metricTable, reachableSource } from '../catalog.ts';
import { keyColumn } from '../key-dimensions.ts';
import type { Condition, SemanticQuery } from '../query.ts';
import type { Catalog, MetricDef } from '../schema.ts';
import { countsRows } from './subjects.ts';

/**
 * When the question counts a table's rows ("how many customers") and puts a condition on another
 * metric those rows have, returns the reading as a count of groups; else undefined.
 */
export function countOfGroups(
  text: string,
  metrics: string[],
  conditions: Condition[],
  catalog: Catalog,
  countedField?: string,
):
  | { metrics: string[]; dimension: string; countGroups: NonNullable<SemanticQuery['countGroups']> }
  | undefined {
  if (!/^(how many|number of|count of|count the)\b/.test(text) || conditions.length !== 1) return undefined;
  const counted = metricByName(catalog, metrics[0] ?? '');
  const condition = conditions[0] as Condition;
  const measured = metricByName(catalog, condition.metric);
  if (!measured || counted === measured) return undefined;
  // "how many cities have more than 5 restaurants": the members of a field, counted.
  const field = countedField ? catalog.dimensions.find((d) => d.name === countedField) : undefined;
  const measuredFact = metricTable(catalog, measured)?.name;
  if (!counted && field && measuredFact && reachableSource(catalog, field, measuredFact))
    return {
      metrics: [measured.name],
      dimension: field.name,
      countGroups: { label: `${field.label} count`, name: `${field.name}_count` },
    };
  if (!counted) return undefined;
  const table = catalog.tables.find((t) => t.name === counted.table);
  const fact = metricTable(catalog, measured as MetricDef)?.name;
  const key = table && keyColumn(table);
  if (!table || !fact || !key || !joinPath(catalog, fact, table.name)) return undefined;
  // It must count the table's rows: COUNT(*), or COUNT(DISTINCT its key).
  if (!countsRows(counted, catalog)) return undefined;
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
