/**
 * Where chart images and CSV exports live until a chat client fetches them: the bot's own disk,
 * served at /charts/<id>.png and /exports/<id>.csv with an unguessable id and an expiry, or an S3
 * bucket with presigned URLs when S3_BUCKET is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import express from 'express';

export type AssetKind = 'chart' | 'export';

export interface AssetStore {
  /** Stores the bytes and returns a URL a chat client can fetch. */
  put(kind: AssetKind, body: Buffer | string): Promise<string>;
}

const KINDS = {
  chart: { folder: 'charts', extension: 'png', contentType: 'image/png' },
  export: { folder: 'exports', extension: 'csv', contentType: 'text/csv; charset=utf-8' },
} as const;

/** 128 random bits: the URL is the only key. */
export function newAssetId(): string {
  return randomBytes(16).toString('base64url');
}

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export class DiskAssetStore implements AssetStore {
  private readonly made = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly publicUrl: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async put(kind: AssetKind, body: Buffer | string): Promise<string> {
    const { folder, extension } = KINDS[kind];
    const id = newAssetId();
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
    return `${this.publicUrl.replace(/\/$/, '')}/${folder}/${id}.${extension}`;
  }

  /** Serves stored assets; unknown, malformed or expired ids are 404. */
  router(): express.Router {
    const router = express.Router();
    for (const kind of Object.keys(KINDS) as AssetKind[]) {
      const { folder, extension, contentType } = KINDS[kind];
      router.get(`/${folder}/:file`, async (req, res) => {
        const [id, ext] = req.params.file.split('.');
        if (!id || ext !== extension || !ID_PATTERN.test(id)) return void res.status(404).end();
        const file = path.join(this.dir, folder, `${id}.${extension}`);
        const info = await stat(file).catch(() => undefined);
        if (!info || this.expired(info.mtimeMs)) return void res.status(404).end();
        res
          .set('Content-Type', contentType)
          .set('Cache-Control', 'private, max-age=3600')
          .send(await readFile(file));
      });
    }
    return router;
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
