/**
 * Nothing about a particular warehouse lives in code: no table, sample value or verified question
 * of any catalog (the demo's or the eight foreign ones under tests/fixtures) appears in the code
 * that reads questions, compiles, gates or answers them. Comments may use them as examples.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../semantic-catalog/loader.ts';

const root = path.resolve(import.meta.dirname, '..');
/** The code between a question and its answer (the CLI's help examples are not in it). */
const CODE_DIRS = [
  'semantic-catalog',
  'skills',
  'warehouse',
  'adaptive-cards',
  'charts',
  'alerts',
  'digests',
];
/** Values that are plain English (weekdays, months, a font weight) rather than a warehouse's own names. */
const ENGLISH =
  /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|august|september|october|november|december|normal)$/i;
/** The demo warehouse's generator is the one place its names belong. */
const EXEMPT = [path.join('warehouse', 'demo')];

function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (EXEMPT.some((e) => file.includes(e))) return [];
    if (statSync(file).isDirectory()) return codeFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function catalogPaths(): string[] {
  const fixtures = path.join(root, 'tests', 'fixtures');
  return [
    path.join(root, 'catalog', 'demo'),
    // Only the catalogs: tests/fixtures/model-eval holds a golden file and recorded model replies.
    ...readdirSync(fixtures)
      .map((d) => path.join(fixtures, d, 'catalog.yaml'))
      .filter((file) => existsSync(file)),
  ];
}

describe('no warehouse is special-cased in code', () => {
  it('names no table, sample value or verified question of any catalog', async () => {
    const code = CODE_DIRS.flatMap((d) => codeFiles(path.join(root, d))).map((file) => ({
      file: path.relative(root, file),
      text: withoutComments(readFileSync(file, 'utf8')).toLowerCase(),
    }));
    const found: string[] = [];
    for (const file of catalogPaths()) {
      const catalog = await loadCatalog(file);
      const names = [
        ...catalog.tables.map((t) => t.name),
        ...catalog.tables.flatMap((t) => t.columns.flatMap((c) => c.sample_values.map(String))),
        ...catalog.dimensions.flatMap((d) => [...d.sample_values, ...Object.keys(d.value_synonyms)]),
        ...catalog.verified_questions.map((q) => q.question),
      ].filter((n) => n.length >= 5 && /[a-z]/i.test(n) && !ENGLISH.test(n));
      for (const name of new Set(names)) {
        const pattern = new RegExp(
          `['"\`]${name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"\`]`,
        );
        for (const { file: codeFile, text } of code)
          if (pattern.test(text)) found.push(`${name} (${path.basename(file)}) in ${codeFile}`);
      }
    }
    expect(catalogPaths().length).toBeGreaterThanOrEqual(10);
    expect(found).toEqual([]);
  });
});
