/**
 * The catalog in effect on this replica: the YAML plus the active overlays, rebuilt (catalog and
 * lexicon) whenever any replica records or ends an overlay — it NOTIFYs, every replica LISTENs.
 *   start: retire overlays the YAML now holds → apply the rest → listen.
 *   teach: lint the catalog with the change → record it (before/after) → rebuild here at once.
 */

import { parseDocument } from 'yaml';
import type { AppDb } from '../app-db/app-db.ts';
import { listenForOverlays, type OverlayRecord, OverlayStore } from '../app-db/overlays.ts';
import {
  applyChange,
  effectiveCatalog,
  type Overlay,
  type OverlayChange,
  touched,
  yamlContains,
} from '../catalog-admin/overlays.ts';
import { CatalogError } from '../semantic-catalog/loader.ts';
import type { Catalog } from '../semantic-catalog/schema.ts';
import { buildLexicon, type DimensionValues, type Lexicon } from '../semantic-catalog/understand/lexicon.ts';
import type { Logger } from './logger.ts';

export interface Who {
  userId?: string;
  userName?: string;
  channel?: string;
}

export type TeachResult = { ok: true; record: OverlayRecord } | { ok: false; reason: string };

export interface LiveCatalog {
  store: OverlayStore;
  /** Lints the catalog with the change (plus `check`), records it and applies it on this replica. */
  teach(
    change: OverlayChange,
    who: Who,
    check?: (catalog: Catalog) => string | undefined,
  ): Promise<TeachResult>;
  /** Ends active overlays (reverted by `who`) and applies the result here. */
  revert(ids: string[], who: Who): Promise<OverlayRecord[]>;
  /** Re-reads the active overlays and rebuilds the catalog and lexicon. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export interface LiveCatalogOptions {
  file: string;
  baseText: string;
  learned: DimensionValues;
  appDb: AppDb;
  log: Logger;
  apply(catalog: Catalog, lexicon: Lexicon): void;
}

/** Every lint problem in one line each, as `tally catalog lint` words them (without the file). */
export function lintReason(error: unknown): string {
  if (!(error instanceof CatalogError)) throw error;
  return error.problems.map((p) => `${p.path || '(top)'}: ${p.message}`).join('; ');
}

export async function openLiveCatalog(options: LiveCatalogOptions): Promise<LiveCatalog> {
  const { file, baseText, learned, appDb, log } = options;
  const store = new OverlayStore(appDb.pool);
  const stale = (await store.active()).filter((o) => yamlContains(baseText, o.change));
  for (const o of await store.end(
    stale.map((o) => o.id),
    'retired',
    'the catalog YAML',
  ))
    log.info({ overlay: o.id, change: o.change }, 'catalog overlay retired: the YAML now holds it');

  let current: Overlay[] = [];
  const rebuild = (overlays: Overlay[]) => {
    const { catalog, applied } = bestEffort(baseText, overlays, file, log);
    current = applied;
    options.apply(catalog, buildLexicon(catalog, learned));
  };
  let chain = Promise.resolve();
  const reload = () => {
    chain = chain
      .then(async () => rebuild(await store.active()))
      .catch((error: Error) => log.error({ err: error.message }, 'cannot reload catalog overlays'));
    return chain;
  };
  await reload();
  const listener = await listenForOverlays(appDb.connectionString, () => void reload(), log);

  return {
    store,
    reload,
    teach: async (change, who, check) => {
      let before: Catalog;
      let after: Catalog;
      try {
        before = effectiveCatalog(baseText, current, file);
        const doc = parseDocument(baseText);
        for (const o of current) applyChange(doc, o.change);
        if (!applyChange(doc, change)) return { ok: false, reason: 'it changes nothing in the catalog' };
        after = effectiveCatalog(baseText, [...current, { id: 'new', change }], file);
      } catch (error) {
        return { ok: false, reason: lintReason(error) };
      }
      const refused = check?.(after);
      if (refused) return { ok: false, reason: refused };
      const record = await store.add({
        change,
        ...who,
        before: touched(before, change),
        after: touched(after, change),
      });
      await reload();
      return { ok: true, record };
    },
    revert: async (ids, who) => {
      const ended = await store.end(ids, 'reverted', who.userName ?? who.userId);
      await reload();
      return ended;
    },
    close: () => listener.close(),
  };
}

/** All overlays if the catalog they make passes the lint; else those that still apply, each logged. */
function bestEffort(
  baseText: string,
  overlays: Overlay[],
  file: string,
  log: Logger,
): { catalog: Catalog; applied: Overlay[] } {
  try {
    return { catalog: effectiveCatalog(baseText, overlays, file), applied: overlays };
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
  }
  const applied: Overlay[] = [];
  let catalog = effectiveCatalog(baseText, [], file);
  for (const overlay of overlays) {
    try {
      catalog = effectiveCatalog(baseText, [...applied, overlay], file);
      applied.push(overlay);
    } catch (error) {
      log.warn(
        { overlay: overlay.id, reason: lintReason(error) },
        'catalog overlay no longer fits the YAML: skipped',
      );
    }
  }
  return { catalog, applied };
}
