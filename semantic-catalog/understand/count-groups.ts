/**
 * "how many customers had more than 10 orders", "how many authors have published more than 2
 * papers": a count of things that meet a condition on their own metric. Read as that metric by
 * each thing's id, kept where the condition holds, then counted.
 */
import { joinPath, metricByName, metricTable, reachableSource, tableByName } from '../catalog.ts';
import { keyField } from '../key-dimensions.ts';
import type { Condition, SemanticQuery } from '../query.ts';
import type { Catalog, MetricDef } from '../schema.ts';
import { countedTable } from './subjects.ts';

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
  | {
      metrics: string[];
      dimension: string;
      countGroups: NonNullable<SemanticQuery['countGroups']>;
      /** The condition, on the count that reaches the things when the one said can't. */
      condition?: Condition;
    }
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
  // What it counts: its table's rows, or the things a link table's key leads to.
  const table = tableByName(catalog, countedTable(catalog, counted) ?? '');
  // The things' own id, else a field of theirs that groups by it (a title kept apart by its id).
  const dimension = table && keyField(catalog, table, true);
  if (!table || !dimension) return undefined;
  // "papers with more than 2 authors": the authors counted where each paper's are.
  const measure = sameThingsCount(
    measured,
    (m) => {
      const fact = metricTable(catalog, m)?.name;
      return !!fact && !!joinPath(catalog, fact, table.name);
    },
    catalog,
  );
  if (!measure) return undefined;
  return {
    metrics: [measure.name],
    dimension: dimension.name,
    countGroups: { label: counted.label, name: counted.name },
    ...(measure !== measured ? { condition: { ...condition, metric: measure.name } } : {}),
  };
}

/**
 * The count itself when its facts lead where the question needs, else the one other count of the
 * same things whose facts do (the authors of each paper, where the count of all authors can't say).
 */
export function sameThingsCount(
  measured: MetricDef,
  leads: (metric: MetricDef) => boolean,
  catalog: Catalog,
): MetricDef | undefined {
  if (leads(measured)) return measured;
  const counts = countedTable(catalog, measured);
  if (!counts || measured.filters.length > 0) return undefined;
  const others = catalog.metrics.filter(
    (m) => m !== measured && m.filters.length === 0 && countedTable(catalog, m) === counts && leads(m),
  );
  return others.length === 1 ? others[0] : undefined;
}
