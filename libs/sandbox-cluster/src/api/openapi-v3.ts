import type { ResourceRegistry } from './resource-registry';
import { groupVersion } from './resource-type';

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
 * A skeletal OpenAPI v3 document for one group version: each kind's PATCH operation with its
 * `x-kubernetes-group-version-kind` and the query parameters, and no schemas. kubectl then
 * relies on server-side field validation and falls back to its compiled-in patch metadata.
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
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.34.1' },
    paths,
    components: { schemas: {} },
  };
}

function hashOf(registry: ResourceRegistry, group: string, version: string): string {
  const kinds = registry
    .byGroupVersion(group, version)
    .map((t) => `${groupVersion(t)}/${t.kind}`)
    .join(',');
  let h = 0;
  for (let i = 0; i < kinds.length; i++) h = (Math.imul(h, 31) + kinds.charCodeAt(i)) >>> 0;
  return h.toString(16).toUpperCase().padStart(8, '0');
}
