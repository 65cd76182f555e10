/**
 * Teams through its real protocol: Bot Framework activities (Teams' own captured payloads) posted to
 * /api/messages of the real server and adapter; the replies are captured by a local Bot Connector
 * stand-in and asserted on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAMS_CARD_LIMIT } from '../adaptive-cards/teams-card.ts';
import type { Runtime } from '../bot/runtime.ts';
import { createServer, listen } from '../bot/server.ts';
import { createTeamsBot, type TeamsBotOptions } from '../bot/teams/teams-bot.ts';
import { freePort } from '../warehouse/free-port.ts';
import type { BotConnectorStub, SentActivity } from './bot-connector.ts';
import { sampleReply, spawnTally, testRuntime } from './helpers.ts';
import { adaptiveCardValidator } from './schemas.ts';
import { startTeamsDoor, type TeamsDoor } from './teams-door.ts';

const PAYLOADS = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'payloads', 'teams');
const channelMessage = JSON.parse(
  readFileSync(
    path.join(PAYLOADS, 'captured-TeamsActivityTests', 'message_channel_thread_reply_with_mention.json'),
    'utf8',
  ),
);
const conversationUpdate = JSON.parse(
  readFileSync(path.join(PAYLOADS, 'teams.net', 'ConversationUpdateActivity.json'), 'utf8'),
);

let door: TeamsDoor;
let connector: BotConnectorStub;
let runtime: Runtime;
let base: string;
let sequence = 0;

beforeAll(async () => {
  door = await startTeamsDoor({});
  ({ connector, runtime, base } = door);
});
afterAll(async () => {
  await door?.close();
});

function message(text: string, conversation: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `m${++sequence}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    text,
    from: { id: '29:user', name: 'Dana', aadObjectId: 'aad-dana' },
    recipient: { id: '28:tally', name: 'Tally' },
    conversation,
    channelData: { tenant: { id: 'tenant' } },
    ...extra,
  };
}

async function post(activity: object, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
}

function cardOf(sent: SentActivity): Record<string, unknown> {
  const attachment = sent.activity.attachments?.[0];
  expect(attachment?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return attachment?.content as Record<string, unknown>;
}

const cardReplyIn = (conversationId: string) => (s: SentActivity) =>
  s.conversationId === conversationId && !!s.activity.attachments?.length;

describe('Teams messages', () => {
  it('answers in a personal chat with a schema-valid card whose chart downloads as PNG', async () => {
    const response = await post(
      message('revenue by region last quarter', { id: 'a:personal-1', conversationType: 'personal' }),
    );
    expect(response.status).toBeLessThan(300);
    const reply = await connector.waitFor(cardReplyIn('a:personal-1'));
    const card = cardOf(reply);
    const validate = adaptiveCardValidator();
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(reply.activity))).toBeLessThan(TEAMS_CARD_LIMIT);
    expect(JSON.stringify(card)).toMatch(/Revenue by region last quarter/);
    const image = (card.body as { type: string; url?: string }[]).find((e) => e.type === 'Image');
    expect(image?.url?.startsWith(`${base}/charts/`)).toBe(true);
    const png = await fetch(image?.url as string);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('answers in a group chat', async () => {
    await post(
      message('orders by channel last week', {
        id: '19:group-1@thread.v2',
        conversationType: 'groupChat',
        isGroup: true,
      }),
    );
    const card = cardOf(await connector.waitFor(cardReplyIn('19:group-1@thread.v2')));
    expect(JSON.stringify(card)).toMatch(/Orders by channel/);
  });

  it('answers a channel thread reply, with the @mention removed', async () => {
    const activity = {
      ...channelMessage,
      id: `m${++sequence}`,
      serviceUrl: connector.url,
      text: '<at>ridotest</at> headcount by department',
    };
    await post(activity);
    const card = cardOf(await connector.waitFor(cardReplyIn(channelMessage.conversation.id)));
    expect(JSON.stringify(card)).toMatch(/Headcount by department/);
    const audit = await runtime.appDb.pool.query(
      "SELECT question FROM audit_log WHERE channel = 'teams' ORDER BY id DESC LIMIT 1",
    );
    expect(audit.rows[0].question).toBe('headcount by department');
  });

  it('keeps the conversation for follow-ups', async () => {
    const conversation = { id: 'a:personal-followup', conversationType: 'personal' };
    await post(message('revenue by region last quarter', conversation));
    await connector.waitFor(cardReplyIn('a:personal-followup'));
    await post(message('only EMEA', conversation));
    await connector.waitFor(
      (s) => cardReplyIn('a:personal-followup')(s) && JSON.stringify(s.activity).includes('for EMEA'),
    );
  });
});

describe('Teams card actions', () => {
  it('routes a clarification choice to the original question', async () => {
    const conversation = { id: 'a:personal-choice', conversationType: 'personal' };
    await post(message('margin by category last year', conversation));
    const clarify = cardOf(await connector.waitFor(cardReplyIn('a:personal-choice')));
    const choice = JSON.stringify(clarify).match(
      /"data":(\{"verb":"choose","question":"Gross margin % by category last year"\})/,
    );
    expect(choice).not.toBeNull();
    await post(message('', conversation, { value: JSON.parse(choice?.[1] as string) }));
    await connector.waitFor(
      (s) =>
        cardReplyIn('a:personal-choice')(s) &&
        JSON.stringify(s.activity).includes('Gross margin % by category last year (2025)'),
    );
  });

  it('stores feedback with the question and the SQL', async () => {
    const conversation = { id: 'a:personal-feedback', conversationType: 'personal' };
    await post(message('top 5 products by revenue this year', conversation));
    await connector.waitFor(cardReplyIn('a:personal-feedback'));
    await post(
      message('', conversation, {
        value: { verb: 'feedback', value: 'down', question: 'top 5 products by revenue this year' },
      }),
    );
    await connector.waitFor(
      (s) =>
        s.conversationId === 'a:personal-feedback' && /Thanks for telling me/.test(s.activity.text ?? ''),
    );
    const rows = await runtime.appDb.pool.query(
      "SELECT rating, question, sql FROM feedback WHERE conversation_id = 'teams:a:personal-feedback'",
    );
    expect(rows.rows[0]).toMatchObject({
      rating: 'down',
      question: 'top 5 products by revenue this year',
      sql: expect.stringMatching(/SELECT/),
    });
  });

  it('answers unknown buttons and malformed requests without crashing', async () => {
    const conversation = { id: 'a:personal-bad', conversationType: 'personal' };
    await post(message('', conversation, { value: { verb: 'nonsense' } }));
    await connector.waitFor(
      (s) =>
        s.conversationId === 'a:personal-bad' && /did not understand that button/.test(s.activity.text ?? ''),
    );
    expect(
      (
        await fetch(`${base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{not json',
        })
      ).status,
    ).toBe(400);
    expect((await post({ hello: 'world' })).status).toBe(400);
  });
});

describe('Teams Action.Execute invokes', () => {
  const invoke = JSON.parse(
    readFileSync(
      path.join(
        PAYLOADS,
        'captured-TeamsActivityTests',
        'invoke_adaptiveCard_action_Action.Execute_personal.json',
      ),
      'utf8',
    ),
  );

  it('answers an ask invoke with the answer card in the invoke response', async () => {
    const activity = {
      ...invoke,
      serviceUrl: connector.url,
      value: {
        action: { type: 'Action.Execute', verb: 'ask', data: { question: 'revenue by region last quarter' } },
        trigger: 'manual',
      },
    };
    const response = await post(activity);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(adaptiveCardValidator()(body.value)).toBe(true);
    expect(JSON.stringify(body.value)).toContain('Revenue by region last quarter');
  });

  it('answers Teams’ captured invoke (an unknown action) politely', async () => {
    const response = await post({ ...invoke, serviceUrl: connector.url });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
    });
  });
});

/** A second Teams door on the same runtime with its own timings, asked one question in a personal chat. */
async function askThrough<T>(
  options: TeamsBotOptions,
  conversationId: string,
  question: string,
  then: () => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const server = await listen(createServer(runtime, { teams: createTeamsBot(runtime, options) }), port);
  try {
    await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message(question, { id: conversationId, conversationType: 'personal' })),
    });
    return await then();
  } finally {
    server.close();
  }
}

