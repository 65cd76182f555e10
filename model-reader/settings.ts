/**
 * The optional language model's settings: OpenAI, Azure OpenAI, or any server speaking OpenAI's
 * chat-completions API (Ollama, vLLM, LiteLLM). None set → no model, and the offline reading is
 * all there is. Read into the one configuration object at start-up, like every other setting.
 */
import { z } from 'zod';

const text = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
const httpUrl = text.refine((v) => v === undefined || /^https?:\/\//.test(v), {
  message: 'must be an http(s) URL',
});

export const modelSettings = {
  OPENAI_API_KEY: text,
  /** An OpenAI-compatible server; a local one (Ollama) may need no key. */
  OPENAI_BASE_URL: httpUrl,
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  AZURE_OPENAI_ENDPOINT: httpUrl,
  AZURE_OPENAI_DEPLOYMENT: text,
  AZURE_OPENAI_API_VERSION: z.string().trim().min(1).default('2024-10-21'),
  AZURE_OPENAI_API_KEY: text,
  /** A Microsoft Entra ID bearer token, instead of a key. */
  AZURE_OPENAI_AD_TOKEN: text,
  /** A question waits at most this long for the model before Tally answers without it. */
  OPENAI_TIMEOUT_SECONDS: z.coerce.number().positive().max(120).default(10),
  /** Retries of a rate-limited (429) or failed (5xx) call, with the client's backoff. */
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Calls to the model one person may cause per day, across every replica; 0 for no limit. */
  OPENAI_DAILY_CALLS_PER_USER: z.coerce.number().int().min(0).default(100),
};

type Settings = { [K in keyof typeof modelSettings]: z.infer<(typeof modelSettings)[K]> };

export type ModelProvider =
  | { kind: 'openai'; model: string; apiKey?: string; baseURL?: string }
  | {
      kind: 'azure';
      model: string;
      endpoint: string;
      apiVersion: string;
      apiKey?: string;
      adToken?: string;
    };

export interface ModelConnection {
  provider: ModelProvider;
  timeoutMs: number;
  maxRetries: number;
}

/** Settings that parse one by one but don't fit together, named like zod's issues. */
export function modelSettingsProblems(settings: Settings): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const azure = [
    settings.AZURE_OPENAI_DEPLOYMENT,
    settings.AZURE_OPENAI_API_KEY,
    settings.AZURE_OPENAI_AD_TOKEN,
  ];
  if (!settings.AZURE_OPENAI_ENDPOINT) {
    if (azure.some(Boolean))
      problems.push({
        path: ['AZURE_OPENAI_ENDPOINT'],
        message: 'is needed with the other AZURE_OPENAI_* settings',
      });
    return problems;
  }
  if (settings.OPENAI_API_KEY || settings.OPENAI_BASE_URL)
    problems.push({
      path: ['AZURE_OPENAI_ENDPOINT'],
      message: 'set either Azure OpenAI or OPENAI_API_KEY / OPENAI_BASE_URL, not both',
    });
  if (!settings.AZURE_OPENAI_DEPLOYMENT)
    problems.push({ path: ['AZURE_OPENAI_DEPLOYMENT'], message: 'is needed with AZURE_OPENAI_ENDPOINT' });
  if (!settings.AZURE_OPENAI_API_KEY === !settings.AZURE_OPENAI_AD_TOKEN)
    problems.push({
      path: ['AZURE_OPENAI_API_KEY'],
      message: 'set one of AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN with AZURE_OPENAI_ENDPOINT',
    });
  return problems;
}

/** Which model to ask, if any: nothing set means no model. */
export function modelConnection(settings: Settings): ModelConnection | undefined {
  const common = {
    timeoutMs: settings.OPENAI_TIMEOUT_SECONDS * 1000,
    maxRetries: settings.OPENAI_MAX_RETRIES,
  };
  if (settings.AZURE_OPENAI_ENDPOINT && settings.AZURE_OPENAI_DEPLOYMENT) {
    return {
      ...common,
      provider: {
        kind: 'azure',
        model: settings.AZURE_OPENAI_DEPLOYMENT,
        endpoint: settings.AZURE_OPENAI_ENDPOINT,
        apiVersion: settings.AZURE_OPENAI_API_VERSION,
        apiKey: settings.AZURE_OPENAI_API_KEY,
        adToken: settings.AZURE_OPENAI_AD_TOKEN,
      },
    };
  }
  if (!settings.OPENAI_API_KEY && !settings.OPENAI_BASE_URL) return undefined;
  return {
    ...common,
    provider: {
      kind: 'openai',
      model: settings.OPENAI_MODEL,
      apiKey: settings.OPENAI_API_KEY,
      baseURL: settings.OPENAI_BASE_URL,
    },
  };
}
