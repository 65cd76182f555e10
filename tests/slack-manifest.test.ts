/** The Slack app manifest validates against Slack's own manifest schema and points at /slack/events. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCHEMAS_DIR } from './schemas.ts';

describe('Slack app manifest', () => {
  it('is valid and subscribes to what the bot handles', () => {
    const manifest = parse(
      readFileSync(path.resolve(import.meta.dirname, '..', 'manifest', 'slack-app.yaml'), 'utf8'),
    );
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, 'slack-app-manifest.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(manifest), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_mention', 'message.im']);
    expect(manifest.features.slash_commands[0]).toMatchObject({
      command: '/tally',
      url: expect.stringMatching(/\/slack\/events$/),
    });
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
  });
});
