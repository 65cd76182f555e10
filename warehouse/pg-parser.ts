/** libpg-query is WASM: load it once, then parse synchronously. */
import { loadModule, parseSync } from 'libpg-query';

let loaded: Promise<void> | undefined;

export function loadPgParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

// biome-ignore lint/suspicious/noExplicitAny: the PostgreSQL parse tree is a large untyped JSON document
export type PgNode = any;

/** Parses with PostgreSQL's own grammar; throws PostgreSQL's syntax error message. */
export function parsePg(sql: string): { stmts: { stmt: PgNode }[] } {
  const tree = parseSync(sql) as { stmts?: { stmt: PgNode }[] };
  return { stmts: tree.stmts ?? [] };
}

/** Calls `visit` for every object node in the tree with the key it was found under. */
export function walk(node: PgNode, visit: (key: string, value: PgNode) => void, key = ''): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit, key);
  } else if (node !== null && typeof node === 'object') {
    for (const [childKey, child] of Object.entries(node)) {
      if (child !== null && typeof child === 'object') {
        visit(childKey, child);
        walk(child, visit, childKey);
      }
    }
  }
}
