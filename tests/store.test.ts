/**
 * Chart images and exports: served from the bot's disk with unguessable ids and an expiry, or put in
 * S3 and fetched through presigned URLs — against a real S3-protocol server (s3rver) that checks
 * signatures, not a stubbed client.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from '@20minutes/s3rver';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskAssetStore, S3AssetStore } from '../charts/store.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('disk store', () => {
  let server: Server;
  let base: string;
  let clock = Date.now();
  let store: DiskAssetStore;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tally-disk-store-'));
    const app = express();
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    store = new DiskAssetStore(dir, base, 60, () => clock);
    app.use(store.router());
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a stored chart and CSV at unguessable URLs', async () => {
    const url = await store.put('chart', PNG);
    expect(url).toMatch(new RegExp(`^${base}/charts/[A-Za-z0-9_-]{22}\\.png$`));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
    const csv = await fetch(await store.put('export', 'a,b\r\n1,2'));
    expect(await csv.text()).toBe('a,b\r\n1,2');
  });

  it('answers 404 for unknown, malformed and expired ids, and sweeps expired files', async () => {
    expect((await fetch(`${base}/charts/${'A'.repeat(22)}.png`)).status).toBe(404);
    expect((await fetch(`${base}/charts/..%2F..%2Fetc%2Fpasswd.png`)).status).toBe(404);
    const url = await store.put('chart', PNG);
    clock += 61_000;
    expect((await fetch(url)).status).toBe(404);
    expect(await store.sweep()).toBeGreaterThanOrEqual(1);
  });
});

describe('S3 store (s3rver, S3 protocol)', () => {
  let s3: S3rver;
  let endpoint: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tally-s3-'));
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'tally-charts' }],
    });
    const { port } = (await s3.run()) as { port: number };
    endpoint = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  const store = () =>
    new S3AssetStore({
      bucket: 'tally-charts',
      region: 'us-east-1',
      endpoint,
      ttlSeconds: 3600,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });

  it('puts the chart and returns a presigned URL that downloads it', async () => {
    const url = await store().put('chart', PNG);
    expect(url).toMatch(/X-Amz-Signature=/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
  });

  it('refuses a tampered signature', async () => {
    const url = new URL(await store().put('export', 'a,b'));
    const signature = url.searchParams.get('X-Amz-Signature') as string;
    url.searchParams.set(
      'X-Amz-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    expect((await fetch(url)).status).toBe(403);
  });
});
