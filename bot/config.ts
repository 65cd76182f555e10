/**
 * Configuration from the environment, validated once at start-up by the composition root.
 * Nothing else in the code reads process.env.
 */
import { z } from 'zod';
import { modelSettings, modelSettingsProblems } from '../model-reader/settings.ts';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .optional()
  .or(z.literal('').transform(() => undefined));

const idList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  );

const postgresUrl = optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
  message: 'must be a postgres:// or postgresql:// URL',
});

export const configSchema = z.object({
  ANALYTICS_DB_URL: postgresUrl,
  DATABASE_URL: postgresUrl,
  TALLY_CATALOG: optionalText,
  TALLY_NOW: isoDate,
  TALLY_HOME: optionalText,
  TALLY_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  MAX_QUERY_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** Largest single value and whole result Tally reads from the warehouse, in bytes. */
  MAX_CELL_BYTES: z.coerce.number().int().min(1000).default(1_000_000),
  MAX_RESULT_BYTES: z.coerce.number().int().min(10_000).default(20_000_000),
  QUERY_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(30),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  /** Where the HTTP server listens; unset → 127.0.0.1 unless a door is authenticated (a Teams app id or Slack signing). */
  HOST: optionalText,
  PUBLIC_URL: optionalText,
  /** Bearer token for GET /metrics; without it /metrics is open only in local mode on loopback. */
  METRICS_TOKEN: optionalText,
  /** On SIGTERM, how long answers in flight may take to finish before the process exits. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(25),
  S3_BUCKET: optionalText,
  S3_ENDPOINT: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), {
    message: 'must be an http(s) URL',
  }),
  AWS_REGION: z.string().default('us-east-1'),
  /** How long chart images and CSV exports stay available. */
  ASSET_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(168),
  /** Teams / Bot Framework: an empty app id runs unauthenticated, for local tools only. */
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().default(''),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  /** Slack Web API base URL (tests point it at a local server). */
  SLACK_API_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), {
    message: 'must be an http(s) URL',
  }),
  /** Start Microsoft's Agents Playground with `tally start` in local mode (set 0 to skip). */
  TALLY_PLAYGROUND: z.enum(['0', '1']).default('1'),
  TALLY_PLAYGROUND_PORT: z.coerce.number().int().min(1024).max(65535).default(56150),
  /** Who may teach Tally in chat (issue 12): Teams AAD object ids and Slack user ids, comma-separated. */
  TALLY_ADMINS: idList,
  /** Or whole conversations: Teams conversation ids and Slack channel ids where everyone may teach. */
  TALLY_ADMIN_CHANNELS: idList,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  ...modelSettings,
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly code = 'tally_config_invalid';
}

/** Parses the environment; every problem is listed at once, each with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  const problems = parsed.success ? modelSettingsProblems(parsed.data) : [];
  if (parsed.success && problems.length === 0) return parsed.data;
  const issues = parsed.success ? problems : parsed.error.issues;
  const lines = issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** Slack is served when both its token and its signing secret are set. */
export function slackConfigured(config: Config): boolean {
  return !!config.SLACK_BOT_TOKEN && !!config.SLACK_SIGNING_SECRET;
}

/**
 * Local mode: no Teams app id and no Slack settings — a developer's machine, where /api/messages
 * takes unauthenticated traffic from the Agents Playground. A Slack deployment without a Teams app
 * id is not local mode: there an unauthenticated /api/messages would be an open door.
 */
export function isLocalMode(config: Config): boolean {
  return !config.MicrosoftAppId && !slackConfigured(config);
}

/** Teams is served when it can authenticate (an app id), or in local mode. */
export function teamsConfigured(config: Config): boolean {
  return !!config.MicrosoftAppId || isLocalMode(config);
}
