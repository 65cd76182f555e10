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

// One scoped executor per access, so what is kept per executor (data extents) is kept per access.
// The most recently used are kept, not every person ever seen: a scoped executor is only its
// access, made again at once, and an unbounded map would grow with every new asker.
export const SCOPED_EXECUTORS_KEPT = 1000;
const scopedExecutors = new WeakMap<Executor, Map<string, Executor>>();
const baseOf = new WeakMap<Executor, Executor>();

function executorFor(executor: Executor, access: UserAccess): Executor {
  const base = baseOf.get(executor) ?? executor;
  const key = JSON.stringify(access);
  const byAccess = scopedExecutors.get(base) ?? new Map<string, Executor>();
  scopedExecutors.set(base, byAccess);
  let scoped = byAccess.get(key);
  if (scoped) byAccess.delete(key);
  else {
    scoped = base.withAccess(access);
    baseOf.set(scoped, base);
  }
  byAccess.set(key, scoped);
  if (byAccess.size > SCOPED_EXECUTORS_KEPT) byAccess.delete(byAccess.keys().next().value as string);
  return scoped;
}

/** How many scoped executors are kept for a base executor (tests of the bound). */
export function scopedExecutorsKept(executor: Executor): number {
  return scopedExecutors.get(baseOf.get(executor) ?? executor)?.size ?? 0;
}

/** Whether any access rule's row filter reads who is asking (`{user.email}`, `{user.id}`). */
function rowsReadUser(catalog: Catalog): boolean {
  return (catalog.access?.groups ?? []).some((g) => g.rows.some((row) => /\{user\.[a-z_]+\}/.test(row)));
}

/**
 * Deps for a read that isn't the person's question but depends on which rows they may see (the
 * data extent): their groups, and who they are only when a row filter reads it. Everyone who sees
 * the same rows shares one executor, and so one cache of what it read; the rows are the same
 * by construction, since PostgreSQL's policies read nothing else.
 */
export function rowsScope<D extends Scoped>(deps: D): D & { access: UserAccess } {
  const access = deps.access ?? resolveAccess(deps.catalog, {});
  const shared = rowsReadUser(deps.catalog) ? access : { groups: access.groups, user: {} };
  return { ...deps, access: shared, executor: executorFor(deps.executor, shared) };
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
  // No access rules: everyone is in the unrestricted default group, which may use everything, so
  // there is nothing to check (and the check parses every expression the query touches).
  if (!deps.catalog.access) return undefined;
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
