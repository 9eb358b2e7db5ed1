import {
  HOOK_FINALIZER,
  isHook,
  type KubeObject,
  TRACKING_ID_ANNOTATION,
  type SyncTask,
} from '@berth/domain';
import { KubeApiError, type KubeRef, refOf } from '@berth/kube';
import type { ClusterTarget } from './app-of-apps.target';

/**
 * The object a hook's health is judged on: one being deleted while the hook finalizer holds it is judged by
 * its own status (gitops-engine's GetResourceHealth skips "Pending deletion" for it), so a Job removed early
 * (ttlSecondsAfterFinished) still reports its outcome.
 */
export function hookHealthView(live: KubeObject | undefined): KubeObject | undefined {
  const finalizers = live?.metadata['finalizers'];
  if (
    !live?.metadata['deletionTimestamp'] ||
    !Array.isArray(finalizers) ||
    !finalizers.includes(HOOK_FINALIZER)
  )
    return live;
  const { deletionTimestamp: _deleting, ...metadata } = live.metadata;
  return { ...live, metadata };
}

/**
 * What a sync does to the hook objects it creates besides creating them, as gitops-engine does: the hook
 * finalizer comes off once a hook has finished (or the operation is terminated), BeforeHookCreation removes
 * earlier instances first, and the delete policies act on the operation's outcome.
 */
export class HookLifecycle {
  /** Keys whose hook finalizer this run already took off. */
  private readonly released = new Set<string>();

  constructor(
    private readonly cluster: ClusterTarget,
    private readonly application: string,
  ) {}

  /**
   * Takes the hook finalizer off `live` (a JSON merge patch guarded by its resourceVersion, read again on a
   * conflict), so the object can go when it is deleted. Returns the object as it is now, or undefined when gone.
   */
  async release(live: KubeObject): Promise<KubeObject | undefined> {
    let current: KubeObject | undefined = live;
    for (let attempt = 0; current && attempt < 5; attempt++) {
      const finalizers = Array.isArray(current.metadata['finalizers'])
        ? (current.metadata['finalizers'] as string[])
        : [];
      if (!finalizers.includes(HOOK_FINALIZER)) return current;
      try {
        return await this.cluster.mergePatch(refOf(current), {
          metadata: {
            finalizers: finalizers.filter((f) => f !== HOOK_FINALIZER),
            resourceVersion: current.metadata['resourceVersion'],
          },
        });
      } catch (err) {
        if (err instanceof KubeApiError && err.code === 'NotFound') return undefined;
        if (!(err instanceof KubeApiError && err.code === 'Conflict')) throw err;
        current = await this.cluster.get(refOf(current));
      }
    }
    return current;
  }

  /** Releases a finished hook once per run (its health is Healthy or Degraded). */
  async releaseFinished(task: SyncTask, live: KubeObject | undefined): Promise<void> {
    if (!live || this.released.has(task.key)) return;
    await this.release(live);
    this.released.add(task.key);
  }

  /**
   * BeforeHookCreation (the default policy): the instance of this name goes, and the object is waited for
   * until it is gone; so do earlier operations' instances of a generateName hook, found by what they carry
   * (the same generateName, a hook annotation, this app's tracking id), never by a guessed name. Returns the
   * ref of the same-name instance when it was deleted: the caller waits until it is gone.
   */
  async deleteBeforeCreation(task: SyncTask, obj: KubeObject): Promise<KubeRef | undefined> {
    const generateName = task.hook?.generateName;
    if (generateName !== undefined && obj.metadata.namespace) {
      const previous = await this.cluster.list({
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: obj.metadata.namespace,
      });
      for (const live of previous) {
        if (live.metadata.name === obj.metadata.name || !this.isEarlierInstance(live, generateName, task))
          continue;
        await this.deleteHook(live);
      }
    }
    const ref = refOf(obj);
    const live = await this.cluster.get(ref);
    if (!live) return undefined;
    return (await this.deleteHook(live)) ? ref : undefined;
  }

  /** A delete policy's deletion: the finalizer first, then the object (Background: its pods follow). */
  async deleteHook(live: KubeObject): Promise<boolean> {
    const released = await this.release(live);
    if (!released) return false;
    return this.cluster.delete(refOf(released), { propagationPolicy: 'Background' });
  }

  /**
   * An instance of the same hook from an earlier operation: a hook tracked by this app with the same
   * generateName. Instances tracked before hooks were named per operation carry
   * "<app>:<group>/<kind>:<ns>/undefined" and a server-made name; they go too. A hook with neither name nor
   * generateName has only its per-operation name to go by (`<revision>-<phase>-<operation>`), for its phase.
   */
  private isEarlierInstance(live: KubeObject, generateName: string, task: SyncTask): boolean {
    const tracking = live.metadata.annotations?.[TRACKING_ID_ANNOTATION] ?? '';
    if (!isHook(live) || !tracking.startsWith(`${this.application}:`)) return false;
    if (generateName !== '') return live.metadata.generateName === generateName;
    const phase = task.phase.toLowerCase();
    return (
      !live.metadata.generateName && new RegExp(`^.{1,7}-${phase}-[0-9a-f]{8}$`).test(live.metadata.name)
    );
  }
}
