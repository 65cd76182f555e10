/**
 * `tally catalog export | overlays | overlays revert ID`: the chat edits in the app database, as
 * a list, undone one at a time, or merged into the YAML for review in Git.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { AppDb } from '../app-db/app-db.ts';
import { OverlayStore } from '../app-db/overlays.ts';
import { configFor } from '../bot/cli-support.ts';
import { createLogger } from '../bot/logger.ts';
import { DEFAULT_CATALOG } from '../bot/paths.ts';
import { resolveCatalogFile } from '../semantic-catalog/loader.ts';
import { loadPgParser } from '../warehouse/pg-parser.ts';
import { describeChange, effectiveCatalog, mergedYaml } from './overlays.ts';

class OverlayCommandError extends Error {
  readonly code = 'tally_catalog_overlays';
}

async function withOverlays<T>(work: (store: OverlayStore) => Promise<T>): Promise<T> {
  const config = configFor();
  const { openWarehouse } = await import('../bot/runtime.ts');
  const warehouse = await openWarehouse(config, createLogger(config));
  const appDb = new AppDb(warehouse.appUrl);
  try {
    await appDb.migrate();
    return await work(new OverlayStore(appDb.pool));
  } finally {
    await appDb.close();
    await warehouse.embedded?.stop();
  }
}

export async function exportCommand(path: string | undefined, options: { out?: string }): Promise<void> {
  const file = await resolveCatalogFile(path ?? configFor().TALLY_CATALOG ?? DEFAULT_CATALOG);
  const base = await readFile(file, 'utf8');
  const overlays = await withOverlays((store) => store.active());
  const merged = mergedYaml(base, overlays);
  await loadPgParser();
  // The same lint as `tally catalog lint`: an export that would not load is never written.
  effectiveCatalog(base, overlays, options.out ?? file);
  if (options.out) await writeFile(options.out, merged);
  else process.stdout.write(merged);
  process.stderr.write(
    `Exported ${file} with ${overlays.length} chat edit(s) merged${options.out ? ` → ${options.out}` : ''}.\n`,
  );
}

export async function overlaysCommand(options: { all?: boolean; json?: boolean }): Promise<void> {
  const rows = await withOverlays((store) => (options.all ? store.all() : store.active()));
  if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  if (rows.length === 0) return void process.stdout.write('No chat edits in effect.\n');
  for (const o of rows)
    process.stdout.write(
      `#${o.id}  ${o.at}  ${o.userName ?? o.userId ?? '?'}  ${describeChange(o.change)}${o.state === 'active' ? '' : `  [${o.state}${o.endedBy ? ` by ${o.endedBy}` : ''} ${o.endedAt}]`}\n`,
    );
}

export async function revertCommand(id: string): Promise<void> {
  if (!/^\d+$/.test(id))
    throw new OverlayCommandError(`${id}: an overlay id is a number (see tally catalog overlays)`);
  const ended = await withOverlays((store) => store.end([id], 'reverted', 'tally catalog overlays revert'));
  if (ended.length === 0) throw new OverlayCommandError(`#${id} is not an active chat edit`);
  process.stdout.write(`Reverted #${id}: ${describeChange((ended[0] as (typeof ended)[number]).change)}\n`);
}
