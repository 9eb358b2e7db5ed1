import type { AppResourceStatus, Application, RecordedEvent, ResourceRef } from './application';

/** One row of Argo CD's resource table: GROUP KIND NAMESPACE NAME STATUS HEALTH HOOK MESSAGE. */
export interface ResourceRow {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  status: string;
  health: string;
  hook: string;
  message: string;
}

export const RESOURCE_HEADERS = ['GROUP', 'KIND', 'NAMESPACE', 'NAME', 'STATUS', 'HEALTH', 'HOOK', 'MESSAGE'];

export const resourceCells = (r: ResourceRow): string[] => [
  r.group,
  r.kind,
  r.namespace,
  r.name,
  r.status,
  r.health,
  r.hook,
  r.message,
];

/**
 * Kinds with a health check of their own (gitops-engine's pkg/health): a resource of these kinds that the
 * app does not list as unhealthy is Healthy. Others (ConfigMap, Secret ...) have no health, left blank as
 * Argo CD leaves it.
 */
const KINDS_WITH_HEALTH = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Pod',
  'Service',
  'Ingress',
  'PersistentVolumeClaim',
  'Job',
  'HorizontalPodAutoscaler',
  'APIService',
  'Application',
]);

const keyOf = (r: ResourceRef) => `${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

interface SyncedData {
  operationId?: string;
  resource?: ResourceRef;
  phase?: string;
  result?: string;
  message?: string;
  hook?: boolean;
}

/** The id of the app's latest operation: the running or last one (`status.operationState`). */
export function latestOperationId(app: Application, events: RecordedEvent[]): string | undefined {
  const fromState = app.status?.operationState?.operation?.operationId;
  if (fromState) return fromState;
  for (let i = events.length - 1; i >= 0; i--) {
    const id = events[i]!.data['operationId'];
    if (events[i]!.type === 'SyncOperationStarted' && typeof id === 'string') return id;
  }
  return undefined;
}

/**
 * The rows of `argocd app get` / `app sync`: the resources of the operation `operationId` (its
 * ResourceSynced events, with their results as the message), joined with `status.resources`, which holds
 * only resources that are out of sync or not Healthy: one missing from it is Synced (and Healthy when its
 * kind has a health). `includePruned`: keep resources the operation pruned (the sync result), else drop
 * them (the app's resources now).
 */
export function resourceRows(
  app: Application,
  events: RecordedEvent[],
  operationId: string | undefined,
  options: { includePruned?: boolean } = {},
): ResourceRow[] {
  const problems = new Map<string, AppResourceStatus>(
    (app.status?.resources ?? []).map((r) => [keyOf(r), r]),
  );
  const compared = (app.status?.sync?.status ?? 'Unknown') !== 'Unknown';
  const rows = new Map<string, ResourceRow>();
  for (const event of events) {
    if (event.type !== 'ResourceSynced') continue;
    const data = event.data as SyncedData;
    if (!operationId || data.operationId !== operationId || !data.resource) continue;
    const resource = data.resource;
    const key = keyOf(resource);
    const pruned = data.result === 'pruned' || (data.hook === true && data.result === 'deleted');
    if (pruned && !options.includePruned) {
      rows.delete(key);
      continue;
    }
    const problem = problems.get(key);
    rows.set(key, {
      group: resource.group ?? '',
      kind: resource.kind,
      namespace: resource.namespace ?? '',
      name: resource.name,
      status: data.hook ? '' : pruned ? 'Pruned' : (problem?.status ?? (compared ? 'Synced' : 'Unknown')),
      health: data.hook ? '' : pruned ? '' : healthOf(resource, problem, compared),
      hook: data.hook ? (data.phase ?? '') : '',
      message: data.message ?? resultMessage(resource, data.result ?? ''),
    });
  }
  for (const [key, problem] of problems) {
    if (rows.has(key)) continue;
    rows.set(key, {
      group: problem.group ?? '',
      kind: problem.kind,
      namespace: problem.namespace ?? '',
      name: problem.name,
      status: problem.status ?? '',
      health: problem.health?.status ?? '',
      hook: '',
      message: problem.health?.message ?? (problem.requiresPruning ? 'ignored (requires pruning)' : ''),
    });
  }
  return [...rows.values()];
}

function healthOf(resource: ResourceRef, problem: AppResourceStatus | undefined, compared: boolean): string {
  if (problem?.health?.status) return problem.health.status;
  if (!compared) return '';
  return KINDS_WITH_HEALTH.has(resource.kind) ? 'Healthy' : '';
}

/** kubectl's words, as Argo CD's sync results read: `deployment.apps/guestbook-ui created`. */
export function resultMessage(resource: ResourceRef, result: string): string {
  const type = resource.group
    ? `${resource.kind.toLowerCase()}.${resource.group}`
    : resource.kind.toLowerCase();
  return result ? `${type}/${resource.name} ${result}` : '';
}
