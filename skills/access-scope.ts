/**
 * The asking person's access, applied to a skill's dependencies: the executor runs every
 * statement with it (PostgreSQL's row-level security reads it), the compiler adds the same row
 * filters so the SQL shown is the SQL that ran, the gate sees only what they may see, and the
 * reply says what was left out. Refusals name nothing the person may not see.
 */
import {
  accessLabel,
  accessNote,
  queryAccessProblem,
  resolveAccess,
  rowFilters,
  type UserAccess,
  visibleCatalog,
} from '../semantic-catalog/access.ts';
import { metricByName, metricTable } from '../semantic-catalog/catalog.ts';
import type { CompileOptions } from '../semantic-catalog/compile.ts';
import type { SemanticQuery } from '../semantic-catalog/query.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import type { Executor } from '../warehouse/executor.ts';
import { type Answer, emptyAnswer } from './answer.ts';

export interface Scoped {
  catalog: Catalog;
  executor: Executor;
  access?: UserAccess;
}

export function noAccessMessage(): string {
  return 'I can’t answer that with your access. If you need it, ask the team that looks after Tally.';
}

// One scoped executor per person, so what is kept per executor (data extents) is kept per access.
const scopedExecutors = new WeakMap<Executor, Map<string, Executor>>();
const baseOf = new WeakMap<Executor, Executor>();

function executorFor(executor: Executor, access: UserAccess): Executor {
  const base = baseOf.get(executor) ?? executor;
  const key = JSON.stringify(access);
  const byAccess = scopedExecutors.get(base) ?? new Map<string, Executor>();
  scopedExecutors.set(base, byAccess);
  let scoped = byAccess.get(key);
  if (!scoped) {
    scoped = base.withAccess(access);
    baseOf.set(scoped, base);
    byAccess.set(key, scoped);
  }
  return scoped;
}

/** Deps carrying an access (given, already on the deps, else the catalog's default for someone in no group). */
export function withAccess<D extends Scoped>(
  deps: D,
  who: { userId?: string; userEmail?: string; access?: UserAccess } = {},
): D & { access: UserAccess } {
  const access =
    who.access ??
    (who.userId || who.userEmail ? undefined : deps.access) ??
    resolveAccess(deps.catalog, { id: who.userId, email: who.userEmail });
  return { ...deps, access, executor: executorFor(deps.executor, access) };
}

export function accessRefusal(deps: Scoped, question: string, query: SemanticQuery): Answer | undefined {
  const access = deps.access ?? resolveAccess(deps.catalog, {});
  const problem = queryAccessProblem(query, deps.catalog, access);
  if (!problem) return undefined;
  return { ...emptyAnswer(question, 'refuse', noAccessMessage()), rule: 'no_access', detail: problem };
}

export function compileOptions(deps: Scoped): CompileOptions {
  const access = deps.access ?? resolveAccess(deps.catalog, {});
  return { rowFilters: (factTable) => rowFilters(deps.catalog, access, factTable) };
}

export function gateCatalog(deps: Scoped): Catalog {
  return visibleCatalog(deps.catalog, deps.access ?? resolveAccess(deps.catalog, {}));
}

/** "Showing EMEA only (your access)." for the query's first metric, if the person's rows are filtered. */
export function queryAccessNote(deps: Scoped, query: SemanticQuery): string | undefined {
  const metric = query.metrics[0] ? metricByName(deps.catalog, query.metrics[0]) : undefined;
  const table = metric ? metricTable(deps.catalog, metric)?.name : undefined;
  return table ? accessNote(deps.catalog, deps.access ?? resolveAccess(deps.catalog, {}), table) : undefined;
}

/** The same note for SQL the model or an analyst wrote: the first of its tables whose rows are filtered. */
export function tablesAccessNote(deps: Scoped, tables: string[]): string | undefined {
  const access = deps.access ?? resolveAccess(deps.catalog, {});
  for (const table of tables) {
    const note = accessNote(deps.catalog, access, table);
    if (note) return note;
  }
  return undefined;
}

export function auditAccess(deps: Scoped): string | undefined {
  return deps.catalog.access ? accessLabel(deps.access ?? resolveAccess(deps.catalog, {})) : undefined;
}
