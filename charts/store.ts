/**
 * Where chart images and CSV exports live until a chat client fetches them: the bot's own disk,
 * served at /charts/<id>.png and /exports/<id>.csv with an unguessable id and an expiry, or an S3
 * bucket with presigned URLs when S3_BUCKET is set. The disk store can also keep a chart's spec
 * instead of its image and draw it when the URL is first fetched (`putLater`): the full-size image
 * behind a card's link is opened by few, and drawing it for every answer doubled the largest cost
 * of an answer under load (issue 17).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import express from 'express';

export type AssetKind = 'chart' | 'export';

export interface AssetStore {
  /** Stores the bytes and returns a URL a chat client can fetch. */
  put(kind: AssetKind, body: Buffer | string): Promise<string>;
  /**
   * A chart's URL now, its image drawn from `spec` when the URL is first fetched; only stores that
   * serve their own URLs can (S3 serves presigned URLs without us, so it has no such method).
   */
  putLater?(spec: object): Promise<string>;
}

/** Draws a chart spec as PNG bytes (charts/render.ts through the chart cache). */
export type Draw = (spec: object) => Promise<Buffer>;

const KINDS = {
  chart: { folder: 'charts', extension: 'png', contentType: 'image/png' },
  export: { folder: 'exports', extension: 'csv', contentType: 'text/csv; charset=utf-8' },
} as const;

/** 128 random bits: the URL is the only key. */
export function newAssetId(): string {
  return randomBytes(16).toString('base64url');
}

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * Bytes of the assets most recently stored or served, kept in memory (least recently used go
 * first): under load each answer's image is fetched at once, and reading it back cost a stat, an
 * open, a read and a close each time. An asset never changes once written (its id is new), so
 * the kept bytes are the file's; each keeps the time it was written, so it expires exactly when the
 * file would. One larger than a quarter of the budget is never kept.
 */
export const KEPT_ASSET_BYTES = 16 * 1024 * 1024;

/** A chart waiting to be drawn: its spec, beside where its PNG will be. */
const SPEC_EXTENSION = 'spec.json';

export class DiskAssetStore implements AssetStore {
  private readonly made = new Set<string>();
  private readonly kept = new Map<string, { body: Buffer; mtimeMs: number }>();
  private keptBytes = 0;
  /** Draws in progress by file, so a burst of first fetches draws a chart once. */
  private readonly drawing = new Map<string, Promise<Buffer>>();
  readonly putLater?: (spec: object) => Promise<string>;

  constructor(
    private readonly dir: string,
    private readonly publicUrl: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
    private readonly draw?: Draw,
  ) {
    if (draw) this.putLater = (spec) => this.later(spec, draw);
  }

  async put(kind: AssetKind, body: Buffer | string): Promise<string> {
    return this.write(kind, newAssetId(), KINDS[kind].extension, body);
  }

  private async later(spec: object, draw: Draw): Promise<string> {
    // A file:// URL has no server behind it to draw on fetch (a CLI run with no `tally start`).
    if (this.publicUrl.startsWith('file:')) return this.put('chart', await draw(spec));
    const id = newAssetId();
    await this.write('chart', id, SPEC_EXTENSION, JSON.stringify(spec));
    return this.url('chart', id);
  }

  private url(kind: AssetKind, id: string): string {
    const { folder, extension } = KINDS[kind];
    return `${this.publicUrl.replace(/\/$/, '')}/${folder}/${id}.${extension}`;
  }

