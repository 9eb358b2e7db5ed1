import { builtinDefinitions, builtinSchemaName, objectMetaSchemaName } from '../schema/builtin-schemas';
import type { OpenApiSchema } from '../schema/openapi-schema';
import type { ResourceRegistry } from './resource-registry';
import { groupVersion, type ResourceType } from './resource-type';

/** `apis/apps/v1` or `api/v1`: the key of a group version in the OpenAPI v3 root. */
function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/**
 * The OpenAPI v3 root. kubectl reads it only to learn whether the server supports the
 * `fieldValidation` query parameter (cli-runtime query_param_verifier_v3.go); without it
 * `kubectl apply` refuses to run ("failed to download openapi").
 */
export function openApiV3Root(registry: ResourceRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of registry.groupVersions()) {
    const key = gvPath(gv.group, gv.version);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(registry, gv.group, gv.version)}` };
  }
  return { paths };
}

/**
 * The OpenAPI v3 document of one group version: each kind's PATCH operation with its
 * `x-kubernetes-group-version-kind` and the query parameters (kubectl learns from them that the server
 * validates fields), and the kinds' schemas with every definition they reach (`kubectl explain`): the
 * generated built-in ones (schema/builtin-schemas.ts), a CRD version's `openAPIV3Schema` for custom resources.
 */
export function openApiV3GroupVersion(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = registry.byGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const query = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
    name,
    in: 'query',
    schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
  }));
  for (const t of types) {
    const base = `/${gvPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
    paths[base] = {
      patch: {
        operationId: `patch${t.namespaced ? 'Namespaced' : ''}${t.kind}`,
        parameters: query,
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
      },
    };
  }
  const schemas: Record<string, OpenApiSchema> = {};
  for (const t of types) addKindSchema(t, schemas);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.34.1' },
    paths,
    components: { schemas },
  };
}

/** Adds a kind's schema, and every built-in definition it references, to `schemas`. */
function addKindSchema(type: ResourceType, schemas: Record<string, OpenApiSchema>): void {
  if (type.builtin) {
    const name = builtinSchemaName(type.group, type.version, type.kind);
    if (name) addDefinition(name, schemas);
    return;
  }
  if (!type.schema) return;
  // The apiextensions server publishes a CR's schema with apiVersion, kind and ObjectMeta filled in.
  const reversed = type.group.split('.').reverse().join('.');
  const gvk = { group: type.group, version: type.version, kind: type.kind };
  schemas[`${reversed}.${type.version}.${type.kind}`] = {
    ...type.schema,
    type: 'object',
    properties: {
      apiVersion: { type: 'string', description: apiVersionDescription },
      kind: { type: 'string', description: kindDescription },
      metadata: {
        allOf: [{ $ref: `#/components/schemas/${objectMetaSchemaName}` }],
        description: metadataDescription,
      },
      ...withoutRoot(type.schema.properties),
    },
    'x-kubernetes-group-version-kind': [gvk],
  };
  addDefinition(objectMetaSchemaName, schemas);
}

function withoutRoot(properties: Record<string, OpenApiSchema> | undefined): Record<string, OpenApiSchema> {
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = properties ?? {};
  return rest;
}

const apiVersionDescription =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const kindDescription =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const metadataDescription =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

function addDefinition(name: string, schemas: Record<string, OpenApiSchema>): void {
  const definition = builtinDefinitions[name];
  if (!definition || schemas[name]) return;
  schemas[name] = definition;
  for (const ref of references(definition)) addDefinition(ref, schemas);
}

function references(schema: OpenApiSchema): string[] {
  const out: string[] = [];
  const visit = (s: OpenApiSchema | boolean | undefined) => {
    if (!s || typeof s === 'boolean') return;
    if (s.$ref) out.push(s.$ref.slice(s.$ref.lastIndexOf('/') + 1));
    for (const p of Object.values(s.properties ?? {})) visit(p);
    for (const p of s.allOf ?? []) visit(p);
    visit(s.items);
    visit(s.additionalProperties);
  };
  visit(schema);
  return out;
}

function hashOf(registry: ResourceRegistry, group: string, version: string): string {
  // A CRD's schema is part of its document: a changed schema must change the hash kubectl caches by.
  const kinds = registry
    .byGroupVersion(group, version)
    .map((t) => `${groupVersion(t)}/${t.kind}${t.schema ? JSON.stringify(t.schema) : ''}`)
    .join(',');
  let h = 0;
  for (let i = 0; i < kinds.length; i++) h = (Math.imul(h, 31) + kinds.charCodeAt(i)) >>> 0;
  return h.toString(16).toUpperCase().padStart(8, '0');
}
