/**
 * "The ratio of A to B": two questions in one. Each side is read as a question of its own (its
 * metric, and the filters, conditions and period that say which part of it), and what follows
 * both sides applies to both: in "restaurants rated above 4 to restaurants rated below 4 in New
 * York", the denominator owns as many qualifiers as the numerator has ("rated below 4") and "in
 * New York" is shared. A side that starts "all …" or "the total …" owns none ("Italian
 * restaurants out of all restaurants in Los Angeles"). A side with no metric of its own is counted
 * ("publications to authors"). When no split reads cleanly, the question is left to the ordinary
 * reading, which then asks about "ratio" instead of guessing.
 */
import { metricByName } from '../catalog.ts';
import type { SemanticQuery } from '../query.ts';
import type { Said } from '../restate.ts';
import type { Catalog } from '../schema.ts';
import type { Understanding } from './parse.ts';
import { normalizeText } from './words.ts';

type Read = (text: string) => Understanding;
type Query = Extract<Understanding, { kind: 'query' }>;

const RATIO_OF =
  /^(.*?)\b(?:the |an? |what )?(ratio|proportion|fraction|share|percentage|percent) (?:of|between) (.+)$/;
const SPLIT = / (?:to|out of|versus|vs|against|compared to|compared with|relative to|over|per) /g;
/** A denominator's own words before what both sides share: longer is a sentence, not a side. */
const MAX_SIDE_WORDS = 12;
const ASKING =
  /^(?:(?:what|whats|which|how|does|do|is|was|are|the|calculate|compute|get|give|show|find|tell|me|return|us|please)\b ?)*$/;
const WHOLE = /^(?:all|the total|total|overall|the whole|the entire)\b/;
/** "how does the ratio … vary across different courses": a breakdown, said as a question. */
const VARY =
  /\b(?:vary|varies|differ|differs|change|changes) (?:across|by|between|among|for|with)(?: (?:the )?different)?\b/g;

export const asksRatio = (question: string) => RATIO_OF.test(normalizeText(question));

/** "revenue share by channel", "order percentage by region": the share said after its measure. */
const SHARE_AFTER =
  /\b((?:[a-z]+ ){0,2}[a-z]+) (share|percentage|proportion)(?= (?:by|per|across|for each|of each)\b)/;

/** "…, ordered by descending ratio": the order of the answer's rows, said of the ratio itself. */
const BY_RATIO =
  /,? (?:and )?(?:ordered|sorted|ranked|order|sort|rank) (?:them |the results |results )?by (?:the )?(?:(descending|ascending|decreasing|increasing|highest|lowest) )?(?:ratio|proportion|percentage|share)(?: (?:in )?(descending|ascending|decreasing|increasing|desc|asc)(?: order)?)?\b/;

/** "… Return the annual numbers of publications and journals as well": every ratio shows both sides. */
const SIDES_TOO =
  / (?:and )?(?:return|show|give|include|list)(?: me| us)?(?: the)?(?: (?:annual|yearly|quarterly|monthly|weekly|daily))? (?:numbers|counts|totals|values|figures|numerators? and denominators?)(?: of(?: [a-z]+){1,6}?)?(?: as well| too| also)?$/;

export function readRatioOf(question: string, reader: Read, catalog: Catalog): Understanding | undefined {
  const plain = normalizeText(question)
    .replace(SIDES_TOO, '')
    .replace(VARY, ' by ')
    .replace(SHARE_AFTER, (_said, measure: string, share: string) => `${share} of ${measure}`);
  const byRatio = BY_RATIO.exec(plain);
  const normal = byRatio ? plain.replace(byRatio[0], '') : plain;
  const match = RATIO_OF.exec(normal);
  if (!match) return undefined;
  const understood = readRatio(match, reader, catalog);
  if (!byRatio || understood?.kind !== 'query') return understood;
  const direction = /^(?:asc|increasing|lowest)/.test(byRatio[1] ?? byRatio[2] ?? '') ? 'asc' : 'desc';
  return {
    ...understood,
    query: { ...understood.query, order: { by: 'metric', metric: 'ratio', direction } },
    said: merged(understood.said, {
      parts: [{ said: byRatio[0].replace(/^,? /, ''), became: `sorted by ratio` }],
      corrections: [],
    }),
  };
}

function readRatio(match: RegExpExecArray, reader: Read, catalog: Catalog): Understanding | undefined {
  // The same side is tried with several tails: each text is read once.
  const seen = new Map<string, Understanding>();
  const read: Read = (text) => {
    const known = seen.get(text) ?? reader(text);
    seen.set(text, known);
    return known;
  };
  // "the average ratio of …" is another computation (the mean of each row's ratio).
  if (!ASKING.test((match[1] ?? '').trim())) return undefined;
  const percent = /^percent/.test(match[2] ?? '');
  const body = match[3] ?? '';
  for (const split of body.matchAll(SPLIT)) {
    const aText = body.slice(0, split.index);
    const rest = body.slice((split.index ?? 0) + split[0].length).split(' ');
    const a = side(read, aText);
    if (!a) continue;
    const owned = WHOLE.test(rest.join(' ')) ? 0 : qualifiers(a.query);
    for (let j = 1; j <= Math.min(rest.length, MAX_SIDE_WORDS); j++) {
      const bText = rest.slice(0, j).join(' ');
      const b = side(read, bText);
      if (!b || qualifiers(b.query) !== owned) continue;
      const tail = rest.slice(j).join(' ');
      const numerator = side(read, `${aText} ${tail}`);
      const denominator = side(read, `${bText} ${tail}`);
      if (!numerator || !denominator) continue;
      const dims = [...(numerator.query.grain ? ['grain'] : []), ...numerator.query.dimensions];
      const shared = [...(denominator.query.grain ? ['grain'] : []), ...denominator.query.dimensions];
      if (
        shared.some((d) => !dims.includes(d)) ||
        numerator.query.grain !== (denominator.query.grain ?? numerator.query.grain)
      )
        break;
      return {
        kind: 'query',
        query: { ...numerator.query, ratio: { over: denominator.query, ...(percent ? { percent } : {}) } },
        said: merged(numerator.said, denominator.said),
      };
    }
  }
  if (match[2] === 'ratio') return undefined;
  // "the percentage of orders that were refunded": the part is what they were, the whole all of them.
  const said = partSaid(body, read, catalog);
  if (said) return said.with(percent);
  // "the percentage of restaurants that serve Italian food": things named without a metric are counted.
  return shareOfWhole(side(read, body) ?? read(body), percent);
}

