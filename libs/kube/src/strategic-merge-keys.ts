/**
 * How a list of a built-in kind merges in a strategic merge patch: the `patchStrategy:"merge"` and
 * `patchMergeKey` tags of the Kubernetes API types (k8s.io/api). `key` lists merge item by item on one
 * field, `primitive` lists (finalizers) merge as sets; every other list is replaced whole, so a patch must
 * carry all of it. `path` is the field names from the object root, list items skipped
 * (`spec.template.spec.containers.env`).
 */
export type ListMerge = { type: 'key'; key: string } | { type: 'primitive' } | { type: 'replace' };

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

export function strategicListMerge(kind: string, path: readonly string[]): ListMerge {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (parent === 'metadata' && path.length === 2) {
    if (field === 'finalizers') return { type: 'primitive' };
    if (field === 'ownerReferences') return { type: 'key', key: 'uid' };
    return { type: 'replace' };
  }
  if (kind === 'ServiceAccount' && path.length === 1 && field === 'secrets')
    return { type: 'key', key: 'name' };
  if (kind === 'Service' && path.length === 2 && parent === 'spec' && field === 'ports')
    return { type: 'key', key: 'port' };
  if (CONTAINER_LISTS.has(parent)) {
    switch (field) {
      case 'ports':
        return { type: 'key', key: 'containerPort' };
      case 'env':
        return { type: 'key', key: 'name' };
      case 'volumeMounts':
        return { type: 'key', key: 'mountPath' };
      case 'volumeDevices':
        return { type: 'key', key: 'devicePath' };
    }
    return { type: 'replace' };
  }
  // PodSpec, wherever a kind embeds it (spec, spec.template.spec, spec.jobTemplate.spec.template.spec).
  if (parent === 'spec') {
    switch (field) {
      case 'containers':
      case 'initContainers':
      case 'ephemeralContainers':
      case 'volumes':
      case 'imagePullSecrets':
      case 'resourceClaims':
      case 'schedulingGates':
        return { type: 'key', key: 'name' };
      case 'hostAliases':
        return { type: 'key', key: 'ip' };
      case 'topologySpreadConstraints':
        return { type: 'key', key: 'topologyKey' };
    }
  }
  return { type: 'replace' };
}

/** API groups whose kinds are built in (strategic merge patch); any other group's kinds are custom resources. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'extensions',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'certificates.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'apiregistration.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
  'internal.apiserver.k8s.io',
]);

export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}
