import { KubeApiError } from './kube-api.error';

/** How to reach one kind on the server: `/apis/<apiVersion>/[namespaces/<ns>/]<plural>`. */
export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

/** GET a discovery document; returns undefined on 404 (group or version not served). */
export type DiscoveryGet = (path: string) => Promise<unknown>;

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

interface ApiGroupList {
  groups?: Array<{
    name: string;
    preferredVersion?: { groupVersion: string };
    versions?: Array<{ groupVersion: string }>;
  }>;
}

/**
 * Resource discovery with a cache, as kubectl's: one request per group version, reused until a
 * kind is not found (a CRD may have been installed since), then fetched once more. A request that
 * failed is never reused.
 */
export class ApiDiscovery {
  private readonly lists = new Map<string, Promise<ApiResourceList | undefined>>();
  private groups: Promise<ApiGroupList> | undefined;

  constructor(private readonly get: DiscoveryGet) {}

  /** The type of `kind` in `apiVersion` (`v1`, `apps/v1`, `example.com/v1alpha1`). */
  async forApiVersion(apiVersion: string, kind: string): Promise<ResourceType> {
    const found = (await this.lookup(apiVersion, kind, false)) ?? (await this.lookup(apiVersion, kind, true));
    if (!found) {
      throw new KubeApiError(
        'UnknownResourceType',
        `the cluster serves no kind "${kind}" in apiVersion "${apiVersion}"; check the apiVersion, or install the CustomResourceDefinition first`,
        404,
      );
    }
    return found;
  }

  /** The type of `kind` in `group` at the server's preferred version (for keys that carry no version). */
  async forGroup(group: string, kind: string): Promise<ResourceType> {
    if (group === '') return this.forApiVersion('v1', kind);
    for (const refresh of [false, true]) {
      let groups = this.groups;
      if (refresh || !groups) {
        const asked = this.get('/apis').then((g) => (g ?? {}) as ApiGroupList);
        groups = this.groups = asked;
        // A list the server did not answer is not kept (the cluster was away): the next lookup asks again.
        asked.catch(() => {
          if (this.groups === asked) this.groups = undefined;
        });
      }
      const entry = (await groups).groups?.find((g) => g.name === group);
      if (!entry) continue;
      const versions = [
        entry.preferredVersion?.groupVersion,
        ...(entry.versions ?? []).map((v) => v.groupVersion),
      ].filter((v): v is string => typeof v === 'string');
      for (const version of [...new Set(versions)]) {
        const found = await this.lookup(version, kind, refresh);
        if (found) return found;
      }
    }
    throw new KubeApiError(
      'UnknownResourceType',
      `the cluster serves no kind "${kind}" in API group "${group}"; install the CustomResourceDefinition first`,
      404,
    );
  }

  /**
   * Every kind the server lets one list and watch, at its group's preferred version (what a cluster
   * cache watches, as gitops-engine's does). Read fresh each time: a CRD installed since is included.
   * A group version that does not answer is left out (an aggregated API that is down must not stop
   * the others from being watched).
   */
  async watchableTypes(): Promise<ResourceType[]> {
    const groups = ((await this.get('/apis')) ?? {}) as ApiGroupList;
    const versions = [
      'v1',
      ...(groups.groups ?? [])
        .map((g) => g.preferredVersion?.groupVersion ?? g.versions?.[0]?.groupVersion)
        .filter((v): v is string => typeof v === 'string'),
    ];
    const types: ResourceType[] = [];
    for (const apiVersion of versions) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const list = await this.get(path)
        .then((l) => l as ApiResourceList | undefined)
        .catch(() => undefined);
      if (list) this.lists.set(apiVersion, Promise.resolve(list));
      for (const r of list?.resources ?? []) {
        if (r.name.includes('/')) continue;
        if (!r.verbs?.includes('list') || !r.verbs.includes('watch')) continue;
        types.push({ apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced });
      }
    }
    return types;
  }

  private async lookup(
    apiVersion: string,
    kind: string,
    refresh: boolean,
  ): Promise<ResourceType | undefined> {
    let list = this.lists.get(apiVersion);
    if (!list || refresh) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const asked = this.get(path).then((l) => l as ApiResourceList | undefined);
      list = asked;
      this.lists.set(apiVersion, asked);
      asked.catch(() => {
        if (this.lists.get(apiVersion) === asked) this.lists.delete(apiVersion);
      });
    }
    const resource = (await list)?.resources?.find((r) => r.kind === kind && !r.name.includes('/'));
    return resource && { apiVersion, kind, plural: resource.name, namespaced: resource.namespaced };
  }
}
