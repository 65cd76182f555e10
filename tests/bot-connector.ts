/**
 * A local stand-in for the Bot Connector service (the `serviceUrl` of Teams activities): a real
 * HTTP server speaking the v3 conversations API, recording what the bot sends and answering with
 * activity ids, so replies can be asserted on.
 */
import type { Server } from 'node:http';
import express from 'express';
import { until } from './wait.ts';

export interface SentActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  replyToId?: string;
  activity: Record<string, unknown> & {
    type: string;
    text?: string;
    attachments?: { contentType: string; content: unknown }[];
  };
}

/** A member record as the connector's GET /v3/conversations/{id}/members/{memberId} returns it. */
export interface ConnectorMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

export class BotConnectorStub {
  readonly sent: SentActivity[] = [];
  /** The tenant's directory: members by their channel id (`29:…`) or AAD object id. */
  readonly members = new Map<string, ConnectorMember>();
  /** Each member lookup, by the id asked for. */
  readonly memberLookups: string[] = [];
  private server?: Server;
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '5mb' }));
    const record = (method: 'POST' | 'PUT') => (req: express.Request, res: express.Response) => {
      this.sent.push({
        method,
        conversationId: String(req.params.conversationId),
        replyToId: req.params.activityId as string | undefined,
        activity: req.body,
      });
      res.json({ id: method === 'PUT' ? req.params.activityId : `activity-${++this.counter}` });
    };
    app.post('/v3/conversations/:conversationId/activities', record('POST'));
    app.post('/v3/conversations/:conversationId/activities/:activityId', record('POST'));
    app.put('/v3/conversations/:conversationId/activities/:activityId', record('PUT'));
    app.get('/v3/conversations/:conversationId/members/:memberId', (req, res) => {
      const id = String(req.params.memberId);
      this.memberLookups.push(id);
      const member = this.members.get(id);
      // The connector's answer for someone not in the conversation.
      if (!member) return void res.status(404).json({ error: { code: 'MemberNotFoundInConversation' } });
      res.json(member);
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    return this;
  }

  /** Waits until an activity matching `predicate` has been sent. */
  async waitFor(predicate: (sent: SentActivity) => boolean, timeoutMs = 15_000): Promise<SentActivity> {
    return until(
      () => this.sent.find(predicate),
      timeoutMs,
      () =>
        `no matching activity within ${timeoutMs} ms; sent: ${JSON.stringify(this.sent.map((s) => s.activity.type))}`,
    );
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
