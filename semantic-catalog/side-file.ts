/**
 * Files kept beside the catalog they use (alerts.yaml, digests.yaml): found next to catalog.yaml,
 * parsed with their own schema, and failing with the same CatalogError an admin already knows.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { CatalogError, type CatalogProblem } from './loader.ts';

export async function loadSideFile<S extends z.ZodType>(
  catalogPath: string,
  name: string,
  schema: S,
): Promise<{ file: string; data: z.infer<S> } | undefined> {
  const info = await stat(catalogPath).catch(() => undefined);
  const file = path.join(info?.isDirectory() ? catalogPath : path.dirname(catalogPath), name);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new CatalogError([{ file, path: '', message: (error as Error).message }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new CatalogError(
      parsed.error.issues.map((i) => ({ file, path: i.path.join('.'), message: i.message })),
    );
  return { file, data: parsed.data };
}

/** Throws every problem at once, as the catalog loader does. */
export function failOn(problems: CatalogProblem[]): void {
  if (problems.length > 0) throw new CatalogError(problems);
}
