/**
 * The catalog's `access:` block: who may see what. A group names its members and what it adds to
 * or takes from everything else:
 *
 *   tables / metrics   — restricted to the groups that list them (nobody else may use them)
 *   hidden_columns     — columns this group may not see (`schema.table.column`)
 *   rows               — row filters over one table's alias (`r.region_name = 'EMEA'`,
 *                        `o.owner_email = {user.email}`); they filter every table whose joins reach it
 *
 * A person in several groups gets the union of their groups. A person in no group gets `default`:
 * `unrestricted` (everything no group restricts, every row) or `nothing`.
 */
import { z } from 'zod';

const groupName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case and start with a letter');
const qualifiedTable = z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be schema.table');
const qualifiedColumn = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be schema.table.column');

export const accessGroupSchema = z.strictObject({
  name: groupName,
  description: z.string().default(''),
  /** Teams AAD object ids, Slack user ids, e-mail addresses, or `everyone`. */
  members: z.array(z.string().min(1)).min(1),
  tables: z.array(qualifiedTable).default([]),
  metrics: z.array(z.string().min(1)).default([]),
  hidden_columns: z.array(qualifiedColumn).default([]),
  rows: z.array(z.string().min(1)).default([]),
});

export const accessSchema = z.strictObject({
  default: z.enum(['unrestricted', 'nothing']).default('nothing'),
  groups: z.array(accessGroupSchema).default([]),
});

export type AccessRules = z.infer<typeof accessSchema>;
export type AccessGroup = z.infer<typeof accessGroupSchema>;

/** The asking person's attributes a row filter may name: `{user.email}`, `{user.id}`. */
export const USER_ATTRIBUTES = ['email', 'id'] as const;
export type UserAttribute = (typeof USER_ATTRIBUTES)[number];
export const USER_ATTRIBUTE_REF = /\{user\.([a-z_]+)\}/g;
