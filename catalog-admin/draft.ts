/**
 * A first catalog from a live schema, pure over plain data:
 *   tables + samples → columns (personal, hidden, sample values) → aliases → joins (foreign keys,
 *   then `*_id` name matches as guesses) → metrics (a count per table; sums and averages of
 *   numeric measures as drafts) → dimensions (text, boolean and calendar-number columns).
 * What the admin must check is said in `comments`, keyed by the entry's place in the catalog.
 */
import type { z } from 'zod';
import type { catalogSchema } from '../semantic-catalog/schema.ts';
import { draftAliases } from './aliases.ts';
import type { LiveSchema, LiveTable } from './introspect.ts';
import { typeFamily } from './introspect.ts';
import { isKeyColumn, personalFinding } from './personal.ts';
import type { Samples } from './samples.ts';
import { capitalised, IDENTIFIER, otherNumber, plural, singular, spaced } from './words.ts';

type CatalogInput = z.input<typeof catalogSchema>;
type TableInput = CatalogInput['tables'][number];
type ColumnInput = TableInput['columns'][number];
type JoinInput = NonNullable<CatalogInput['joins']>[number];
type MetricInput = CatalogInput['metrics'][number];
type DimensionInput = NonNullable<CatalogInput['dimensions']>[number];

export interface Draft {
  catalog: CatalogInput;
  /** YAML comments, keyed by path: `joins.2`, `metrics.5`, `tables.1.columns.3`. */
  comments: Map<string, string>;
  /** Tables and columns left out, with why. */
  skipped: string[];
  counts: { personal: number; guessedJoins: number; draftMetrics: number };
}

/** Numbers that are labels, positions or calendar parts, not amounts to add up. */
const NOT_A_MEASURE =
  /(^|_)(year|yr|month|quarter|week|day|hour|minute|lat|latitude|lon|lng|longitude|zip|code|number|num|no|rank|order|seq|sequence|version|phone|is|has)(_|$)/;
const CALENDAR_NUMBER = /(^|_)(year|yr|month|quarter|week|day)$/;
/** Measures that are a level, not an amount: said alone, they mean their average. */
const LEVEL =
  /(^|_)(rating|ratings|score|scores|rate|ratio|percent|pct|percentage|price|age|grade|gpa|level|temperature|temp|speed|altitude|elevation|height|weight|density|stars)(_|$)/;
const FREE_TEXT_BYTES = 60;
/** Words the question reader takes as grammar, aggregates or time grains before any field. */
const READER_WORDS =
  /^(how|what|when|where|who|which|why|by|per|in|on|of|for|at|to|from|with|count|number|total|average|sum|top|name|day|days|week|month|quarter|year|date|time)$/;
const LATER_DATES = /(end|updated|modified|deleted|expir|due|until|closed|paid|finish)/;
/**
 * Whole numbers that are Unix seconds: the comment says so ("Unix epoch timestamp (seconds)"), or
 * the name says a moment (sampled as such, see samples.ts) and every sampled value lies in
 * 1973–2100 as seconds (durations such as `stop_time` are far smaller; milliseconds far larger).
 */
const EPOCH_COMMENT = /\b(unix|epoch)\b/i;
const NOT_SECONDS = /milli|micro|nano|\bms\b/i;
const EPOCH_SECONDS: [number, number] = [100_000_000, 4_102_444_800];

