/**
 * Named filters ("successful" = status is completed): a word that stands for one value of a field.
 * The smallest shape that reuses what already exists — the reader places the word as that value,
 * and the compiler turns the value into a WHERE clause the gate checks like any other filter.
 *   named_filters → (a column not yet a dimension gets one) → value synonyms → lexicon.
 * A field is a dimension's name, or a column written schema.table.column.
 */
import { z } from 'zod';
import { columnOf, dimensionByName, tableByName } from './catalog.ts';
import type { CrossCheckProblem } from './cross-check.ts';
import type { Catalog, DimensionDef } from './schema.ts';

export const namedFilterSchema = z.strictObject({
  name: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
  field: z.string().min(1),
  value: z.union([z.string().min(1), z.number()]),
  description: z.string().default(''),
});

export type NamedFilter = z.infer<typeof namedFilterSchema>;

const COLUMN_FIELD = /^([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/;

/** Where a field points: a dimension, or a table's column. */
export function resolveField(
  catalog: Catalog,
  field: string,
): { dimension: DimensionDef } | { table: string; column: string } | { problem: string } {
  const dimension = dimensionByName(catalog, field);
  if (dimension) return { dimension };
  const match = COLUMN_FIELD.exec(field);
  const table = match && tableByName(catalog, match[1] as string);
  const column = table && columnOf(table, match[2] as string);
  if (!match || !table || !column)
    return { problem: `“${field}” is neither a dimension nor a catalog column (schema.table.column)` };
  if (column.personal) return { problem: `${field} is personal data and cannot be filtered on` };
  return { table: table.name, column: column.name };
}

export function checkNamedFilters(catalog: Catalog): CrossCheckProblem[] {
  const problems: CrossCheckProblem[] = [];
  const seen = new Set<string>();
  (catalog.named_filters ?? []).forEach((filter, i) => {
    const key = filter.name.toLowerCase();
    if (seen.has(key)) problems.push({ at: ['named_filters', i, 'name'], message: 'is declared twice' });
    seen.add(key);
    const field = resolveField(catalog, filter.field);
    if ('problem' in field) problems.push({ at: ['named_filters', i, 'field'], message: field.problem });
    else {
      const known = knownValues(catalog, field);
      if (known.length > 0 && !known.some((v) => v === String(filter.value)))
        problems.push({
          at: ['named_filters', i, 'value'],
          message: `“${filter.value}” is not a known value of ${filter.field} (known: ${known.join(', ')})`,
        });
    }
  });
  return problems;
}

/** Values the catalog itself lists for a field (learned ones come from the warehouse at start). */
function knownValues(
  catalog: Catalog,
  field: { dimension: DimensionDef } | { table: string; column: string },
) {
  if ('dimension' in field) return field.dimension.sample_values;
  const column = columnOf(tableByName(catalog, field.table) as never, field.column);
  return (column?.sample_values ?? []).map(String);
}

/** The catalog with each named filter folded into a value synonym the reader already understands. */
export function withNamedFilters(catalog: Catalog): Catalog {
  const filters = catalog.named_filters ?? [];
  if (filters.length === 0) return catalog;
  const dimensions = catalog.dimensions.map((d) => ({ ...d, value_synonyms: { ...d.value_synonyms } }));
  for (const filter of filters) {
    const field = resolveField({ ...catalog, dimensions }, filter.field);
    if ('problem' in field) continue;
    let dimension =
      'dimension' in field ? dimensions.find((d) => d.name === field.dimension.name) : undefined;
    if (!('dimension' in field)) {
      dimension = dimensions.find((d) =>
        d.sources.some((s) => s.table === field.table && s.column === field.column),
      );
      if (!dimension) {
        dimension = columnDimension(catalog, dimensions, field);
        dimensions.push(dimension);
      }
    }
    if (!dimension) continue;
    const value = String(filter.value);
    dimension.value_synonyms[value] = [
      ...(dimension.value_synonyms[value] ?? []),
      filter.name,
      ...filter.synonyms,
    ];
  }
  return { ...catalog, dimensions };
}

/** A column named only by a filter becomes a dimension with no values of its own, so only the filter's words reach it. */
function columnDimension(
  catalog: Catalog,
  dimensions: DimensionDef[],
  field: { table: string; column: string },
): DimensionDef {
  const bare = field.table.split('.').pop() as string;
  const name = dimensions.some((d) => d.name === field.column) ? `${bare}_${field.column}` : field.column;
  const label = name.replaceAll('_', ' ');
  return {
    name,
    label: label.replace(/^./, (c) => c.toUpperCase()),
    description: `${catalog.tables.find((t) => t.name === field.table)?.description ?? bare}: ${field.column}`,
    synonyms: [],
    sources: [{ table: field.table, column: field.column }],
    values: 'none',
    sample_values: [],
    value_synonyms: {},
  };
}