describe('Teams typing indicator', () => {
  const askOn = (typingAfterMs: number, conversationId: string) =>
    askThrough({ typingAfterMs }, conversationId, 'revenue by region this year', async () => {
      await connector.waitFor(cardReplyIn(conversationId));
      return connector.sent.filter((s) => s.conversationId === conversationId).map((s) => s.activity.type);
    });

  it('shows typing for an answer not ready at once, always before the reply', async () => {
    expect(await askOn(0, 'a:typing-slow')).toEqual(['typing', 'message']);
  });

  it('sends no typing indicator for an answer ready before the delay', async () => {
    expect(await askOn(60_000, 'a:typing-quick')).toEqual(['message']);
  });
});

describe('Teams slow answers', () => {
  it('posts "Working on it…" at once and updates it in place with the card', async () => {
    await askThrough({ placeholderAfterMs: 0 }, 'a:slow', 'revenue by segment this year', async () => {
      const placeholder = await connector.waitFor(
        (s) => s.conversationId === 'a:slow' && s.activity.text === 'Working on it…',
      );
      expect(placeholder.method).toBe('POST');
      const update = await connector.waitFor((s) => s.conversationId === 'a:slow' && s.method === 'PUT');
      expect(JSON.stringify(cardOf(update))).toContain('Revenue by segment this year');
    });
  });
});

