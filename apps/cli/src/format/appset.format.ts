import { renderFields, renderTable } from './table';

/** An ApplicationSet as the API answers it (the fields the CLI prints). */
export interface ApplicationSetView {
  metadata: { name: string; namespace?: string };
  spec: {
    syncPolicy?: { applicationsSync?: string; preserveResourcesOnDeletion?: boolean };
    template: {
      spec?: {
        project?: string;
        source?: { repoURL?: string; path?: string; targetRevision?: string };
        destination?: { server?: string; name?: string; namespace?: string };
      };
    };
  };
  status?: {
    conditions?: Array<{ type: string; status: string; message: string; lastTransitionTime?: string }>;
    resources?: Array<{ name: string }>;
  };
}

export interface GeneratedApplicationView {
  metadata: { name: string };
  spec: {
    project?: string;
    source?: { repoURL?: string; path?: string; targetRevision?: string };
    destination?: { server?: string; name?: string; namespace?: string };
  };
}

const syncPolicyOf = (s: ApplicationSetView) => s.spec.syncPolicy?.applicationsSync ?? 'nil';
/** Argo CD lists the conditions whose status is True. */
const conditionsOf = (s: ApplicationSetView) =>
  `[${(s.status?.conditions ?? [])
    .filter((c) => c.status === 'True')
    .map((c) => c.type)
    .join(' ')}]`;

/** `argocd appset list`'s columns: NAME PROJECT SYNCPOLICY CONDITIONS (wide: REPO PATH TARGET). */
export function formatApplicationSetList(sets: ApplicationSetView[], wide: boolean): string {
  const headers = [
    'NAME',
    'PROJECT',
    'SYNCPOLICY',
    'CONDITIONS',
    ...(wide ? ['REPO', 'PATH', 'TARGET'] : []),
  ];
  return renderTable(
    headers,
    sets.map((s) => {
      const source = s.spec.template.spec?.source ?? {};
      return [
        `${s.metadata.namespace ?? 'argocd'}/${s.metadata.name}`,
        s.spec.template.spec?.project ?? '',
        syncPolicyOf(s),
        conditionsOf(s),
        ...(wide ? [source.repoURL ?? '', source.path ?? '', source.targetRevision ?? ''] : []),
      ];
    }),
  );
}

/** `argocd appset get`'s summary, then its CONDITION table, then the generated Applications. */
export function formatApplicationSet(s: ApplicationSetView): string {
  const spec = s.spec.template.spec ?? {};
  const fields: Array<[string, string]> = [
    ['Name', `${s.metadata.namespace ?? 'argocd'}/${s.metadata.name}`],
    ['Project', spec.project ?? ''],
    ['Server', spec.destination?.server ?? spec.destination?.name ?? ''],
    ['Namespace', spec.destination?.namespace ?? ''],
    ['Repo', spec.source?.repoURL ?? ''],
    ['Target', spec.source?.targetRevision ?? ''],
    ['Path', spec.source?.path ?? ''],
    ['SyncPolicy', s.spec.syncPolicy?.applicationsSync ?? '<none>'],
  ];
  const conditions = renderTable(
    ['CONDITION', 'STATUS', 'MESSAGE', 'LAST TRANSITION'],
    (s.status?.conditions ?? []).map((c) => [c.type, c.status, c.message, c.lastTransitionTime ?? '']),
  );
  const apps = (s.status?.resources ?? []).map((r) => r.name);
  return `${renderFields(fields)}\n\n${conditions}\n\nApplications: ${apps.length > 0 ? apps.join(', ') : '<none>'}`;
}

/** `argocd appset generate`'s table: the Applications it would generate. */
export function formatGeneratedApplications(apps: GeneratedApplicationView[]): string {
  return renderTable(
    ['NAME', 'CLUSTER', 'NAMESPACE', 'PROJECT', 'REPO', 'PATH', 'TARGET'],
    apps.map((a) => [
      a.metadata.name,
      a.spec.destination?.server ?? a.spec.destination?.name ?? '',
      a.spec.destination?.namespace ?? '',
      a.spec.project ?? '',
      a.spec.source?.repoURL ?? '',
      a.spec.source?.path ?? '',
      a.spec.source?.targetRevision ?? '',
    ]),
  );
}
