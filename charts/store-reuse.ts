/**
 * The same bytes stored again get the URL they got before (issue 17): a team asking the same
 * question all morning gets the same chart and the same CSV, and writing them again under a new
 * name was a third of the server's file work under load. Keyed by a hash of kind and bytes, most
 * recent first, bounded by count; a URL is reused only while it has more than half its life left,
 * so a reply never links an asset about to expire. Ids stay random (never the hash): a URL says
 * nothing about what it holds, and only those who were sent it can fetch it — each of whom was
 * shown the same content.
 */
import { createHash } from 'node:crypto';
import type { AssetKind, AssetStore } from './store.ts';

export const REUSED_ENTRIES = 1000;

export function reusingStore(
  store: AssetStore,
  ttlSeconds: number,
  now: () => number = Date.now,
  entries = REUSED_ENTRIES,
): AssetStore {
  const urls = new Map<string, { url: Promise<string>; at: number }>();
  const reused = (kind: string, body: Buffer | string, write: () => Promise<string>): Promise<string> => {
    const key = createHash('sha256').update(kind).update('\0').update(body).digest('base64url');
    const found = urls.get(key);
    urls.delete(key);
    if (found && now() - found.at < (ttlSeconds * 1000) / 2) {
      urls.set(key, found);
      return found.url;
    }
    const url = write();
    urls.set(key, { url, at: now() });
    // A failed put is forgotten, so the next one tries again.
    url.catch(() => urls.delete(key));
    while (urls.size > entries) urls.delete(urls.keys().next().value as string);
    return url;
  };
  const put = (kind: AssetKind, body: Buffer | string) => reused(kind, body, () => store.put(kind, body));
  const later = store.putLater?.bind(store);
  if (!later) return { put };
  // A chart drawn on first fetch is the same chart for the same spec (its data, title and size).
  return { put, putLater: (spec) => reused('later', JSON.stringify(spec), () => later(spec)) };
}
