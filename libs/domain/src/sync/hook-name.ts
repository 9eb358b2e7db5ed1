import type { KubeObject } from '../diff/kube-object';
import { withTrackingId } from '../reconcile/tracking-id';
import { HOOK_FINALIZER, type SyncPhase } from './hook';
import { stableHash } from './plan-id';

/** What makes a hook's name unique to one operation. */
export interface HookNaming {
  /** The operation's id: every attempt and resumption of one operation names its hooks alike. */
  operationId: string;
  /** The revision the operation syncs. */
  revision: string;
  /** Restamps the tracking id with the hook's final name (`withTrackingId`). */
  application?: string;
}

/**
 * The name of a hook that has none (only `generateName`, or neither), as gitops-engine names it in
 * getSyncTasks: `generateName` + `<revision[0:7]>-<phase>-<operation>`, lower case. Argo CD's last part is
 * the operation's start time in Unix seconds; Berth uses 8 hex digits of its operation id, which is as
 * stable across retries and resumptions and does not collide for two operations started in one second.
 */
export function hookNameFor(obj: KubeObject, phase: SyncPhase, naming: HookNaming): string {
  const revision = naming.revision.length >= 8 ? naming.revision.slice(0, 7) : naming.revision;
  const suffix = `${revision}-${phase}-${stableHash(naming.operationId).slice(0, 8)}`.toLowerCase();
  return `${obj.metadata.generateName ?? ''}${suffix}`;
}

/**
 * The object a hook task creates: named for this operation when the manifest gave it no name, tracked
 * under that name, and carrying the hook finalizer.
 */
export function hookObjectFor(obj: KubeObject, phase: SyncPhase, naming: HookNaming | undefined): KubeObject {
  const unnamed = typeof obj.metadata.name !== 'string' || obj.metadata.name === '';
  let out: KubeObject =
    unnamed && naming
      ? { ...obj, metadata: { ...obj.metadata, name: hookNameFor(obj, phase, naming) } }
      : obj;
  if (unnamed && naming?.application) out = withTrackingId(naming.application, out);
  const finalizers = Array.isArray(out.metadata['finalizers'])
    ? (out.metadata['finalizers'] as string[])
    : [];
  if (!finalizers.includes(HOOK_FINALIZER)) {
    out = { ...out, metadata: { ...out.metadata, finalizers: [...finalizers, HOOK_FINALIZER] } };
  }
  return out;
}
