import { type AppSyncWindows, type Application, DEFAULT_PROJECT_NAME } from '@berth/domain';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER } from '@berth/kube';
import type { WorkerDeps } from './worker-deps';

/**
 * The sync windows an app's syncs answer to, read fresh for each decision (a project edited a moment ago
 * counts): its project's `spec.syncWindows` and, when there are any, the clusters Berth knows (a window
 * naming `in-cluster` holds an app that writes `https://kubernetes.default.svc`). A project that is not
 * stored has no windows: `default` until someone defines it, as in Argo CD.
 */
export async function syncWindowsOf(
  deps: Pick<WorkerDeps, 'projects' | 'registeredClusters'>,
  app: Application,
): Promise<AppSyncWindows> {
  const project = await deps.projects.find(app.spec.project || DEFAULT_PROJECT_NAME);
  const windows = project?.spec.syncWindows ?? [];
  if (windows.length === 0) return { windows };
  const registered = await deps.registeredClusters.destinations();
  return { windows, clusters: [{ name: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER }, ...registered] };
}
