/**
 * The parts of the API's Application (Argo CD's shape, `GET /api/v1/applications/{name}`) the CLI prints.
 * Everything optional: the CLI must print what a server sends, even an older or newer one.
 */
export interface AppSource {
  repoURL?: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
  helm?: { parameters?: Array<{ name: string; value: string }>; valueFiles?: string[]; values?: string };
  kustomize?: { images?: string[] };
}

export interface ResourceRef {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface AppResourceStatus extends ResourceRef {
  status?: string;
  health?: { status?: string; message?: string };
  requiresPruning?: boolean;
}

export interface AppOperationState {
  operation?: {
    sync?: { revision?: string; dryRun?: boolean };
    operationId?: string;
    trigger?: string;
    initiatedBy?: { username?: string; automated?: boolean };
  };
  phase?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  syncResult?: { revision?: string };
}

export interface HistoryEntry {
  id: number;
  revision?: string;
  deployedAt?: string;
  deployStartedAt?: string;
  trigger?: string;
  initiatedBy?: { username?: string; automated?: boolean };
  source?: AppSource;
}

export interface Application {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: string };
  spec: {
    project?: string;
    source?: AppSource;
    sources?: AppSource[];
    destination?: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } | null; syncOptions?: string[] };
  };
  operation?: unknown;
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string };
    operationState?: AppOperationState;
    conditions?: Array<{ type: string; message: string }>;
    history?: HistoryEntry[];
    resources?: AppResourceStatus[];
    reconciledAt?: string;
  };
}

/** The audit route's events (`GET /api/v1/applications/{name}/audit`), oldest first. */
export interface RecordedEvent {
  type: string;
  data: Record<string, unknown>;
  metadata?: { actor?: string; correlationId?: string };
  recordedAt?: string;
  position?: string;
}

export const sourcesOf = (app: Application): AppSource[] =>
  app.spec.sources?.length ? app.spec.sources : app.spec.source ? [app.spec.source] : [];

/** Argo CD's SYNCPOLICY column: `Auto-Prune`, `Auto`, or `Manual`. */
export function syncPolicyOf(app: Application): string {
  const automated = app.spec.syncPolicy?.automated;
  if (!automated) return 'Manual';
  return automated.prune ? 'Auto-Prune' : 'Auto';
}

/** Argo CD's CLUSTER column: the destination server, or its name. */
export const clusterOf = (app: Application): string =>
  app.spec.destination?.server || app.spec.destination?.name || '';

/** `<none>` or the condition types, comma separated, as Argo CD. */
export function conditionsOf(app: Application): string {
  const types = (app.status?.conditions ?? []).map((c) => c.type);
  return types.length ? types.join(',') : '<none>';
}

export const qualifiedName = (app: Application): string =>
  `${app.metadata.namespace ?? 'argocd'}/${app.metadata.name}`;

export const short = (revision: string | undefined): string => (revision ? revision.slice(0, 7) : '');