/**
 * "the share of revenue from Online", "the percentage of orders over $1,000": one qualifier says
 * which part; the whole is the same without it (the same period and breakdown). With none,
 * "the share of revenue by region" is each group's part of the whole. With more than one
 * qualifier, which is the part and which the whole is a question.
 */
function shareOfWhole(part: Understanding, percent: boolean): Understanding | undefined {
  if (part.kind !== 'query' || !single(part.query)) return undefined;
  const { filters, conditions = [], dimensions, grain } = part.query;
  const qualified = filters.length + conditions.length;
  const grouped = dimensions.length > 0 || !!grain;
  if (qualified > 1 || (qualified === 0 && !grouped)) return undefined;
  const whole: SemanticQuery =
    qualified === 1
      ? { ...part.query, filters: [], conditions: [], order: undefined, limit: undefined }
      : { ...part.query, dimensions: [], grain: undefined, order: undefined, limit: undefined };
  return { ...part, query: { ...part.query, ratio: { over: whole, ...(percent ? { percent } : {}) } } };
}

/**
 * "orders (that) were refunded last year": the whole named before "were", the part after it, a
 * count of the same rows (as "how many orders were refunded" reads); the words after the part
 * (the period, a breakdown) belong to both.
 */
function partSaid(
  body: string,
  read: Read,
  catalog: Catalog,
): { with(percent: boolean): Understanding } | undefined {
  const copula = / (?:that |which |who )?(?:is|are|was|were) /.exec(body);
  if (!copula) return undefined;
  const part = side(read, body);
  const before = body.slice(0, copula.index);
  const after = body.slice(copula.index + copula[0].length).split(' ');
  for (let j = 1; part && j <= Math.min(3, after.length); j++) {
    const whole = side(read, `${before} ${after.slice(j).join(' ')}`.trim());
    if (!whole) continue;
    if (whole.query.metrics[0] === part.query.metrics[0]) {
      // "restaurants in San Francisco that are Italian": the same count, with one filter more said
      // after the verb; every filter of the whole kept.
      const kept = whole.query.filters.every((f) =>
        part.query.filters.some((p) => JSON.stringify(p) === JSON.stringify(f)),
      );
      if (!kept || part.query.filters.length !== whole.query.filters.length + 1) continue;
      if (qualifiers(part.query) !== qualifiers(whole.query) + 1) continue;
    } else {
      if (qualifiers(whole.query) !== qualifiers(part.query)) continue;
      // Refunded orders are no part of completed orders: a share only of the rows the whole counts.
      if (!partOf(part.query.metrics[0] as string, whole.query.metrics[0] as string, catalog))
        return undefined;
    }
    return {
      with: (percent) => ({
        kind: 'query',
        query: { ...part.query, ratio: { over: whole.query, ...(percent ? { percent } : {}) } },
        said: merged(part.said, whole.said),
      }),
    };
  }
  return undefined;
}

/** Whether one count's rows are some of another's: the same table, and every filter of the whole kept. */
function partOf(part: string, whole: string, catalog: Catalog): boolean {
  const [p, w] = [metricByName(catalog, part), metricByName(catalog, whole)];
  return !!p && !!w && p.table === w.table && w.filters.every((f) => p.filters.includes(f));
}

/** A side read as a question with exactly one metric; things named without one are counted. */
function side(read: Read, text: string): Query | undefined {
  for (const asked of [`how many ${text}`, text]) {
    const understood = read(asked);
    if (understood.kind === 'query' && single(understood.query)) return understood;
  }
  return undefined;
}

const single = (q: SemanticQuery) =>
  q.metrics.length === 1 && !q.compare && !q.listFrom && !q.ratio && !q.unit && q.limit === undefined;

/** How many things a side says about which part of its metric it means. */
const qualifiers = (q: SemanticQuery) => q.filters.length + (q.conditions?.length ?? 0) + (q.time ? 1 : 0);

function merged(a: Said | undefined, b: Said | undefined): Said {
  const parts = [...(a?.parts ?? []), ...(b?.parts ?? [])];
  const corrections = [...(a?.corrections ?? []), ...(b?.corrections ?? [])];
  return {
    parts: parts.filter((p, i) => parts.findIndex((q) => q.said === p.said && q.became === p.became) === i),
    corrections: corrections.filter((c, i) => corrections.findIndex((d) => d.typed === c.typed) === i),
  };
}
