/** JSON-schema validators for what Tally produces: Adaptive Cards (official 1.5 schema) and vega-lite specs. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
export const SCHEMAS_DIR = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'schemas');

let cardValidator: ValidateFunction | undefined;
let specValidator: ValidateFunction | undefined;

/** The card schema is draft-06 and names itself with `id`, which ajv 8 wants as `$id`. */
export function adaptiveCardValidator(): ValidateFunction {
  if (cardValidator) return cardValidator;
  const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, 'adaptive-card.json'), 'utf8'));
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  cardValidator = ajv.compile(schema);
  return cardValidator;
}

export function vegaLiteValidator(): ValidateFunction {
  if (specValidator) return specValidator;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  specValidator = ajv.compile(require('vega-lite/vega-lite-schema.json'));
  return specValidator;
}