describe('Teams help and installation', () => {
  it('answers "help" with what Tally can do and example questions', async () => {
    await post(message('help', { id: 'a:help', conversationType: 'personal' }));
    const card = JSON.stringify(cardOf(await connector.waitFor(cardReplyIn('a:help'))));
    expect(card).toContain('I answer questions about revenue');
    expect(card).toContain('"verb":"ask","question":"revenue by region last quarter"');
  });

  it('stores the conversation reference on installationUpdate', async () => {
    await post({
      type: 'installationUpdate',
      action: 'add',
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: '29:user' },
      recipient: { id: '28:tally' },
      conversation: { id: 'a:installed', conversationType: 'personal' },
    });
    expect(await runtime.appDb.loadReference('teams:a:installed')).toMatchObject({
      channel: 'teams',
      reference: { serviceUrl: connector.url },
    });
  });

  it('stores the conversation reference and says hello when added', async () => {
    const activity = {
      ...conversationUpdate,
      serviceUrl: connector.url,
      membersAdded: [{ id: conversationUpdate.recipient.id }],
      conversation: { id: 'team-conv-1', conversationType: 'channel' },
    };
    await post(activity);
    const hello = cardOf(await connector.waitFor(cardReplyIn('team-conv-1')));
    expect(JSON.stringify(hello)).toMatch(/I answer questions about/);
    expect(await runtime.appDb.loadReference('teams:team-conv-1')).toMatchObject({ channel: 'teams' });
  });

  it('posts proactively into a stored conversation', async () => {
    const bot = createTeamsBot(runtime);
    await bot.post('team-conv-1', sampleReply('Weekly digest: revenue up 4%.'));
    await connector.waitFor(
      (s) => cardReplyIn('team-conv-1')(s) && JSON.stringify(s.activity).includes('Weekly digest'),
    );
  });
});

describe('local mode (no app id)', () => {
  it.each([
    'http://10.1.2.3:9000/',
    'https://attacker.example.com/',
    'file:///etc/passwd',
    'http://localhost.attacker.example.com/',
    'not a url',
  ])('refuses an activity whose serviceUrl is %s, and posts nothing there', async (serviceUrl) => {
    const before = connector.sent.length;
    const response = await post(
      message('revenue by region', { id: 'a:forged', conversationType: 'personal' }, { serviceUrl }),
    );
    expect(response.status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connector.sent.length).toBe(before);
  });
});

describe('Teams authentication', () => {
  it('rejects an unsigned request with 401 when an app id is set, and answers nothing', async () => {
    const port = await freePort();
    const secured = await testRuntime({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'secret',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    });
    const securedServer = await listen(createServer(secured, { teams: createTeamsBot(secured) }), port);
    try {
      const before = connector.sent.length;
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          message('revenue by region', { id: 'a:unsigned', conversationType: 'personal' }),
        ),
      });
      expect(response.status).toBe(401);
      // A forged serviceUrl changes nothing: the adapter's token validation is the only authority.
      const forged = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
        body: JSON.stringify(
          message(
            'revenue by region',
            { id: 'a:forged-url', conversationType: 'personal' },
            { serviceUrl: 'http://10.1.2.3:9000/' },
          ),
        ),
      });
      expect(forged.status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(connector.sent.length).toBe(before);
    } finally {
      securedServer.close();
      await secured.close();
    }
  });
});

describe('a running `tally start`', () => {
  it('answers a posted message with a schema-valid card under 28 KB within a few seconds', async () => {
    const port = await freePort();
    const child = spawnTally(['start'], { PORT: String(port), LOG_LEVEL: 'warn' });
    try {
      for (let i = 0; i < 100; i++) {
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
          .then((r) => r.ok)
          .catch(() => false);
        if (ok) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const started = Date.now();
      await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          message('monthly revenue in 2025', { id: 'a:running', conversationType: 'personal' }),
        ),
      });
      const reply = await connector.waitFor(cardReplyIn('a:running'), 10_000);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(adaptiveCardValidator()(cardOf(reply))).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(reply.activity))).toBeLessThan(TEAMS_CARD_LIMIT);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
