/**
 * What the model may say, twice over: as the JSON schema sent with the request (strict structured
 * output, names as enums of what it was shown) and as the zod schema its reply must pass here.
 * A server is free to ignore the first, so only the second is trusted.
 */
import { z } from 'zod';
import type { Grain } from '../semantic-catalog/schema.ts';
import type { CatalogSlice } from './slice.ts';

const said = z.string();

export const replySchema = z.strictObject({
  answerable: z.boolean(),
  reason: z.string(),
  metrics: z.array(z.strictObject({ name: z.string(), said })),
  dimensions: z.array(z.strictObject({ name: z.string(), said })),
  filters: z.array(z.strictObject({ dimension: z.string(), values: z.array(z.string()).min(1), said })),
  time: z.strictObject({ phrase: z.string(), said }).nullable(),
  grain: z.strictObject({ grain: z.string(), said }).nullable(),
  sort: z
    .strictObject({
      by: z.enum(['metric', 'dimension']),
      name: z.string(),
      direction: z.enum(['asc', 'desc']),
      said,
    })
    .nullable(),
  limit: z.strictObject({ count: z.number().int().min(1).max(1000), said }).nullable(),
  /** Only in a reply to a catalog that allows SQL. */
  sql: z
    .strictObject({ query: z.string().min(1), explanation: z.string() })
    .nullable()
    .optional(),
});

export type ModelReply = z.infer<typeof replySchema>;

export type Parsed = { ok: true; reply: ModelReply } | { ok: false; reason: string };

export function parseReply(content: string, sqlAllowed: boolean): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'its reply was not valid JSON' };
  }
  const parsed = replySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `its reply did not fit the format (${issue?.path.join('.')}: ${issue?.message})`,
    };
  }
  if (!sqlAllowed && parsed.data.sql)
    return { ok: false, reason: 'it wrote SQL, which this catalog does not allow' };
  return { ok: true, reply: parsed.data };
}

const SAID = { type: 'string', description: "The question's own words this part came from, copied exactly." };

function object(properties: Record<string, object>): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}

const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
// An empty enum is not a valid schema; a catalog without dimensions offers a name nothing matches.
const oneOf = (names: string[]) => ({ type: 'string', enum: names.length > 0 ? names : [''] });

/** The strict JSON schema of a reply, with the names this question's slice of the catalog offers. */
export function replyJsonSchema(slice: CatalogSlice, grains: Grain[], sqlAllowed: boolean) {
  const metric = oneOf(slice.metrics.map((m) => m.name));
  const dimension = oneOf(slice.dimensions.map((d) => d.name));
  const properties: Record<string, object> = {
    answerable: { type: 'boolean' },
    reason: { type: 'string', description: 'When not answerable: what the catalog lacks, in one sentence.' },
    metrics: { type: 'array', items: object({ name: metric, said: SAID }) },
    dimensions: { type: 'array', items: object({ name: dimension, said: SAID }) },
    filters: {
      type: 'array',
      items: object({ dimension, values: { type: 'array', items: { type: 'string' } }, said: SAID }),
    },
    time: nullable(
      object({
        phrase: { type: 'string', description: 'A time phrase from the time words list.' },
        said: SAID,
      }),
    ),
    grain: nullable(object({ grain: oneOf(grains), said: SAID })),
    sort: nullable(
      object({
        by: { type: 'string', enum: ['metric', 'dimension'] },
        name: { type: 'string' },
        direction: { type: 'string', enum: ['asc', 'desc'] },
        said: SAID,
      }),
    ),
    limit: nullable(object({ count: { type: 'integer' }, said: SAID })),
  };
  if (sqlAllowed)
    properties.sql = nullable(
      object({
        query: { type: 'string', description: 'One PostgreSQL SELECT over the tables shown.' },
        explanation: { type: 'string', description: 'What the query computes, in one plain sentence.' },
      }),
    );
  return { name: 'semantic_query', schema: object(properties) };
}
