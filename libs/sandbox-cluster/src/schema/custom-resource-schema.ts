import type { KubeObject, ResourceType } from '../api/resource-type';
import type { StatusCause } from '../errors/api-status.error';
import { applySchemaDefaults, validateAgainstSchema } from './structural-validation';

/** Applies the CRD version's defaults to a custom resource about to be written (metadata excluded). */
export function defaultCustomResource(type: ResourceType, obj: KubeObject): void {
  if (type.builtin || !type.schema) return;
  const { metadata, ...rest } = obj;
  applySchemaDefaults(rest, type.schema);
  for (const key of Object.keys(obj)) if (key !== 'metadata' && !(key in rest)) delete obj[key];
  Object.assign(obj, rest);
  if (metadata !== undefined) obj.metadata = metadata;
}

/** The causes a custom resource fails its CRD version's schema with (422 Invalid); none for built-ins. */
export function validateCustomResource(type: ResourceType, obj: KubeObject): StatusCause[] {
  if (type.builtin || !type.schema) return [];
  const { metadata: _metadata, ...rest } = obj;
  const schema = type.schema;
  // metadata is ObjectMeta, checked when decoded; a CRD schema says nothing the server enforces there.
  const properties = { ...schema.properties };
  delete properties['metadata'];
  return validateAgainstSchema(rest, {
    ...schema,
    properties,
    required: (schema.required ?? []).filter((r) => r !== 'metadata'),
  });
}
