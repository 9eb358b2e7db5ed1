import type { ResourceRegistry } from './resource-registry';
import { groupVersion, type ResourceType } from './resource-type';

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * The server version: Kubernetes 1.34, the version whose behaviour the sandbox follows. The build metadata
 * (`+sandbox`, as k3s writes `+k3s1`) names it without making it a semver pre-release, which Helm's
 * `semverCompare ">=1.34.0"` on `.Capabilities.KubeVersion` would rank below 1.34.0.
 */
export const SANDBOX_VERSION = {
  major: '1',
  minor: '34',
  emulationMajor: '1',
  emulationMinor: '34',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '33',
  gitVersion: 'v1.34.1+sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-09-09T19:44:50Z',
  goVersion: 'go1.24.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups(registry).map((g) => apiGroup(registry, g, false)),
  };
}

export function apiGroup(
  registry: ResourceRegistry,
  group: string,
  withKind = true,
): Record<string, unknown> {
  const versions = registry
    .groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: groupVersion(gv), version: gv.version }));
  return {
    ...(withKind ? { kind: 'APIGroup', apiVersion: 'v1' } : {}),
    name: group,
    versions,
    preferredVersion: versions[0],
  };
}

export function groups(registry: ResourceRegistry): string[] {
  return [...new Set(registry.groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
}

/**
 * The legacy APIResourceList. Entries are sorted by name so a main resource precedes its
 * subresources: client-node picks the first entry whose kind matches.
 */
export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> {
  const resources: Array<Record<string, unknown>> = [];
  for (const t of registry.byGroupVersion(group, version)) {
    resources.push(mainResource(t));
    for (const sub of [...t.subresources].sort()) resources.push(subresource(t, sub));
  }
  resources.sort((a, b) => (String(a['name']) < String(b['name']) ? -1 : 1));
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources,
  };
}

function mainResource(t: ResourceType): Record<string, unknown> {
  const verbs =
    t.verbs ?? (t.kind === 'Namespace' ? allVerbs.filter((v) => v !== 'deletecollection') : allVerbs);
  return {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs,
    ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    ...(t.categories ? { categories: t.categories } : {}),
  };
}

function subresource(t: ResourceType, sub: string): Record<string, unknown> {
  const base = { name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced };
  switch (sub) {
    case 'scale':
      return {
        ...base,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      };
    case 'log':
      return { ...base, kind: 'Pod', verbs: ['get'] };
    case 'exec':
      return { ...base, kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach':
      return { ...base, kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward':
      return { ...base, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'proxy':
      return { ...base, kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'ephemeralcontainers':
      return { ...base, kind: 'Pod', verbs: ['get', 'patch', 'update'] };
    case 'finalize':
      return { ...base, kind: t.kind, verbs: ['update'] };
    default:
      return { ...base, kind: t.kind, verbs: ['get', 'patch', 'update'] };
  }
}
