/**
 * A local stand-in for OpenAI's chat-completions API: a real HTTP server on a free port that the
 * real `openai` client talks to (through OPENAI_BASE_URL, or Azure's deployment URLs). Each request
 * is recorded whole; replies are scripted in order, so a test says what the "model" answers and
 * then checks what Tally sent and what it did with the answer.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { freePort } from '../warehouse/free-port.ts';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw text, to search for what must never be sent. */
  text: string;
  body: {
    model?: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string; json_schema: { name: string; strict: boolean; schema: JsonSchema } };
  };
}

export interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: string[];
  [key: string]: unknown;
}

export type Step = { status: number; body: unknown; delayMs?: number; headers?: Record<string, string> };

export function completion(reply: object | string): Step {
  const content = typeof reply === 'string' ? reply : JSON.stringify(reply);
  return {
    status: 200,
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_780_000_000,
      model: 'stand-in',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    },
  };
}

export const serverError: Step = {
  status: 500,
  body: { error: { message: 'overloaded', type: 'server_error' } },
};

/** OpenAI's rate limit, with the wait it asks for (the client honours `retry-after-ms`). */
export const rateLimited: Step = {
  status: 429,
  body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
  headers: { 'retry-after-ms': '20' },
};

export interface StandIn {
  url: string;
  requests: RecordedRequest[];
  /** Replies for the next requests, in order; a request with none scripted gets a 500. */
  script(...steps: Step[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startStandIn(): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  let steps: Step[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        text,
        body: text ? JSON.parse(text) : { messages: [] },
      });
      const step = (req.url ?? '').includes('/chat/completions')
        ? (steps.shift() ?? serverError)
        : { status: 404, body: {} };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
        res.end(JSON.stringify(step.body));
      };
      // A reply the client gave up on must not keep the test process waiting.
      if (step.delayMs) setTimeout(send, step.delayMs).unref();
      else send();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...next) => {
      steps.push(...next);
    },
    reset: () => {
      steps = [];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A model reply in the shape Tally asks for, with everything not given left empty. */
export function reading(parts: Record<string, unknown>): object {
  return {
    answerable: true,
    reason: '',
    metrics: [],
    dimensions: [],
    filters: [],
    time: null,
    grain: null,
    sort: null,
    limit: null,
    ...parts,
  };
}
