/**
 * Names too many to learn (customers, products): when the reading leaves words unplaced, they are
 * looked up in the warehouse at question time — one gated, read-only query per such field, with
 * the asking person's access — and the question is read again with what was found. One match is
 * used (and shown in the restatement as the filter it became); several are offered as choices;
 * none leaves the honest clarification as it was.
 */
import { sourceExpression, tableByName } from '../semantic-catalog/catalog.ts';
import { quoteLiteral } from '../semantic-catalog/compile.ts';
import type { IsoDate } from '../semantic-catalog/dates.ts';
import type { Catalog, DimensionDef } from '../semantic-catalog/schema.ts';
import type { Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import { type Understanding, understand, unplacedPhrases } from '../semantic-catalog/understand/parse.ts';
import { words } from '../semantic-catalog/understand/words.ts';
import { checkSql } from '../warehouse/gate.ts';
import { gateCatalog } from './access-scope.ts';
import type { AskDeps } from './ask.ts';

const MAX_FIELDS = 6;
const MAX_CANDIDATES = 5;

interface Found {
  dimension: DimensionDef;
  value: string;
  /** What was typed for it. */
  phrase?: string;
}

export async function readWithLookedUpValues(
  deps: AskDeps,
  question: string,
  today: IsoDate,
): Promise<Understanding | undefined> {
  const fields = lookupFields(deps.catalog, deps.lexicon);
  if (fields.length === 0) return undefined;
  const phrases = unplacedPhrases(question, deps.catalog, deps.lexicon, today).filter(
    (p) => p.replace(/[^a-z]/g, '').length >= 3,
  );
  const chosen: Found[] = [];
  for (const phrase of phrases) {
    const found = (await Promise.all(fields.map((d) => lookUp(deps, d, phrase)))).flat();
    const exact = found.filter((f) => words(f.value).join(' ') === words(phrase).join(' '));
    const pick = exact.length === 1 ? exact : found;
    if (pick.length === 1) chosen.push({ ...(pick[0] as Found), phrase });
    else if (pick.length > 1) return choose(question, phrase, pick);
  }
  if (chosen.length === 0) return undefined;
  const again = understand(question, deps.catalog, withValues(deps.lexicon, chosen), today);
  return again.kind === 'query' ? again : undefined;
}

const fieldsByLexicon = new WeakMap<Lexicon, DimensionDef[]>();

/**
 * Fields whose values people type but the catalog could not learn: too many, or not asked to.
 * Found once per lexicon (a catalog reload builds a new one), not per question.
 */
function lookupFields(catalog: Catalog, lexicon: Lexicon): DimensionDef[] {
  const cached = fieldsByLexicon.get(lexicon);
  if (cached) return cached;
  const known = new Set<string>();
  for (const entries of lexicon.phrases.values())
    for (const e of entries) if (e.kind === 'value') known.add(e.dimension);
  const fields = catalog.dimensions
    .filter((d) => {
      const source = d.sources[0];
      const table = source && tableByName(catalog, source.table);
      const column = table?.columns.find((c) => c.name === source?.column);
      const text = !column || /char|text/i.test(column.type);
      return !known.has(d.name) && !!table && text && !column?.personal && d.sources.length === 1;
    })
    .slice(0, MAX_FIELDS);
  fieldsByLexicon.set(lexicon, fields);
  return fields;
}

async function lookUp(deps: AskDeps, dimension: DimensionDef, phrase: string): Promise<Found[]> {
  const source = dimension.sources[0];
  const table = source && tableByName(deps.catalog, source.table);
  if (!source || !table) return [];
  const expression = sourceExpression(deps.catalog, source);
  const pattern = `%${phrase.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/ +/g, '%')}%`;
  const sql = `SELECT DISTINCT ${expression} AS value FROM ${table.name} AS ${table.alias} WHERE ${expression}::text ILIKE ${quoteLiteral(pattern)} ORDER BY 1 LIMIT ${MAX_CANDIDATES + 1}`;
  const verdict = checkSql(sql, gateCatalog(deps), { maxRows: deps.maxRows });
  if (!verdict.ok) return [];
  try {
    const result = await deps.executor.run(verdict.sql);
    return result.rows.map((row) => ({ dimension, value: String(row[0]) }));
  } catch (error) {
    deps.log.warn({ dimension: dimension.name, err: (error as Error).message }, 'value lookup failed');
    return [];
  }
}

/** The lexicon with the found values added, for this question only. */
function withValues(lexicon: Lexicon, found: Found[]): Lexicon {
  const phrases = new Map(lexicon.phrases);
  let longest = lexicon.longest;
  for (const { dimension, value, phrase } of found) {
    for (const key of new Set([words(value).join(' '), words(phrase ?? value).join(' ')])) {
      phrases.set(key, [...(phrases.get(key) ?? []), { kind: 'value', dimension: dimension.name, value }]);
      longest = Math.max(longest, key.split(' ').length);
    }
  }
  return { phrases, longest };
}

function choose(question: string, phrase: string, all: Found[]): Understanding {
  const found = all.slice(0, MAX_CANDIDATES);
  const more = all.length > found.length ? ' or others' : '';
  const at = question.toLowerCase().indexOf(phrase);
  const replace = (value: string) =>
    at < 0
      ? `${question} (${value})`
      : `${question.slice(0, at)}${value}${question.slice(at + phrase.length)}`;
  return {
    kind: 'clarify',
    message: `“${phrase}” could be ${found.map((f) => `${f.value} (${f.dimension.label.toLowerCase()})`).join(', ')}${more}. Which one do you mean?`,
    choices: found.map((f) => ({ label: f.value, question: replace(f.value) })),
  };
}
