/**
 * An alert checked for yesterday: the demo's duplicate vendor payment is posted to the finance
 * channel (through the real Slack door, to a local Slack Web API server) once, with the sentence,
 * the chart and the driver; a rerun sends nothing; a quiet day posts nothing.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAlerts } from '../alerts/definitions.ts';
import { runAlert } from '../alerts/run.ts';
import { createProactive } from '../bot/proactive.ts';
import { DEFAULT_CATALOG, type Runtime } from '../bot/runtime.ts';
import { createSlackBot } from '../bot/slack/slack-bot.ts';
import { renderPng } from '../charts/render.ts';
import { DiskAssetStore } from '../charts/store.ts';
import { testRuntime } from './helpers.ts';
import { SlackApiStub } from './slack-api.ts';

let api: SlackApiStub;
let runtime: Runtime;

beforeAll(async () => {
  api = await new SlackApiStub().start();
  runtime = await testRuntime({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: api.url,
  });
});
afterAll(async () => {
  await api?.stop();
  await runtime?.close();
});

describe('running an alert for yesterday', () => {
  it('posts the duplicate vendor payment once, with its driver, and stays quiet on a normal day', async () => {
    const [opex] = (await loadAlerts(DEFAULT_CATALOG, runtime.catalog)).filter(
      (a) => a.name === 'daily-opex',
    );
    if (!opex) throw new Error('daily-opex is not defined');
    const alert = { ...opex, audience: { channel: 'slack' as const, target: 'CFINANCE' } };
    const proactive = createProactive({ slack: createSlackBot(runtime) });
    const deps = {
      access: { catalog: runtime.catalog, executor: runtime.executor, maxRows: 100_000 },
      appDb: runtime.appDb,
      store: new DiskAssetStore(
        await mkdtemp(path.join(tmpdir(), 'tally-alert-assets-')),
        'http://localhost:3978',
        3600,
      ),
      render: renderPng,
      post: async (_: unknown, reply: Parameters<typeof proactive.post>[1]) =>
        proactive.post({ channel: 'slack', channelId: alert.audience.target }, reply),
    };

    const first = await runAlert(deps, alert, '2026-05-13');
    expect(first.status).toBe('posted');
    expect(first.reply?.summary).toMatch(/^Opex on 12 May 2026 was \$\d+(\.\d+)?K, \d\.\d× the expected/);
    expect(first.reply?.context.join(' ')).toMatch(/Likely drivers — department = Operations/);
    const post = await api.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'CFINANCE');
    expect(JSON.stringify(post.args.blocks)).toContain('"type":"image"');

    expect((await runAlert(deps, alert, '2026-05-13')).status).toBe('already-sent');
    expect(
      api.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'CFINANCE'),
    ).toHaveLength(1);
    expect((await runAlert(deps, alert, '2026-05-21')).status).toBe('quiet');
  });
});
