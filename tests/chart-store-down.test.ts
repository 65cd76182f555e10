/**
 * Issue 17: with S3 unreachable the answer arrived without its chart and without "Download CSV",
 * and said nothing about it. It now says so. The chart store is a real S3-protocol server (s3rver);
 * "unreachable" is the same settings pointed at a port nobody listens on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from '@20minutes/s3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../warehouse/free-port.ts';
import type { SentActivity } from './bot-connector.ts';
import { startTeamsDoor, type TeamsDoor } from './teams-door.ts';

// The SDK's default credential chain reads these (s3rver's fixed pair); without them it would
// look for an instance role instead.
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';

let s3: S3rver;
let dir: string;
let endpoint: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tally-s3-down-'));
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
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

async function cardFor(door: TeamsDoor, conversationId: string, text: string) {
  await fetch(`${door.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m-${conversationId}`,
      channelId: 'msteams',
      serviceUrl: door.connector.url,
      text,
      from: { id: '29:user', name: 'Dana' },
      recipient: { id: '28:tally', name: 'Tally' },
      conversation: { id: conversationId, conversationType: 'personal' },
    }),
  });
  const sent = await door.connector.waitFor(
    (s: SentActivity) => s.conversationId === conversationId && !!s.activity.attachments,
  );
  return sent.activity.attachments?.[0]?.content as { body: { type: string; url?: string }[] };
}

describe('chart store', () => {
  it('reachable: the answer carries its chart and a CSV download (the control)', async () => {
    const door = await startTeamsDoor({ S3_BUCKET: 'tally-charts', S3_ENDPOINT: endpoint });
    try {
      const card = await cardFor(door, 'a:s3-up', 'revenue by region last quarter');
      const text = JSON.stringify(card);
      expect(
        card.body.some((e) => e.type === 'Image' && e.url?.startsWith(`${endpoint}/tally-charts/`)),
      ).toBe(true);
      expect(text).toContain('Download CSV');
      expect(text).not.toContain('unavailable right now');
    } finally {
      await door.close();
    }
  });

  it('unreachable: the answer still arrives and says the chart and CSV are unavailable', async () => {
    const closed = await freePort();
    const door = await startTeamsDoor({
      S3_BUCKET: 'tally-charts',
      S3_ENDPOINT: `http://127.0.0.1:${closed}`,
    });
    try {
      const card = await cardFor(door, 'a:s3-down', 'revenue by region last quarter');
      const text = JSON.stringify(card);
      for (const region of ['North America', 'EMEA', 'APAC', 'LATAM']) expect(text).toContain(region);
      expect(text).toContain('Chart and CSV download unavailable right now.');
      expect(card.body.some((e) => e.type === 'Image')).toBe(false);
      expect(text).not.toContain('Download CSV');
    } finally {
      await door.close();
    }
  });
});