export function draftCatalog(name: string, schema: LiveSchema, samples: Samples): Draft {
  const comments = new Map<string, string>();
  const skipped: string[] = [];
  const counts = { personal: 0, guessedJoins: 0, draftMetrics: 0 };
  const live = schema.tables.filter((t) => {
    const ok = IDENTIFIER.test(t.schema) && IDENTIFIER.test(t.name);
    if (!ok) skipped.push(`${t.qualified}: its name is not lower_snake_case`);
    return ok && t.columns.some((c) => IDENTIFIER.test(c.name));
  });
  const tableWords = new Set(live.flatMap((t) => [t.name, singular(t.name)]));
  const aliases = draftAliases(live.map((t) => t.name));

  const tables: TableInput[] = live.map((t, ti) => {
    const keys = keyColumnsOf(t, schema);
    const columns: ColumnInput[] = [];
    for (const c of t.columns) {
      if (!IDENTIFIER.test(c.name)) {
        skipped.push(`${t.qualified}.${c.name}: its name is not lower_snake_case`);
        continue;
      }
      const sample = samples.get(`${t.qualified}.${c.name}`);
      const column: ColumnInput = { name: c.name, type: c.type };
      if (c.comment) column.description = c.comment;
      const finding = personalFinding(t.name, c.name, sample?.values);
      if (finding) {
        column.personal = true;
        counts.personal += 1;
        comments.set(
          `tables.${ti}.columns.${columns.length}`,
          `personal: ${finding.kind} (by ${finding.by})`,
        );
      } else if (isKeyColumn(c.name, keys, tableWords)) column.hidden = true;
      else if (sample?.lowCardinality && sample.averageLength <= FREE_TEXT_BYTES)
        column.sample_values = sample.values;
      columns.push(column);
    }
    return {
      name: t.qualified,
      alias: aliases[ti] as string,
      ...(t.comment ? { description: t.comment } : {}),
      synonyms: [otherNumber(spaced(t.name))],
      columns,
    };
  });

  const joins = draftJoins(tables, schema, comments, counts);
  const metrics = draftMetrics(tables, joins, samples, comments, counts);
  const dimensions = draftDimensions(tables, samples, metrics);
  const fact = [...tables]
    .map((t, i) => ({ t, outgoing: joins.filter((j) => j.from === t.name).length, rows: live[i]?.rows ?? 0 }))
    .sort((a, b) => b.outgoing - a.outgoing || b.rows - a.rows)[0]?.t;
  const catalog: CatalogInput = {
    name,
    description: `Drafted by tally catalog init from ${name}.`,
    tables,
    joins,
    metrics,
    dimensions,
  };
  const defaultMetric = metrics.find((m) => m.table === fact?.name && m.expression === 'COUNT(*)')?.name;
  if (defaultMetric) catalog.default_metric = defaultMetric;
  return { catalog, comments, skipped, counts };
}

function keyColumnsOf(table: LiveTable, schema: LiveSchema): Set<string> {
  const keys = new Set(table.keys.filter((k) => k.primary).flatMap((k) => k.columns));
  for (const fk of schema.foreignKeys) {
    if (fk.from === table.qualified) for (const [c] of fk.on) keys.add(c);
    if (fk.to === table.qualified) for (const [, c] of fk.on) keys.add(c);
  }
  return keys;
}

const hasColumn = (t: TableInput, name: string) => t.columns.some((c) => c.name === name);

function draftJoins(
  tables: TableInput[],
  schema: LiveSchema,
  comments: Map<string, string>,
  counts: Draft['counts'],
): JoinInput[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const joins: JoinInput[] = [];
  const joined = new Set<string>();
  for (const fk of schema.foreignKeys) {
    const from = byName.get(fk.from);
    const to = byName.get(fk.to);
    if (!from || !to || !fk.on.every(([a, b]) => hasColumn(from, a) && hasColumn(to, b))) continue;
    joins.push({ from: fk.from, to: fk.to, on: fk.on });
    for (const [a] of fk.on) joined.add(`${fk.from}.${a}`);
  }
  for (const from of tables) {
    for (const column of from.columns) {
      const stem = /^(.+?)_?id$/.exec(column.name)?.[1];
      if (!stem || joined.has(`${from.name}.${column.name}`)) continue;
      const schemaName = from.name.split('.')[0];
      const candidates = tables.filter((t) => {
        const bare = t.name.split('.')[1] as string;
        return t !== from && [stem, plural(stem), `${stem}s`].includes(bare) && !bare.endsWith('_id');
      });
      const to = candidates.find((t) => t.name.startsWith(`${schemaName}.`)) ?? candidates[0];
      const target =
        to && (hasColumn(to, column.name) ? column.name : hasColumn(to, 'id') ? 'id' : undefined);
      if (!to || !target || joins.some((j) => j.from === from.name && j.to === to.name)) continue;
      comments.set(
        `joins.${joins.length}`,
        `guess: no foreign key; ${from.name}.${column.name} looks like ${to.name}.${target}. Check it is unique there.`,
      );
      counts.guessedJoins += 1;
      joins.push({ from: from.name, to: to.name, on: [[column.name, target]] });
    }
  }
  return joins;
}

