/** Where Tally finds its own files; a module of its own so commands that only read the catalog import nothing else. */
import path from 'node:path';

// One level below the repository both in the sources (bot/) and in the build (dist/).
export const DEFAULT_CATALOG = path.resolve(import.meta.dirname, '..', 'catalog', 'demo');
export const DEFAULT_HOME = path.resolve(import.meta.dirname, '..', '.tally');
