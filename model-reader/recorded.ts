/**
 * Recorded model replies, served in-process by a real HTTP server speaking OpenAI's
 * chat-completions API, so `tally eval --llm --recorded FILE` runs the whole model path — the real
 * `openai` client, the strict JSON, the checks, the gate — with no key and no network (CI).
 *
 *   replies:
 *     - question: takings by region last quarter
 *       reply: { answerable: true, reason: "", metrics: [{ name: revenue, said: takings }], … }
 *     - question: which accounts churned
 *       reply: [ {…first reply…}, {…its repair…} ]   # successive calls for one question
 *
 * A question with no recorded reply gets a 404 (the client does not retry it): the offline reply
 * stands, and the question is listed as missing so a stale recording is noticed.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const content = z.union([z.string(), z.record(z.string(), z.unknown())]);

export const recordedFileSchema = z.strictObject({
  replies: z.array(
    z.strictObject({
      question: z.string().min(1),
      /** The message content the model sent: its JSON reading, or text; a list for successive calls. */
      reply: z.union([content, z.array(content).min(1)]),
    }),
  ),
});

export interface RecordedModel {
  /** The server's base URL; the client's OPENAI_BASE_URL is this plus `/v1`. */
  url: string;
  /** Questions the model was asked that the file has no (more) replies for. */
  missing: string[];
  close(): Promise<void>;
}

const key = (question: string) => question.trim().toLowerCase().replace(/\s+/g, ' ');

export async function loadRecorded(file: string): Promise<Map<string, unknown[]>> {
  const parsed = recordedFileSchema.safeParse(parseYaml(await readFile(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return new Map(
    parsed.data.replies.map((r) => [key(r.question), Array.isArray(r.reply) ? r.reply : [r.reply]]),
  );
}

export async function serveRecorded(file: string): Promise<RecordedModel> {
  const replies = await loadRecorded(file);
  const served = new Map<string, number>();
  const missing: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (!req.url?.includes('/chat/completions')) return send(404, { error: { message: 'not found' } });
      let question = '';
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          messages?: { role: string; content: string }[];
        };
        // The question is always the first user message; later ones are Tally's repair requests.
        question = body.messages?.find((m) => m.role === 'user')?.content ?? '';
      } catch {
        return send(400, { error: { message: 'the request was not JSON' } });
      }
      const n = served.get(key(question)) ?? 0;
      const reply = replies.get(key(question))?.[n];
      if (reply === undefined) {
        missing.push(question);
        return send(404, { error: { message: 'no recorded reply for this question' } });
      }
      served.set(key(question), n + 1);
      const text = typeof reply === 'string' ? reply : JSON.stringify(reply);
      send(200, {
        id: `recorded-${n}`,
        object: 'chat.completion',
        created: 0,
        model: 'recorded',
        choices: [
          { index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop' },
        ],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    missing,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
