import type { DaemonSet, Pod } from '../api/builtin-kinds';
import { nameOf, namespaceOf } from '../api/resource-type';
import { randomSuffix, stableHash } from '../store/object-utils';
import { CONTROLLER_MANAGER, NODE_NAME, ownerReference, type ControllerContext } from './controller-context';
import { isPodActive, isPodReady, podFromTemplate } from './pod-readiness';

/** DaemonSet controller for a one-node cluster: exactly one pod, replaced when the template changes. */
export function reconcileDaemonSets(ctx: ControllerContext): void {
  const podType = ctx.type('v1', 'Pod');
  for (const ds of ctx.pending('apps/v1', 'DaemonSet') as DaemonSet[]) {
    if (ds.metadata?.['deletionTimestamp']) continue;
    const name = String(ds.metadata?.['name']);
    const ns = namespaceOf(ds);
    const hash = stableHash(ds.spec?.template);
    const pods = (ctx.owned('v1', 'Pod', ds) as Pod[]).filter(isPodActive);
    const stale = pods.filter((p) => p.metadata?.['labels']?.['controller-revision-hash'] !== hash);
    if (pods.length === 0) {
      const pod = podFromTemplate(ds.spec?.template, `${name}-${randomSuffix()}`, ns, ownerReference(ds), {
        'controller-revision-hash': hash,
        'pod-template-generation': String(ds.metadata?.['generation'] ?? 1),
      });
      pod.spec.nodeName = NODE_NAME;
      try {
        ctx.registry.create(podType, ns, pod, { fieldManager: CONTROLLER_MANAGER });
      } catch {
        // Transient: try again shortly.
        ctx.requeue(ds);
      }
    } else {
      for (const p of stale) {
        try {
          ctx.registry.delete(podType, ns, nameOf(p));
        } catch {
          // Already gone.
        }
      }
    }
    const current = pods.filter((p) => !stale.includes(p));
    const ready = current.filter(isPodReady).length;
    ctx.writeStatus('apps/v1', 'DaemonSet', ds, {
      currentNumberScheduled: pods.length,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: pods.filter(isPodReady).length,
      observedGeneration: ds.metadata?.['generation'],
      updatedNumberScheduled: current.length || undefined,
      numberAvailable: ready || undefined,
      numberUnavailable: 1 - ready > 0 ? 1 - ready : undefined,
    });
  }
}
