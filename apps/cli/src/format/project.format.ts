import { renderFields, renderTable } from './table';

/** The parts of Argo CD's AppProject the CLI prints. */
export interface AppProject {
  metadata: { name: string };
  spec: {
    description?: string;
    sourceRepos?: string[];
    destinations?: Array<{ server?: string; name?: string; namespace?: string }>;
    clusterResourceWhitelist?: Array<{ group: string; kind: string }>;
    namespaceResourceBlacklist?: Array<{ group: string; kind: string }>;
    syncWindows?: Array<{
      kind?: string;
      schedule?: string;
      duration?: string;
      applications?: string[];
      namespaces?: string[];
      clusters?: string[];
      manualSync?: boolean;
      timeZone?: string;
    }>;
  };
}

const kinds = (list: Array<{ group: string; kind: string }> | undefined) =>
  list?.length ? list.map((k) => `${k.group || ''}/${k.kind}`).join(', ') : '<none>';

const destinations = (p: AppProject) =>
  (p.spec.destinations ?? []).map((d) => `${d.server ?? d.name ?? ''},${d.namespace ?? ''}`);

/** `argocd proj list`'s columns (those Berth has). */
export function formatProjectList(projects: AppProject[]): string {
  return renderTable(
    [
      'NAME',
      'DESCRIPTION',
      'DESTINATIONS',
      'SOURCES',
      'CLUSTER-RESOURCE-WHITELIST',
      'NAMESPACE-RESOURCE-BLACKLIST',
    ],
    projects.map((p) => {
      const dest = destinations(p);
      const sources = p.spec.sourceRepos ?? [];
      return [
        p.metadata.name,
        p.spec.description ?? '',
        dest.length > 1 ? `${dest.length} destinations` : (dest[0] ?? '<none>'),
        sources.length > 1 ? `${sources.length} repos` : (sources[0] ?? '<none>'),
        kinds(p.spec.clusterResourceWhitelist),
        kinds(p.spec.namespaceResourceBlacklist),
      ];
    }),
  );
}

/** `argocd proj get`'s block. */
export function formatProject(p: AppProject): string {
  const list = (values: string[]) => (values.length ? values : ['<none>']);
  const [firstDest, ...moreDest] = list(destinations(p));
  const [firstSource, ...moreSources] = list(p.spec.sourceRepos ?? []);
  return [
    renderFields([
      ['Name', p.metadata.name],
      ['Description', p.spec.description ?? ''],
      ['Destinations', firstDest!],
    ]),
    ...moreDest.map((d) => `${''.padEnd(20)}${d}`),
    renderFields([['Repositories', firstSource!]]),
    ...moreSources.map((s) => `${''.padEnd(20)}${s}`),
    renderFields([
      ['Scoped Repositories', '<none>'],
      ['Allowed Cluster Resources', kinds(p.spec.clusterResourceWhitelist)],
      ['Denied Namespaced Resources', kinds(p.spec.namespaceResourceBlacklist)],
      ['Sync Windows', p.spec.syncWindows?.length ? `${p.spec.syncWindows.length}` : '<none>'],
    ]).replace(/^(Denied Namespaced Resources:|Allowed Cluster Resources:)(\S)/gm, '$1 $2'),
  ].join('\n');
}

/** `argocd proj windows list`: ID STATUS KIND SCHEDULE DURATION APPLICATIONS NAMESPACES CLUSTERS MANUALSYNC TIMEZONE. */
export function formatWindows(p: AppProject, active: Set<number>): string {
  const join = (v: string[] | undefined) => (v?.length ? v.join(',') : '-');
  return renderTable(
    [
      'ID',
      'STATUS',
      'KIND',
      'SCHEDULE',
      'DURATION',
      'APPLICATIONS',
      'NAMESPACES',
      'CLUSTERS',
      'MANUALSYNC',
      'TIMEZONE',
    ],
    (p.spec.syncWindows ?? []).map((w, id) => [
      String(id),
      active.has(id) ? 'Active' : 'Inactive',
      w.kind ?? '',
      w.schedule ?? '',
      w.duration ?? '',
      join(w.applications),
      join(w.namespaces),
      join(w.clusters),
      w.manualSync ? 'Enabled' : 'Disabled',
      w.timeZone ?? 'UTC',
    ]),
  );
}