  private async write(
    kind: AssetKind,
    id: string,
    extension: string,
    body: Buffer | string,
  ): Promise<string> {
    const { folder } = KINDS[kind];
    const file = path.join(this.dir, folder, `${id}.${extension}`);
    // The folder is made once, not on every answer (two file-system calls each under load); one
    // removed since (a cleaned disk) is made again.
    if (!this.made.has(folder)) {
      await mkdir(path.join(this.dir, folder), { recursive: true });
      this.made.add(folder);
    }
    await writeFile(file, body).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await mkdir(path.join(this.dir, folder), { recursive: true });
      await writeFile(file, body);
    });
    if (extension === KINDS[kind].extension)
      this.keep(file, typeof body === 'string' ? Buffer.from(body) : body, this.now());
    return this.url(kind, id);
  }

  private keep(file: string, body: Buffer, mtimeMs: number): void {
    if (body.length > KEPT_ASSET_BYTES / 4) return;
    this.forget(file);
    this.kept.set(file, { body, mtimeMs });
    this.keptBytes += body.length;
    while (this.keptBytes > KEPT_ASSET_BYTES) this.forget(this.kept.keys().next().value as string);
  }

  private forget(file: string): void {
    const known = this.kept.get(file);
    if (!known) return;
    this.kept.delete(file);
    this.keptBytes -= known.body.length;
  }

  /** Bytes kept in memory (tests of the bound). */
  keptAssetBytes(): number {
    return this.keptBytes;
  }

  /** Serves stored assets; unknown, malformed or expired ids are 404. A kept spec is drawn first. */
  router(): express.Router {
    const router = express.Router();
    for (const kind of Object.keys(KINDS) as AssetKind[]) {
      const { folder, extension, contentType } = KINDS[kind];
      router.get(`/${folder}/:file`, async (req, res) => {
        const [id, ext] = req.params.file.split('.');
        if (!id || ext !== extension || !ID_PATTERN.test(id)) return void res.status(404).end();
        const body = await this.read(folder, id, extension).catch(() => undefined);
        if (!body) return void res.status(404).end();
        res.set('Content-Type', contentType).set('Cache-Control', 'private, max-age=3600').send(body);
      });
    }
    return router;
  }

  /** The stored bytes, or the chart drawn from its kept spec (then stored, so it is drawn once). */
  private async read(folder: string, id: string, extension: string): Promise<Buffer | undefined> {
    const file = path.join(this.dir, folder, `${id}.${extension}`);
    const known = this.kept.get(file);
    if (known) {
      this.kept.delete(file);
      if (this.expired(known.mtimeMs)) {
        this.keptBytes -= known.body.length;
        return undefined;
      }
      this.kept.set(file, known);
      return known.body;
    }
    const info = await stat(file).catch(() => undefined);
    if (info) {
      if (this.expired(info.mtimeMs)) return undefined;
      const body = await readFile(file);
      this.keep(file, body, info.mtimeMs);
      return body;
    }
    const specFile = path.join(this.dir, folder, `${id}.${SPEC_EXTENSION}`);
    const kept = this.draw && (await stat(specFile).catch(() => undefined));
    if (!this.draw || !kept || this.expired(kept.mtimeMs)) return undefined;
    const draw = this.draw;
    let drawn = this.drawing.get(file);
    if (!drawn) {
      drawn = readFile(specFile, 'utf8').then(async (spec) => {
        const png = await draw(JSON.parse(spec) as object);
        // Written aside and renamed, so a fetch at the same moment never reads half a PNG; it keeps
        // the spec's age, so it expires when the link was promised to.
        const aside = `${file}.${newAssetId()}`;
        await writeFile(aside, png);
        await utimes(aside, kept.atime, kept.mtime);
        await rename(aside, file);
        await rm(specFile, { force: true });
        this.keep(file, png, kept.mtimeMs);
        return png;
      });
      this.drawing.set(file, drawn);
      void drawn.finally(() => this.drawing.delete(file)).catch(() => undefined);
    }
    return drawn;
  }

  /** Deletes expired assets; the server calls it now and then. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (const { folder } of Object.values(KINDS)) {
      const dir = path.join(this.dir, folder);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const info = await stat(path.join(dir, name)).catch(() => undefined);
        if (info && this.expired(info.mtimeMs)) {
          await rm(path.join(dir, name), { force: true });
          this.forget(path.join(dir, name));
          removed++;
        }
      }
    }
    return removed;
  }

  private expired(mtimeMs: number): boolean {
    return this.now() - mtimeMs > this.ttlSeconds * 1000;
  }
}

export interface S3Options {
  bucket: string;
  region: string;
  endpoint?: string;
  /** Path-style URLs, which local S3-protocol servers need. */
  forcePathStyle?: boolean;
  ttlSeconds: number;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class S3AssetStore implements AssetStore {
  private client?: S3Client;

  constructor(private readonly options: S3Options) {}

  async put(kind: AssetKind, body: Buffer | string): Promise<string> {
    // The SDK loads on first use: a CLI command that stores nothing never pays for it.
    const { GetObjectCommand, PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    this.client ??= new S3Client({
      region: this.options.region,
      endpoint: this.options.endpoint,
      forcePathStyle: this.options.forcePathStyle ?? !!this.options.endpoint,
      credentials: this.options.credentials,
    });
    const { folder, extension, contentType } = KINDS[kind];
    const key = `${folder}/${newAssetId()}.${extension}`;
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType }),
    );
    // Presigned GET: the object stays private; the URL expires (SigV4 allows at most 7 days).
    const expiresIn = Math.min(this.options.ttlSeconds, 7 * 24 * 3600);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.options.bucket, Key: key }), {
      expiresIn,
    });
  }
}
