/**
 * "per course id", "for each business id": a table's own identifier is a field people name,
 * though admins rightly hide it from suggestions. Each table whose key column can be told from
 * its name (`course_id` or `courseid` on `course` or `courses`, else `id`) answers to
 * "<table> id" and to its synonyms' "<synonym> id", unless the catalog already defines such a
 * field or the key is personal. And a table's name column groups by that key too
 * (withLabelKeys).
 */
import type { Catalog, DimensionDef, TableDef } from './schema.ts';

export function withKeyDimensions(catalog: Catalog): Catalog {
  const taken = new Set(
    catalog.dimensions.flatMap((d) => [
      d.name,
      d.label.toLowerCase(),
      ...d.synonyms.map((s) => s.toLowerCase()),
    ]),
  );
  const added: DimensionDef[] = [];
  for (const table of catalog.tables) {
    const key = keyColumn(table);
    if (!key) continue;
    const bare = table.name.split('.').pop() as string;
    const one = singular(bare);
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
  return { ...catalog, dimensions: [...catalog.dimensions.map((d) => withLabelKeys(d, catalog)), ...added] };
}

/**
 * A table's name column ("neighbourhood_name", "name", "title") labels rows that may share a
 * name: two restaurants called "Jade Garden" are two restaurants. Such a field groups by the
 * table's key as well, as an explicit `key:` would, unless the catalog says otherwise.
 */
function withLabelKeys(dimension: DimensionDef, catalog: Catalog): DimensionDef {
  let changed = false;
  const sources = dimension.sources.map((source) => {
    const table = catalog.tables.find((t) => t.name === source.table);
    const key = table && keyColumn(table);
    if (source.key || !source.column || !table || !key || key === source.column) return source;
    const bare = (table.name.split('.').pop() as string).toLowerCase();
    const labels = ['name', 'title', `${bare}_name`, `${singular(bare)}_name`, `${singular(bare)}_title`];
    if (!labels.includes(source.column.toLowerCase())) return source;
    changed = true;
    return { ...source, key };
  });
  return changed ? { ...dimension, sources } : dimension;
}

export function keyColumn(table: TableDef): string | undefined {
  const bare = (table.name.split('.').pop() as string).toLowerCase();
  const columns = table.columns.filter((c) => !c.personal);
  const named = (candidate: string) => columns.find((c) => c.name.toLowerCase() === candidate)?.name;
  const one = singular(bare);
  return named(`${bare}_id`) ?? named(`${one}_id`) ?? named(`${bare}id`) ?? named(`${one}id`) ?? named('id');
}

function singular(word: string): string {
  return word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.replace(/(?<!s)s$/, '');
}
