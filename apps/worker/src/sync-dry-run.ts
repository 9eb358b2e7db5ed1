import type { SyncPlan, SyncTask } from '@berth/domain';
import { isClusterUnreachable, KubeApiError } from '@berth/kube';
import type { ClusterTarget } from './app-of-apps.target';

/** How many dry-run requests are in flight at once. */
const CONCURRENCY = 8;

/** gitops-engine's phase message when the dry run fails; every problem follows it. */
export const DRY_RUN_FAILED = 'one or more objects failed to apply (dry run)';

export interface DryRunContext {
  cluster: ClusterTarget;
  /** Namespaces that do not exist yet and that this sync creates: the server cannot validate objects in them. */
  newNamespaces: ReadonlySet<string>;
  /** Sends one task with `dryRun=All`, the way the real run would send it. */
  send(task: SyncTask): Promise<unknown>;
  /** Whether the task's object exists in the cluster. */
  isLive(key: string): boolean;
}

/**
 * gitops-engine's dry run before an operation applies anything: every task of every phase (SyncFail hooks
 * included) goes to the API server with `dryRun=All`, and the problems of all of them are returned, in plan
 * order. Prunes are not sent (as in Argo CD: nothing to validate). A kind the cluster does not serve is a
 * problem unless a CRD of this sync defines it or SkipDryRunOnMissingResource=true is set (Argo CD's two
 * exceptions). An object inside a namespace this sync creates is only checked for its kind.
 */
export async function dryRunProblems(plan: SyncPlan, ctx: DryRunContext): Promise<string[]> {
  const tasks = [...plan.waves, ...plan.syncFailWaves]
    .flatMap((w) => w.tasks)
    .filter((t) => t.object && t.action !== 'skip' && t.action !== 'prune');
  const problems: Array<string | undefined> = new Array<string | undefined>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      problems[index] = await problemOf(tasks[index]!, ctx);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tasks.length) }, worker));
  return problems.filter((p): p is string => p !== undefined);
}

async function problemOf(task: SyncTask, ctx: DryRunContext): Promise<string | undefined> {
  const obj = task.object!;
  try {
    const namespace = obj.metadata.namespace;
    if (namespace && ctx.newNamespaces.has(namespace)) {
      await ctx.cluster.isNamespaced(obj.apiVersion, obj.kind);
      return undefined;
    }
    await ctx.send(task);
    return undefined;
  } catch (err) {
    // Not a problem of the object: the operation waits for the cluster (SyncProcessor.waitForCluster).
    if (isClusterUnreachable(err)) throw err;
    const missingKind = err instanceof KubeApiError && err.code === 'UnknownResourceType';
    if (missingKind && (task.definedByCrd !== undefined || task.syncOptions.skipDryRunOnMissingResource))
      return undefined;
    // A hook whose earlier instance still has its name: BeforeHookCreation deletes it first, or it is applied.
    if (task.hook && err instanceof KubeApiError && err.code === 'AlreadyExists') return undefined;
    // Force=true deletes and re-creates an existing object the server refuses to change (an immutable field):
    // a refusal of the dry run says nothing about that.
    if (!missingKind && task.syncOptions.force && ctx.isLive(task.key)) return undefined;
    const message = (err as Error).message;
    const hint = missingKind
      ? ' (add its CustomResourceDefinition to the app, or set the sync option SkipDryRunOnMissingResource=true if something else creates it)'
      : '';
    return `${task.key}: ${message}${hint}`;
  }
}
