/**
 * What a catalog's admins allow the model to do, in model.yaml beside the catalog (like alerts.yaml):
 *
 *   model:
 *     enabled: false   # never ask a model about this catalog's questions
 *     sql: true        # let it write SQL over the catalog's tables when the semantic layer can't say it
 *
 * Without the file the model (when configured) may read questions into semantic queries, never SQL:
 * SQL is the wider door, so it is opened on purpose.
 */
import { z } from 'zod';
import { loadSideFile } from '../semantic-catalog/side-file.ts';

export const modelPolicySchema = z.strictObject({
  model: z.strictObject({
    enabled: z.boolean().default(true),
    sql: z.boolean().default(false),
  }),
});

export type ModelPolicy = z.infer<typeof modelPolicySchema>['model'];

export const DEFAULT_POLICY: ModelPolicy = { enabled: true, sql: false };

export async function loadModelPolicy(catalogPath: string): Promise<ModelPolicy> {
  return (await loadSideFile(catalogPath, 'model.yaml', modelPolicySchema))?.data.model ?? DEFAULT_POLICY;
}
