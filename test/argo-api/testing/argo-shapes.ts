import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { ARGO_CD_ANSWERS, ARGO_CD_DEFINITIONS, type ArgoShape } from '@berth/api-schemas';

export type { ArgoShape } from '@berth/api-schemas';

/** The answer schemas of @berth/api-schemas, written from Argo CD's swagger definitions. */
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addSchema(ARGO_CD_DEFINITIONS);
for (const { schema } of Object.values(ARGO_CD_ANSWERS)) ajv.addSchema(schema);

/**
 * The problems of an answer against the shape Argo CD's swagger gives it: [] when it fits. Each problem
 * names the JSON pointer and what is wrong (`/status/history/0/id must be integer`), so a failing spec says
 * which field a client would trip on.
 */
export function argoShapeProblems(shape: ArgoShape, answer: unknown): string[] {
  const validate = ajv.getSchema(ARGO_CD_ANSWERS[shape].schema.$id);
  if (!validate) throw new Error(`no schema ${shape} in @berth/api-schemas`);
  if (validate(answer)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(the answer)';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)})`
        : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}
