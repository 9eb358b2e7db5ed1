import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The application a job works on, for the labels of what it causes deep down (a Kubernetes request,
 * a finished sync): Argo CD labels `argocd_app_k8s_request_total` with the app because each app's
 * client is wrapped; Berth's clients are shared, so the job carries the app instead.
 */
export interface AppScope {
  name: string;
  /** The Application's own namespace (metadata.namespace). */
  namespace?: string;
  project?: string;
  destServer?: string;
  dryRun?: boolean;
  /** How the sync operation ended, when it did (Argo CD's phase: Succeeded, Failed, Error). */
  operationPhase?: 'Succeeded' | 'Failed' | 'Error';
}

const storage = new AsyncLocalStorage<AppScope>();

/** Runs `work` with `scope` as the current app; a processor fills in the rest with `describeAppScope`. */
export function runInAppScope<T>(scope: AppScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

export function currentAppScope(): AppScope | undefined {
  return storage.getStore();
}

/** Adds what a processor learnt once it loaded the app; nothing outside a scope. */
export function describeAppScope(details: Omit<AppScope, 'name'>): void {
  const scope = storage.getStore();
  if (scope) Object.assign(scope, details);
}
