import type { LabelSelector, Pod, ReplicaSet } from '../api/builtin-kinds';
import { nameOf, namespaceOf } from '../api/resource-type';
import { randomSuffix } from '../store/object-utils';
import { CONTROLLER_MANAGER, ownerReference, type ControllerContext } from './controller-context';
import { adoptOrphans } from './adoption';
import { isPodActive, isPodReady, podFromTemplate } from './pod-readiness';

/**
 * ReplicaSet controller, which is also the ReplicationController manager (same behaviour; an RC's selector
 * is a plain label map): keep `spec.replicas` live pods, report replica counts.
 */
export function reconcileReplicaSets(ctx: ControllerContext): void {
  reconcile(ctx, 'apps/v1', 'ReplicaSet');
  reconcile(ctx, 'v1', 'ReplicationController');
}

function reconcile(ctx: ControllerContext, apiVersion: string, kind: string): void {
  const podType = ctx.type('v1', 'Pod');
  for (const rs of ctx.pending(apiVersion, kind) as ReplicaSet[]) {
    if (rs.metadata?.['deletionTimestamp']) continue;
    const ns = namespaceOf(rs);
    // Active orphans the selector matches are adopted first (replica_set.go claimPods).
    const adopted = adoptOrphans(ctx, rs, 'v1', 'Pod', selectorOf(rs), (p) => isPodActive(p));
    const owned = ctx.owned('v1', 'Pod', rs) as Pod[];
    const ownedUids = new Set(owned.map((p) => p.metadata?.['uid']));
    const pods = [...owned, ...(adopted as Pod[]).filter((p) => !ownedUids.has(p.metadata?.['uid']))].filter(
      isPodActive,
    );
    const want = rs.spec?.replicas ?? 1;
    for (let i = pods.length; i < want; i++) {
      const pod = podFromTemplate(
        rs.spec?.template,
        `${rs.metadata?.['name']}-${randomSuffix()}`,
        ns,
        ownerReference(rs),
        {},
      );
      try {
        ctx.registry.create(podType, ns, pod, { fieldManager: CONTROLLER_MANAGER });
      } catch {
        // Namespace terminating or name clash: try again shortly.
        ctx.requeue(rs);
      }
    }
    const excess = [...pods]
      .sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)))
      .slice(0, Math.max(0, pods.length - want));
    for (const pod of excess) {
      try {
        ctx.registry.delete(podType, ns, nameOf(pod));
      } catch {
        // Already gone.
      }
    }
    const live = pods.filter((p) => !excess.includes(p));
    const ready = live.filter(isPodReady).length;
    ctx.writeStatus(apiVersion, kind, rs, {
      replicas: live.length,
      fullyLabeledReplicas: live.length || undefined,
      readyReplicas: ready || undefined,
      availableReplicas: ready || undefined,
      observedGeneration: rs.metadata?.['generation'],
    });
  }
}

/** A ReplicationController's selector is a plain label map; a ReplicaSet's a LabelSelector. */
function selectorOf(rs: ReplicaSet): LabelSelector | undefined {
  const selector = rs.spec?.selector as unknown;
  if (rs.kind === 'ReplicationController')
    return selector ? { matchLabels: selector as Record<string, string> } : undefined;
  return rs.spec?.selector;
}
