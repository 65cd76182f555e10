/**
 * Short table aliases for expressions (`o.amount`): the initials of the table's words, numbered
 * when taken, never an SQL keyword (`as`, `do`, `on` would not parse). Needs loadPgParser() first.
 */
import { parsePg } from '../warehouse/pg-parser.ts';

function parsesAsAlias(alias: string): boolean {
  try {
    parsePg(`SELECT ${alias}.x FROM t AS ${alias}`);
    return true;
  } catch {
    return false;
  }
}

export function draftAliases(tableNames: string[]): string[] {
  const taken = new Set<string>();
  return tableNames.map((name) => {
    const words = name.split('_').filter(Boolean);
    const initials = words.length > 1 ? words.map((w) => w[0]).join('') : name.slice(0, 2);
    const base = /^[a-z_]/.test(initials) ? initials : `t${initials}`;
    let alias = base;
    for (let n = 2; taken.has(alias) || !parsesAsAlias(alias); n++) alias = `${base}${n}`;
    taken.add(alias);
    return alias;
  });
}
