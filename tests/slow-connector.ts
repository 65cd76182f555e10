/** A Bot Connector stand-in that can hold its answers, to keep a turn in flight on purpose. */
import type { Server } from 'node:http';
import express from 'express';

export class SlowConnector {
  readonly sent: { conversation: string; type: string; card: boolean; text: string }[] = [];
  holding = false;
  private release?: () => void;
  private server?: Server;
  url = '';
  held = false;

  async start(): Promise<void> {
    const app = express();
    app.use(express.json({ limit: '5mb' }));
    app.post('/v3/conversations/:conversation/activities{/:activityId}', async (req, res) => {
      if (this.holding) {
        this.held = true;
        await new Promise<void>((resolve) => {
          this.release = resolve;
        });
      }
      this.sent.push({
        conversation: String(req.params.conversation),
        type: req.body.type,
        card: !!req.body.attachments?.length,
        text: String(req.body.text ?? req.body.summary ?? ''),
      });
      res.json({ id: `activity-${this.sent.length}` });
    });
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/`;
  }
  letGo(): void {
    this.holding = false;
    this.release?.();
  }
  async stop(): Promise<void> {
    this.letGo();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
