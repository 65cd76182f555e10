/**
 * The model as one function: messages and a strict JSON schema in, the model's JSON text out.
 * The `openai` client brings the wire protocol, retries with backoff (429, 5xx) and the timeout;
 * Azure OpenAI differs only in its URL shape and credentials.
 */
import OpenAI, { AzureOpenAI } from 'openai';
import type { ModelConnection } from './settings.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ModelReply {
  content: string;
  /** Tokens as the API's `usage` counts them (a server that sends none leaves it out). */
  usage?: { prompt: number; completion: number };
}

export type ChatFn = (
  messages: ChatMessage[],
  schema: { name: string; schema: Record<string, unknown> },
) => Promise<ModelReply>;

export class ModelError extends Error {
  constructor(
    readonly code: 'model_unavailable' | 'model_refused' | 'model_empty' | 'model_over_budget',
    message: string,
  ) {
    super(message);
  }
}

export function createChat(connection: ModelConnection): ChatFn {
  const { provider } = connection;
  const options = { timeout: connection.timeoutMs, maxRetries: connection.maxRetries };
  const client =
    provider.kind === 'azure'
      ? new AzureOpenAI({
          ...options,
          endpoint: provider.endpoint,
          deployment: provider.model,
          apiVersion: provider.apiVersion,
          apiKey: provider.apiKey,
          azureADTokenProvider: provider.adToken ? async () => provider.adToken as string : undefined,
        })
      : new OpenAI({
          ...options,
          // A local OpenAI-compatible server may need no key; the client insists on one.
          apiKey: provider.apiKey ?? 'none',
          baseURL: provider.baseURL,
        });
  return async (messages, schema) => {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create({
        model: provider.model,
        messages,
        temperature: 0,
        response_format: { type: 'json_schema', json_schema: { ...schema, strict: true } },
      });
    } catch (error) {
      throw new ModelError('model_unavailable', (error as Error).message);
    }
    const message = completion.choices[0]?.message;
    if (message?.refusal) throw new ModelError('model_refused', message.refusal);
    if (!message?.content) throw new ModelError('model_empty', 'the model sent no content');
    const usage = completion.usage;
    return {
      content: message.content,
      usage: usage && { prompt: usage.prompt_tokens ?? 0, completion: usage.completion_tokens ?? 0 },
    };
  };
}
