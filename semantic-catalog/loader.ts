/**
 * Loads a catalog file: YAML → schema → cross-references, collecting every problem with its place
 * (file, line, path) before failing once, so an admin fixes them all in one go.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { loadPgParser } from '../warehouse/pg-parser.ts';
import { withCalendarParts } from './calendar-parts.ts';
import { crossCheck } from './cross-check.ts';
import { withImplicitAggregates } from './implicit-aggregates.ts';
import { withKeyDimensions } from './key-dimensions.ts';
import { checkNamedFilters, withNamedFilters } from './named-filters.ts';
import { type Catalog, catalogSchema } from './schema.ts';
import { checkVerifiedQueries } from './verified.ts';

export interface CatalogProblem {
  file: string;
  line?: number;
  path: string;
  message: string;
}

export class CatalogError extends Error {
  readonly code = 'tally_catalog_invalid';
  constructor(readonly problems: CatalogProblem[]) {
    super(
      `The catalog has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map(formatProblem)
        .join('\n')}`,
    );
  }
}

export function formatProblem(p: CatalogProblem): string {
  return `  ${p.file}${p.line ? `:${p.line}` : ''}  ${p.path || '(top)'}: ${p.message}`;
}

/** A catalog path may name the YAML file or the folder holding `catalog.yaml`. */
export async function resolveCatalogFile(catalogPath: string): Promise<string> {
  const info = await stat(catalogPath).catch(() => undefined);
  if (!info) throw new CatalogError([{ file: catalogPath, path: '', message: 'no such file or folder' }]);
  return info.isDirectory() ? path.join(catalogPath, 'catalog.yaml') : catalogPath;
}

export async function loadCatalog(catalogPath: string): Promise<Catalog> {
  const file = await resolveCatalogFile(catalogPath);
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new CatalogError([{ file, path: '', message: `cannot read it (${error.message})` }]);
  });
  await loadPgParser();
  return parseCatalog(text, file);
}

export function parseCatalog(text: string, file = 'catalog.yaml'): Catalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (at: (string | number)[]): number | undefined => {
    for (let n = at.length; n >= 0; n--) {
      const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  if (doc.errors.length > 0) {
    throw new CatalogError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line,
        path: '',
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const parsed = catalogSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new CatalogError(
      parsed.error.issues.map((issue) => {
        const at = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        return { file, line: lineOf(at), path: formatPath(at), message: issue.message };
      }),
    );
  }
  const catalog = withCalendarParts(withImplicitAggregates(withKeyDimensions(withNamedFilters(parsed.data))));
  const problems = [
    ...crossCheck(parsed.data),
    ...checkNamedFilters(parsed.data),
    ...checkVerifiedQueries(catalog),
  ].map((p) => ({
    file,
    line: lineOf(p.at),
    path: formatPath(p.at),
    message: p.message,
  }));
  if (problems.length > 0) throw new CatalogError(problems);
  return catalog;
}

function formatPath(at: (string | number)[]): string {
  return at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