function timeColumnOf(table: TableInput): string | undefined {
  const dates = table.columns.filter(
    (c) => !c.personal && ['date', 'timestamp'].includes(typeFamily(c.type)),
  );
  return (dates.find((c) => !LATER_DATES.test(c.name)) ?? dates[0])?.name;
}

/**
 * A table with no date column whose whole-number column says it holds Unix seconds: the time as
 * an expression, read in UTC (a timestamp, so no session time zone moves a day).
 */
function epochTimeOf(
  table: TableInput,
  samples: Samples,
): { column: string; expression: string } | undefined {
  const epochs = table.columns.filter((c) => !c.personal && isEpoch(table, c, samples));
  const column = (epochs.find((c) => !LATER_DATES.test(c.name)) ?? epochs[0])?.name;
  return column
    ? { column, expression: `TIMESTAMP 'epoch' + ${table.alias}.${column} * INTERVAL '1 second'` }
    : undefined;
}

/** A whole number that is a moment in Unix seconds: a time, never an amount to add up. */
function isEpoch(table: TableInput, column: ColumnInput, samples: Samples): boolean {
  if (typeFamily(column.type) !== 'integer' || NOT_SECONDS.test(`${column.name} ${column.description ?? ''}`))
    return false;
  if (EPOCH_COMMENT.test(column.description ?? '')) return true;
  const range = samples.get(`${table.name}.${column.name}`)?.range;
  return !!range && range[0] >= EPOCH_SECONDS[0] && range[1] <= EPOCH_SECONDS[1];
}

/** The time a table's metrics are drafted with, and what the admin should check about it. */
function draftTime(
  table: TableInput,
  samples: Samples,
): { timed: Partial<MetricInput>; by?: string; check?: string } {
  const column = timeColumnOf(table);
  if (column) return { timed: { time_column: column }, by: column };
  const epoch = epochTimeOf(table, samples);
  if (!epoch) return { timed: {} };
  return {
    timed: { time_expression: epoch.expression },
    by: epoch.column,
    check: `time: ${table.name}.${epoch.column} read as Unix seconds in UTC — check it is seconds, and the time the facts happen`,
  };
}

