import { isPlainObject } from '../store/object-utils';

/**
 * The type checks the real API server's JSON decoder makes on `metadata` before any admission: a name that
 * is a number or a label value that is not a string is a 400, e.g. `Deployment in version "v1" cannot be
 * handled as a Deployment: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of
 * type string`. The sandbox reads metadata as the typed ObjectMeta, so it checks it here; `spec` and `status`
 * stay as sent. A null member is dropped, as Go decodes it to the zero value that `omitempty` leaves out.
 *
 * Returns the decoder's message, or undefined when `metadata` decodes (then it is an ObjectMeta, see
 * api/resource-type.ts).
 */
export function objectMetaDecodeError(metadata: unknown): string | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (!isPlainObject(metadata)) return mismatch('ObjectMeta', 'metadata', metadata, 'v1.ObjectMeta');
  for (const [field, value] of Object.entries(metadata)) {
    if (value === null) {
      delete metadata[field];
      continue;
    }
    const problem = FIELD_CHECKS[field]?.(value, `metadata.${field}`);
    if (problem) return problem;
  }
  return undefined;
}

type FieldCheck = (value: unknown, path: string) => string | undefined;

const string: FieldCheck = (v, path) =>
  typeof v === 'string' ? undefined : mismatch('ObjectMeta', path, v, 'string');

const integer: FieldCheck = (v, path) =>
  typeof v === 'number' && Number.isInteger(v) ? undefined : mismatch('ObjectMeta', path, v, 'int64');

const stringMap: FieldCheck = (v, path) => {
  if (!isPlainObject(v)) return mismatch('ObjectMeta', path, v, 'map[string]string');
  for (const item of Object.values(v)) {
    if (typeof item !== 'string') return mismatch('ObjectMeta', path, item, 'string');
  }
  return undefined;
};

const stringList: FieldCheck = (v, path) => {
  if (!Array.isArray(v)) return mismatch('ObjectMeta', path, v, '[]string');
  for (const item of v as unknown[]) {
    if (typeof item !== 'string') return mismatch('ObjectMeta', path, item, 'string');
  }
  return undefined;
};

const ownerReferences: FieldCheck = (v, path) => {
  if (!Array.isArray(v)) return mismatch('ObjectMeta', path, v, '[]v1.OwnerReference');
  for (const ref of v as unknown[]) {
    if (!isPlainObject(ref)) return mismatch('ObjectMeta', path, ref, 'v1.OwnerReference');
    for (const field of ['apiVersion', 'kind', 'name', 'uid']) {
      if (ref[field] !== undefined && typeof ref[field] !== 'string')
        return mismatch('OwnerReference', `${path}.${field}`, ref[field], 'string');
    }
    for (const field of ['controller', 'blockOwnerDeletion']) {
      if (ref[field] !== undefined && ref[field] !== null && typeof ref[field] !== 'boolean')
        return mismatch('OwnerReference', `${path}.${field}`, ref[field], 'bool');
    }
  }
  return undefined;
};

const list: FieldCheck = (v, path) =>
  Array.isArray(v) ? undefined : mismatch('ObjectMeta', path, v, '[]v1.ManagedFieldsEntry');

const FIELD_CHECKS: Partial<Record<string, FieldCheck>> = {
  name: string,
  generateName: string,
  namespace: string,
  uid: string,
  resourceVersion: string,
  creationTimestamp: string,
  deletionTimestamp: string,
  selfLink: string,
  generation: integer,
  deletionGracePeriodSeconds: integer,
  labels: stringMap,
  annotations: stringMap,
  finalizers: stringList,
  ownerReferences,
  managedFields: list,
};

function mismatch(struct: string, path: string, value: unknown, goType: string): string {
  return `json: cannot unmarshal ${jsonTypeOf(value)} into Go struct field ${struct}.${path} of type ${goType}`;
}

/** The JSON type name Go's encoding/json reports. */
function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return 'object';
}
