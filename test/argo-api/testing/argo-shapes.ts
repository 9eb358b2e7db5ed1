import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

/** The answer schemas of test/argo-api/fixtures, written from Argo CD's swagger definitions. */
const FIXTURES = join(process.cwd(), 'test', 'argo-api', 'fixtures');

/** The answers the specs check, by fixture name (`<name>.schema.json`). */
export type ArgoShape =
  | 'application'
  | 'application-list'
  | 'application-spec'
  | 'app-project'
  | 'detailed-project'
  | 'global-projects'
  | 'cluster'
  | 'cluster-list'
  | 'empty-response'
  | 'event-list'
  | 'manifest-response'
  | 'revision-metadata'
  | 'chart-details'
  | 'version-message'
  | 'settings'
  | 'runtime-error'
  | 'watch-event'
  | 'application-tree-stream-line'
  | 'resource-actions-list'
  | 'application-resource-response'
  | 'managed-resources-response'
  | 'application-response';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.schema.json')))
  ajv.addSchema(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as object);

/**
 * The problems of an answer against the shape Argo CD's swagger gives it: [] when it fits. Each problem
 * names the JSON pointer and what is wrong (`/status/history/0/id must be integer`), so a failing spec says
 * which field a client would trip on.
 */
export function argoShapeProblems(shape: ArgoShape, answer: unknown): string[] {
  const validate = ajv.getSchema(`${shape}.schema.json`);
  if (!validate) throw new Error(`no fixture ${shape}.schema.json in ${FIXTURES}`);
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
