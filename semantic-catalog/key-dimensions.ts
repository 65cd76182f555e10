/**
 * "per course id", "for each business id": a table's own identifier is a field people name,
 * though admins rightly hide it from suggestions. Each table whose key column can be told from
 * its name (`course_id` or `courseid` on `course` or `courses`, else `id`) answers to
 * "<table> id" and to its synonyms' "<synonym> id", unless the catalog already defines such a
 * field or the key is personal.
 */
import { namesInUse } from './catalog.ts';
import type { Catalog, DimensionDef, TableDef } from './schema.ts';
import { stem } from './understand/words.ts';

export function withKeyDimensions(catalog: Catalog): Catalog {
  const taken = namesInUse(catalog.dimensions);
  const added: DimensionDef[] = [];
  for (const table of catalog.tables) {
    const key = keyColumn(table);
    if (!key) continue;
    const bare = table.name.split('.').pop() as string;
    const one = stem(bare);
    const name = `${one}_id`;
    const label = `${one.replaceAll('_', ' ')} id`;
    if (
      taken.has(name) ||
      taken.has(label) ||
      catalog.dimensions.some((d) => d.sources.some((s) => s.table === table.name && s.column === key))
    )
      continue;
    added.push({
      name,
      label: label.replace(/^./, (c) => c.toUpperCase()),
      description: `The identifier of each ${one.replaceAll('_', ' ')} (${key}).`,
      synonyms: [
        ...table.synonyms.map((s) => `${s} id`),
        `${bare.replaceAll('_', ' ')} id`,
        `${one.replaceAll('_', ' ')} ids`,
      ],
      sources: [{ table: table.name, column: key }],
      values: 'none',
      sample_values: [],
      value_synonyms: {},
    });
  }
  return added.length > 0 ? { ...catalog, dimensions: [...catalog.dimensions, ...added] } : catalog;
}

/**
 * The key a table's name column ("neighbourhood_name", "name", "title") stands for: rows that
 * share a name are still different rows (two neighbourhood rows called "Downtown"). Grouping
 * another table's facts by such a field groups by this key too, as an explicit `key:` would.
 */
export function labelKey(table: TableDef, column: string | undefined): string | undefined {
  const key = keyColumn(table);
  if (!column || !key || key === column) return undefined;
  return isNameColumn(table, column) ? key : undefined;
}

/**
 * The field over a table's key column and nothing else (its things' own id), else, with `orKeyed`,
 * a field of that table alone grouped by that key (a title kept apart by its id).
 */
export function keyField(catalog: Catalog, table: TableDef, orKeyed = false): DimensionDef | undefined {
  const key = keyColumn(table);
  if (!key) return undefined;
  const only = (d: DimensionDef) =>
    d.sources.length === 1 && d.sources[0]?.table === table.name ? d.sources[0] : undefined;
  return (
    catalog.dimensions.find((d) => only(d)?.column === key) ??
    (orKeyed ? catalog.dimensions.find((d) => only(d)?.key === key) : undefined)
  );
}

/** Whether a column is the things' own name or title ("name", "lake_name", "title"). */
export function isNameColumn(table: TableDef, column: string): boolean {
  const bare = (table.name.split('.').pop() as string).toLowerCase();
  const labels = ['name', 'title', `${bare}_name`, `${stem(bare)}_name`, `${stem(bare)}_title`];
  return labels.includes(column.toLowerCase());
}

export function keyColumn(table: TableDef): string | undefined {
  const bare = (table.name.split('.').pop() as string).toLowerCase();
  const columns = table.columns.filter((c) => !c.personal);
  const named = (candidate: string) => columns.find((c) => c.name.toLowerCase() === candidate)?.name;
  const one = stem(bare);
  return named(`${bare}_id`) ?? named(`${one}_id`) ?? named(`${bare}id`) ?? named(`${one}id`) ?? named('id');
}
