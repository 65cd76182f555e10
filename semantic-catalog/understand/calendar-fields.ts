/**
 * Metrics whose facts carry no date but a year number (and perhaps a month name): "papers per
 * year" and "reviews in 2021" are read through those fields, when the facts have exactly one of
 * each kind (on the fact table itself, or else reached from it). Anything finer than whole years stays unanswerable, and says so.
 */
import { isCalendarPart } from '../calendar-parts.ts';
import {
  dimensionByName,
  metricByName,
  metricTable,
  reachableSource,
  unchangedByRepeats,
} from '../catalog.ts';
import type { SemanticQuery } from '../query.ts';
import type { Catalog, MetricDef } from '../schema.ts';

/** The query over calendar fields instead of a time column, or undefined when it can't be. */
export function overCalendarFields(
  query: SemanticQuery,
  catalog: Catalog,
  listed?: string,
): SemanticQuery | undefined {
  const facts = new Set(
    query.metrics.length > 0
      ? query.metrics.map((n) => metricTable(catalog, metricByName(catalog, n) as MetricDef)?.name)
      : [listed],
  );
  const fact = [...facts][0];
  if (facts.size !== 1 || !fact) return undefined;
  // Through link tables only for what repeated rows can't change (catalog.ts joinPath).
  const path = {
    bridges: query.metrics.every((n) => unchangedByRepeats(catalog, metricByName(catalog, n) as MetricDef)),
  };
  // The fact table's own field first, else the one field its rows lead to.
  const field = (word: RegExp) => {
    const named = catalog.dimensions.filter(
      (d) =>
        !isCalendarPart(d.name) &&
        (word.test(d.name.replaceAll('_', ' ')) || word.test(d.label.toLowerCase())),
    );
    const own = named.filter((d) => d.sources.some((s) => s.table === fact));
    const reached = named.filter((d) => reachableSource(catalog, d, fact, path));
    const found = own.length > 0 ? own : reached;
    return found.length === 1 ? found[0]?.name : undefined;
  };
  const year = field(/\byear\b/);
  const month = field(/\bmonth\b/);
  const { grain, time, ...rest } = query;
  const next: SemanticQuery = { ...rest, dimensions: [...query.dimensions], filters: [...query.filters] };
  if (grain) {
    const by = grain === 'year' ? year : grain === 'month' ? month : undefined;
    if (!by || !dimensionByName(catalog, by)) return undefined;
    if (!next.dimensions.includes(by)) next.dimensions.unshift(by);
  }
  if (time) {
    const years = wholeYears(time.from, time.to);
    if (!years || !year) return undefined;
    next.filters.push({ dimension: year, values: years.map(String) });
  }
  return next;
}

function wholeYears(from: string, to: string): number[] | undefined {
  const a = /^(\d{4})-01-01$/.exec(from);
  const b = /^(\d{4})-01-01$/.exec(to);
  if (!a || !b) return undefined;
  const years: number[] = [];
  for (let y = Number(a[1]); y < Number(b[1]); y++) years.push(y);
  return years.length > 0 && years.length <= 50 ? years : undefined;
}
