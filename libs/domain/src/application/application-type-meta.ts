import { isPlainObject } from './field-checks';
import { APPLICATION_API_VERSION, APPLICATION_KIND } from './application.types';

/**
 * An Application body sent to the API without `apiVersion` or `kind` (absent, null or empty), with them
 * filled in: Argo CD's server decodes the body into its typed Application, so its clients may leave the
 * type out. Any other value is kept for the validator to judge (`kind: ConfigMap` is still a mistake).
 * Only for API bodies: a document in Git without them is not an Application (app-of-apps reads it so).
 */
export function withApplicationTypeMeta(body: unknown): unknown {
  if (!isPlainObject(body)) return body;
  const missing = (value: unknown) => value === undefined || value === null || value === '';
  if (!missing(body['apiVersion']) && !missing(body['kind'])) return body;
  return {
    ...body,
    apiVersion: missing(body['apiVersion']) ? APPLICATION_API_VERSION : body['apiVersion'],
    kind: missing(body['kind']) ? APPLICATION_KIND : body['kind'],
  };
}
