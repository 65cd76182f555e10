/**
 * A local server speaking the Slack Web API (the cloud endpoint tests can't reach): records each
 * call and answers as Slack does, so the bot's real WebClient talks to it unchanged.
 */
import type { Server } from 'node:http';
import express from 'express';
import { until } from './wait.ts';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
}

export class SlackApiStub {
  readonly calls: SlackCall[] = [];
  /** The workspace's people for users.info: profile e-mail by user id. */
  readonly users = new Map<string, { email?: string }>();
  private server?: Server;
  private ts = 1_700_000_000;
  url = '';

  async start(): Promise<this> {
    const app = express();
    app.use(express.urlencoded({ extended: true }), express.json());
    app.post('/api/:method', (req, res) => {
      const method = String(req.params.method);
      const args = { ...req.body } as Record<string, unknown>;
      // WebClient sends complex arguments (blocks) as JSON strings inside a form body.
      for (const [key, value] of Object.entries(args)) {
        if (typeof value === 'string' && /^[[{]/.test(value)) args[key] = JSON.parse(value);
      }
      this.calls.push({ method, args });
      if (method === 'auth.test')
        return void res.json({ ok: true, user_id: 'UTALLY', bot_id: 'BTALLY', team_id: 'T1', user: 'tally' });
      if (method === 'chat.postMessage')
        return void res.json({
          ok: true,
          channel: args.channel,
          ts: `${++this.ts}.000100`,
          message: { text: args.text },
        });
      if (method === 'users.info') {
        const user = this.users.get(String(args.user));
        if (!user) return void res.json({ ok: false, error: 'user_not_found' });
        return void res.json({ ok: true, user: { id: args.user, profile: { email: user.email } } });
      }
      if (method === 'chat.update') return void res.json({ ok: true, channel: args.channel, ts: args.ts });
      res.json({ ok: true });
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/`;
    return this;
  }

  async waitFor(predicate: (call: SlackCall) => boolean, timeoutMs = 15_000): Promise<SlackCall> {
    return until(
      () => this.calls.find(predicate),
      timeoutMs,
      () => `no matching Slack call within ${timeoutMs} ms: ${this.calls.map((c) => c.method).join(', ')}`,
    );
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