function draftMetrics(
  tables: TableInput[],
  joins: JoinInput[],
  samples: Samples,
  comments: Map<string, string>,
  counts: Draft['counts'],
): MetricInput[] {
  const metrics: MetricInput[] = [];
  const taken = new Set<string>();
  const measured = new Map<string, number>();
  for (const t of tables)
    for (const c of t.columns)
      if (['integer', 'decimal'].includes(typeFamily(c.type)))
        measured.set(c.name, (measured.get(c.name) ?? 0) + 1);
  const tableWords = new Set(
    tables.flatMap((t) => {
      const bare = spaced(t.name.split('.')[1] as string);
      return [bare, otherNumber(bare)];
    }),
  );
  const unique = (name: string, table: TableInput) => {
    const bare = table.name.split('.')[1] as string;
    const chosen = numbered(taken.has(name) || !IDENTIFIER.test(name) ? `${bare}_${name}` : name, taken);
    taken.add(chosen);
    return chosen;
  };
  for (const table of tables) {
    const bare = table.name.split('.')[1] as string;
    const many = plural(spaced(bare));
    const { timed, by: time, check } = draftTime(table, samples);
    if (check) comments.set(`metrics.${metrics.length}`, check);
    metrics.push({
      name: unique(plural(bare), table),
      label: capitalised(many),
      description: `Number of ${many}${time ? `, by ${spaced(time)}` : ''}.`,
      synonyms: [`number of ${many}`, `count of ${many}`, `${singular(many)} count`],
      table: table.name,
      expression: 'COUNT(*)',
      ...timed,
      format: 'integer',
    });
    const fact = joins.some((j) => j.from === table.name);
    for (const column of table.columns) {
      const family = typeFamily(column.type);
      if (
        column.personal ||
        column.hidden ||
        NOT_A_MEASURE.test(column.name) ||
        isEpoch(table, column, samples)
      )
        continue;
      if (family !== 'integer' && family !== 'decimal') continue;
      const words = spaced(column.name);
      // The measure said alone ("the population of each state", "restaurants with a rating
      // above 4") is its average when a level, else its total.
      const bare = tableWords.has(words) || READER_WORDS.test(words) ? [] : [words, plural(words)];
      const alone = LEVEL.test(column.name) ? 'AVG' : 'SUM';
      for (const [aggregate, word] of [
        ['SUM', 'total'],
        ['AVG', 'average'],
      ] as const) {
        comments.set(
          `metrics.${metrics.length}`,
          `draft: ${word} of ${table.name}.${column.name}${fact ? '' : ' (a lookup table)'} — keep it if it means something, else delete it`,
        );
        counts.draftMetrics += 1;
        metrics.push({
          name: unique(`${word}_${column.name}`, table),
          // "Total population of cities" beside "… of states": each table's measure named apart.
          label: capitalised(`${word} ${words}${(measured.get(column.name) ?? 0) > 1 ? ` of ${many}` : ''}`),
          description: `Draft: ${word} of ${words} over ${many}.`,
          synonyms: [`${word} ${words} of ${many}`, ...(aggregate === alone ? bare : [])],
          table: table.name,
          expression: `${aggregate}(${table.alias}.${column.name})`,
          ...timed,
          row_value: `${table.alias}.${column.name}`,
          format: aggregate === 'SUM' && family === 'integer' ? 'integer' : 'number',
        });
      }
    }
  }
  return metrics;
}

