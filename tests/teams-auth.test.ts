/**
 * Issue 17, doors: with a Teams app id, a JWT-shaped forged token (alg=none, HS256, RS256 signed
 * with another key, expired) got 500 and a body naming the internal key-fetch URL and its error.
 * Every token that can't be verified — key endpoint reachable or not — is now a bare 401 with
 * the reason in the log. The key endpoint is a local OpenID server (Bot Framework's is a cloud
 * endpoint the tests can't reach) serving a real RSA key, and a token it signed properly is let in,
 * so the refusals below are the signature checks at work, not a door that refuses everything.
 */
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../bot/runtime.ts';
import { createServer, listen } from '../bot/server.ts';
import { createTeamsBot } from '../bot/teams/teams-bot.ts';
import { freePort } from '../warehouse/free-port.ts';
import { BotConnectorStub } from './bot-connector.ts';
import { type CapturedLog, captureLog } from './captured-log.ts';
import { testRuntime } from './helpers.ts';

const APP_ID = '00000000-0000-0000-0000-0000000000a1';
const ISSUER = 'https://api.botframework.com';
const b64 = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

function jwt(header: object, claims: object, signer: (data: string) => Buffer): string {
  const data = `${b64(header)}.${b64(claims)}`;
  return `${data}.${b64(signer(data))}`;
}
const rs256 = (key: KeyObject) => (data: string) => sign('sha256', Buffer.from(data), key);

const real = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Bot Framework's OpenID metadata and signing keys, as login.botframework.com serves them. */
async function startOpenIdServer(): Promise<{ url: string; close(): void }> {
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const jwk = real.publicKey.export({ format: 'jwk' });
  app.get('/openid', (_req, res) => res.json({ issuer: ISSUER, jwks_uri: `${base}/keys` }));
  app.get('/keys', (_req, res) =>
    res.json({
      keys: [{ kty: 'RSA', use: 'sig', kid: 'key-1', n: jwk.n, e: jwk.e, endorsements: ['msteams'] }],
    }),
  );
  return { url: `${base}/openid`, close: () => server.close() };
}

/** The public cloud's settings with the two key endpoints moved. */
function authSettings(metadataUrl: string) {
  return {
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: ISSUER,
    ToBotFromChannelTokenIssuer: ISSUER,
    OAuthUrl: ISSUER,
    ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: metadataUrl,
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: true,
  };
}

let connector: BotConnectorStub;
let openId: { url: string; close(): void };
let runtime: Runtime;
let captured: CapturedLog;
const servers: Server[] = [];

beforeAll(async () => {
  connector = await new BotConnectorStub().start();
  openId = await startOpenIdServer();
  runtime = await testRuntime({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret' });
  captured = captureLog();
  runtime.log = captured.log;
});
afterAll(async () => {
  for (const server of servers) server.close();
  openId?.close();
  await connector?.stop();
  await runtime?.close();
});

async function door(settings?: Record<string, string | boolean>): Promise<string> {
  const port = await freePort();
  const server = await listen(
    createServer(runtime, { teams: createTeamsBot(runtime, { authSettings: settings }) }),
    port,
  );
  servers.push(server);
  return `http://127.0.0.1:${port}`;
}

let n = 0;
function installation(conversationId: string) {
  return {
    type: 'installationUpdate',
    action: 'add',
    id: `i${++n}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:user' },
    recipient: { id: '28:tally' },
    conversation: { id: conversationId, conversationType: 'personal' },
  };
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: object = {}) => ({
  iss: ISSUER,
  aud: APP_ID,
  serviceurl: connector.url,
  nbf: now() - 60,
  iat: now() - 60,
  exp: now() + 3600,
  ...extra,
});
const FORGED = [
  'alg=none',
  'HS256 keyed with the public key',
  'RS256 signed with another key',
  'RS256 with an unknown key id',
  'expired',
  'for another bot',
] as const;
const forged = (): Record<(typeof FORGED)[number], string> => ({
  'alg=none': jwt({ alg: 'none', typ: 'JWT', kid: 'key-1' }, claims(), () => Buffer.alloc(0)),
  'HS256 keyed with the public key': jwt({ alg: 'HS256', typ: 'JWT', kid: 'key-1' }, claims(), (data) =>
    createHmac('sha256', real.publicKey.export({ format: 'pem', type: 'spki' }))
      .update(data)
      .digest(),
  ),
  'RS256 signed with another key': jwt(
    { alg: 'RS256', typ: 'JWT', kid: 'key-1' },
    claims(),
    rs256(other.privateKey),
  ),
  'RS256 with an unknown key id': jwt(
    { alg: 'RS256', typ: 'JWT', kid: 'nope' },
    claims(),
    rs256(other.privateKey),
  ),
  expired: jwt(
    { alg: 'RS256', typ: 'JWT', kid: 'key-1' },
    claims({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }),
    rs256(real.privateKey),
  ),
  'for another bot': jwt(
    { alg: 'RS256', typ: 'JWT', kid: 'key-1' },
    claims({ aud: 'someone-else' }),
    rs256(real.privateKey),
  ),
});

async function post(base: string, activity: object, token?: string) {
  return fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(activity),
  });
}

async function expectBare401(response: Response) {
  expect(response.status).toBe(401);
  expect(await response.text()).toBe('');
}

describe('Teams with an app id, key endpoint reachable', () => {
  it('lets a token signed by the channel’s key in (the control)', async () => {
    const base = await door(authSettings(openId.url));
    const token = jwt({ alg: 'RS256', typ: 'JWT', kid: 'key-1' }, claims(), rs256(real.privateKey));
    const response = await post(base, installation('a:auth-valid'), token);
    expect(response.status).toBe(200);
    expect(await runtime.appDb.loadReference('teams:a:auth-valid')).toMatchObject({ channel: 'teams' });
  });

  it.each(FORGED)('refuses a token %s with a bare 401 and logs why', async (kind) => {
    const base = await door(authSettings(openId.url));
    const conversation = `a:auth-${kind.replace(/\W+/g, '-')}`;
    const before = captured.find(/token not verified/).length;
    await expectBare401(await post(base, installation(conversation), forged()[kind]));
    expect(await runtime.appDb.loadReference(`teams:${conversation}`)).toBeUndefined();
    const logged = captured.find(/token not verified/);
    expect(logged.length).toBe(before + 1);
    expect(String(logged.at(-1)?.reason)).not.toBe('');
  });
});

describe('Teams with an app id, key endpoint unreachable', () => {
  it('refuses every token with a bare 401 — never 500, never the key URL or its error', async () => {
    const closed = await freePort();
    const base = await door(authSettings(`http://127.0.0.1:${closed}/openid`));
    const properlySigned = jwt({ alg: 'RS256', typ: 'JWT', kid: 'key-1' }, claims(), rs256(real.privateKey));
    for (const token of [...Object.values(forged()), properlySigned]) {
      await expectBare401(await post(base, installation('a:auth-unreachable'), token));
    }
    expect(await runtime.appDb.loadReference('teams:a:auth-unreachable')).toBeUndefined();
    expect(captured.find(/token not verified/).some((l) => /ECONNREFUSED/.test(String(l.reason)))).toBe(true);
  });

  it('refuses with a bare 401 on the default (public cloud) settings too', async () => {
    const base = await door();
    for (const token of Object.values(forged())) {
      await expectBare401(await post(base, installation('a:auth-default'), token));
    }
    await expectBare401(await post(base, installation('a:auth-default')));
    expect(connector.sent).toHaveLength(0);
  });
});
