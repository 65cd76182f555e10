/**
 * Access identities through the chat doors (issue 15 follow-up). Teams and Slack hand a door only
 * an id, so access rules that name people by e-mail (`members:` by address, `{user.email}` row
 * filters) only worked from the CLI's --user: a Teams or Slack user listed by e-mail was treated
 * as someone in no group. The doors now look the address up in the channel's directory (Teams:
 * the conversation member through the Bot Connector API; Slack: users.info) and keep it a while.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailCache } from '../bot/user-email.ts';
import { noAccessMessage } from '../skills/access-scope.ts';
import { accessWarehouse, EMEA_MANAGER_ACCESS } from './access-warehouse.ts';
import { mentionEvent, startSlackDoor } from './slack-door.ts';
import { startTeamsDoor, type TeamsDoor } from './teams-door.ts';

/** Members by e-mail only: an id alone gives nothing (the default). */
const ACCESS = EMEA_MANAGER_ACCESS;
const EMEA_NOTE = 'Showing EMEA only (your access).';

let env: Record<string, string>;
let admin: pg.Client;
let teams: TeamsDoor;

beforeAll(async () => {
  const warehouse = await accessWarehouse('door_identities', ACCESS);
  env = warehouse.env;
  admin = warehouse.admin;
  teams = await startTeamsDoor(env);
});
afterAll(async () => {
  await teams?.close();
  await admin?.end();
});

describe('Teams', () => {
  const send = (text: string, aad: string, conversation: string) =>
    fetch(`${teams.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `m-${conversation}-${text.length}`,
        channelId: 'msteams',
        serviceUrl: teams.connector.url,
        text,
        from: { id: `29:${aad}`, name: 'Someone', aadObjectId: aad },
        recipient: { id: '28:tally', name: 'Tally' },
        conversation: { id: conversation, conversationType: 'personal' },
        channelData: { tenant: { id: 'tenant' } },
      }),
    });
  /** The n-th answer (not a placeholder) posted into a conversation. */
  const reply = async (conversation: string, n: number) => {
    const answers = () =>
      teams.connector.sent.filter(
        (s) =>
          s.conversationId === conversation &&
          s.activity.type === 'message' &&
          s.activity.text !== 'Working on it…',
      );
    await teams.connector.waitFor(() => answers().length >= n);
    return JSON.stringify(answers()[n - 1]?.activity);
  };

  it('finds the e-mail address of the member, so a group listed by e-mail applies, and looks it up once', async () => {
    const { connector } = teams;
    connector.members.set('29:aad-mail-1', {
      id: '29:aad-mail-1',
      aadObjectId: 'aad-mail-1',
      name: 'Emea Manager',
      email: 'Emea.Manager@example.com',
    });
    await send('revenue by region', 'aad-mail-1', 'a:identity-1');
    const first = await reply('a:identity-1', 1);
    expect(first).toContain(EMEA_NOTE);
    expect(first).not.toContain('APAC');

    const audit = await teams.runtime.appDb.pool.query(
      `SELECT access FROM audit_log WHERE user_id = 'aad-mail-1' AND question = 'revenue by region'`,
    );
    expect(audit.rows[0]?.access).toBe('emea_sales');

    await send('orders by region', 'aad-mail-1', 'a:identity-1');
    expect(await reply('a:identity-1', 2)).toContain(EMEA_NOTE);
    expect(connector.memberLookups.filter((id) => id === '29:aad-mail-1')).toHaveLength(1);
  });

  it('without an address on record, the same person is in no group and is refused plainly', async () => {
    await send('revenue by region', 'aad-no-mail', 'a:identity-2');
    const refused = await reply('a:identity-2', 1);
    expect(refused).toContain(noAccessMessage());
    expect(teams.connector.memberLookups).toContain('29:aad-no-mail');
  });
});

describe('Slack', () => {
  it("reads the user's profile e-mail (users.info), so a group listed by e-mail applies, and asks once", async () => {
    const slack = await startSlackDoor(env);
    try {
      slack.api.users.set('U1', { email: 'emea.manager@example.com' });
      const first = JSON.stringify((await slack.mention('revenue by region', 'CIDENTITY1')).args);
      expect(first).toContain(EMEA_NOTE);
      expect(first).not.toContain('APAC');
      const second = JSON.stringify((await slack.mention('orders by region', 'CIDENTITY2')).args);
      expect(second).toContain(EMEA_NOTE);
      const lookups = slack.api.calls.filter((c) => c.method === 'users.info');
      expect(lookups.map((c) => c.args.user)).toEqual(['U1']);

      // Someone else with no address on record: in no group, refused.
      const body = mentionEvent('revenue by region', {}, 'CIDENTITY3');
      body.event.user = 'U2';
      await slack.send(JSON.stringify(body), 'application/json');
      const refused = await slack.api.waitFor(
        (c) => c.method === 'chat.update' && c.args.channel === 'CIDENTITY3',
      );
      expect(JSON.stringify(refused.args)).toContain(noAccessMessage());
      expect(slack.api.calls.filter((c) => c.method === 'users.info').map((c) => c.args.user)).toEqual([
        'U1',
        'U2',
      ]);
    } finally {
      await slack.close();
    }
  });
});

describe('the e-mail cache', () => {
  it('keeps an address for its time, then asks again; a failed lookup is not kept', async () => {
    let clock = 0;
    const warnings: unknown[] = [];
    const lookup = createEmailCache({ warn: (o: unknown) => warnings.push(o) } as never, {
      ttlMs: 1000,
      now: () => clock,
    });
    let asked = 0;
    const fetch = async () => {
      asked += 1;
      return `Person${asked}@Example.com`;
    };
    expect(await lookup('u', fetch)).toBe('person1@example.com');
    clock = 999;
    expect(await lookup('u', fetch)).toBe('person1@example.com');
    clock = 1000;
    expect(await lookup('u', fetch)).toBe('person2@example.com');

    const failing = async (): Promise<string> => {
      throw new Error('directory down');
    };
    expect(await lookup('v', failing)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(await lookup('v', fetch)).toBe('person3@example.com');
  });
});