function draftDimensions(tables: TableInput[], samples: Samples, metrics: MetricInput[]): DimensionInput[] {
  const candidates = tables.flatMap((table) =>
    table.columns
      .filter((c) => {
        if (c.personal || c.hidden) return false;
        const family = typeFamily(c.type);
        const sample = samples.get(`${table.name}.${c.name}`);
        if (family === 'text') return !sample || sample.averageLength <= FREE_TEXT_BYTES;
        return family === 'boolean' || (family === 'integer' && CALENDAR_NUMBER.test(c.name));
      })
      .map((column) => ({ table, column })),
  );
  const fields = sharedFields(candidates);
  const seen = new Map<string, number>();
  for (const field of fields)
    seen.set(field[0]?.column.name ?? '', (seen.get(field[0]?.column.name ?? '') ?? 0) + 1);
  const otherMeanings = new Set([
    ...metrics.map((m) => m.name),
    ...tables.flatMap((t) => t.columns.filter((c) => c.personal).map((c) => c.name)),
  ]);
  const values = new Set(
    tables.flatMap((t) =>
      t.columns.flatMap((c) => (c.sample_values ?? []).map((v) => String(v).toLowerCase())),
    ),
  );
  const tableWords = new Set(
    tables.flatMap((t) => [spaced(t.name.split('.')[1] as string)].flatMap((w) => [w, otherNumber(w)])),
  );
  const taken = new Set<string>();
  const labels = new Set<string>();
  const said = new Set<string>();
  return fields.map((field) => {
    const { table, column } = field[0] as (typeof candidates)[number];
    const bare = table.name.split('.')[1] as string;
    const own = `${spaced(singular(bare))} `;
    const words = spaced(column.name);
    // A bare "name", "how", "day" or "economy" would be read as another table's field, grammar, a
    // time grain or a value.
    const ambiguous =
      (seen.get(column.name) ?? 0) > 1 ||
      otherMeanings.has(column.name) ||
      values.has(words) ||
      READER_WORDS.test(words.split(' ')[0] as string) ||
      labels.has(words);
    const label = ambiguous && !words.startsWith(own) ? `${own}${words}` : words;
    labels.add(label);
    const dimension: DimensionInput = {
      name: numbered(label === words ? column.name : `${bare}_${column.name}`, taken),
      label: capitalised(label),
      synonyms: fieldSynonyms(label, {
        tableWords,
        values,
        said,
        // "state" names the states' own state_name field ("how many lakes in each state"); a bare
        // "name" column is no thing itself (two restaurants may share a name).
        own: new Set(
          field.flatMap((f) => {
            const thing = spaced(singular(f.table.name.split('.')[1] as string));
            return spaced(f.column.name) === `${thing} name` ? [thing] : [];
          }),
        ),
      }),
      sources: field.map((f) => ({ table: f.table.name, column: f.column.name })),
    };
    if (field.some((f) => f.column.sample_values?.length)) dimension.values = 'learn';
    taken.add(dimension.name);
    return dimension;
  });
}

/** "country_name", "state_code": a column that says which thing it names, the same thing wherever it is kept. */
const NAMES_A_THING = /^[a-z0-9]+(?:_[a-z0-9]+)*_(name|code|title)$/;

/**
 * One field kept in several tables ("city_name" in restaurant, location and geographic): the same
 * column name and kind, and values in common, so one breakdown that every table reaches by its own
 * column. Columns that only share a name ("name" of a restaurant and of a region) stay apart.
 */
function sharedFields<T extends { table: TableInput; column: ColumnInput }>(candidates: T[]): T[][] {
  const fields: T[][] = [];
  for (const candidate of candidates) {
    const values = new Set((candidate.column.sample_values ?? []).map(String));
    const same = fields.find((field) =>
      field.every(
        (f) =>
          f.column.name === candidate.column.name &&
          typeFamily(f.column.type) === typeFamily(candidate.column.type) &&
          ((f.column.sample_values ?? []).some((v) => values.has(String(v))) ||
            NAMES_A_THING.test(f.column.name)),
      ),
    );
    if (same) same.push(candidate);
    else fields.push([candidate]);
  }
  return fields;
}

/**
 * The words people use for a field named like its thing: "city name" → "city names", "city",
 * "cities". Never a table's name (that is the thing itself), a value, a reader's word, nor a word
 * another field already took.
 */
function fieldSynonyms(
  label: string,
  known: { tableWords: Set<string>; values: Set<string>; said: Set<string>; own: Set<string> },
): string[] {
  const thing = /^(.+) (name|title)$/.exec(label)?.[1];
  const ownThing = !!thing && known.own.has(thing);
  const words = [plural(label), ...(thing ? [thing, plural(thing)] : [])].filter(
    (w) =>
      w !== label &&
      (!known.tableWords.has(w) || ownThing) &&
      !known.values.has(w) &&
      !known.said.has(w) &&
      !READER_WORDS.test(w),
  );
  for (const w of words) known.said.add(w);
  return [...new Set(words)];
}

/** `name`, or `name_2`, `name_3`… when taken (the same table name in two schemas). */
function numbered(name: string, taken: Set<string>): string {
  let chosen = name;
  for (let n = 2; taken.has(chosen); n++) chosen = `${name}_${n}`;
  return chosen;
}
