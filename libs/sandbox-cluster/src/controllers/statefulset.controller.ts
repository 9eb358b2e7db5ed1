import type { Pod, StatefulSet } from '../api/builtin-kinds';
import { namespaceOf } from '../api/resource-type';
import { stableHash } from '../store/object-utils';
import { CONTROLLER_MANAGER, ownerReference, type ControllerContext } from './controller-context';
import { isPodActive, isPodReady, podFromTemplate } from './pod-readiness';

const REVISION_LABEL = 'controller-revision-hash';

/**
 * StatefulSet controller: pods `<sts>-0..N-1` created in order (OrderedReady waits for the previous
 * pod to be Ready), PVCs from volumeClaimTemplates, rolling update from the highest ordinal.
 */
export function reconcileStatefulSets(ctx: ControllerContext): void {
  const podType = ctx.type('v1', 'Pod');
  const pvcType = ctx.type('v1', 'PersistentVolumeClaim');
  for (const sts of ctx.pending('apps/v1', 'StatefulSet') as StatefulSet[]) {
    if (sts.metadata?.['deletionTimestamp']) continue;
    const name = String(sts.metadata?.['name']);
    const ns = namespaceOf(sts);
    const spec = sts.spec ?? {};
    const want = spec.replicas ?? 1;
    const updateRevision = `${name}-${stableHash(spec.template)}`;
    const pods = (ctx.owned('v1', 'Pod', sts) as Pod[]).filter(isPodActive);
    const byOrdinal = new Map(
      pods.map((p) => [Number(String(p.metadata?.['name']).slice(name.length + 1)), p]),
    );
    const parallel = spec.podManagementPolicy === 'Parallel';
    for (let i = 0; i < want; i++) {
      if (byOrdinal.has(i)) {
        if (!parallel && !isPodReady(byOrdinal.get(i)!)) break;
        continue;
      }
      for (const tmpl of spec.volumeClaimTemplates ?? []) {
        const claim = `${tmpl.metadata?.name}-${name}-${i}`;
        if (ctx.registry.find(pvcType, ns, claim)) continue;
        try {
          ctx.registry.create(
            pvcType,
            ns,
            {
              metadata: { name: claim, namespace: ns, labels: spec.selector?.matchLabels ?? {} },
              spec: tmpl.spec,
            },
            { fieldManager: CONTROLLER_MANAGER },
          );
        } catch {
          // Transient: try again shortly.
          ctx.requeue(sts);
        }
      }
      const pod = podFromTemplate(spec.template, `${name}-${i}`, ns, ownerReference(sts), {
        [REVISION_LABEL]: updateRevision,
        'statefulset.kubernetes.io/pod-name': `${name}-${i}`,
        'apps.kubernetes.io/pod-index': String(i),
      });
      pod.spec.hostname = `${name}-${i}`;
      if (spec.serviceName) pod.spec.subdomain = spec.serviceName;
      pod.spec.volumes = [
        ...(pod.spec.volumes ?? []),
        ...(spec.volumeClaimTemplates ?? []).map((t) => ({
          name: t.metadata?.name,
          persistentVolumeClaim: { claimName: `${t.metadata?.name}-${name}-${i}` },
        })),
      ];
      if (pod.spec.volumes.length === 0) delete pod.spec.volumes;
      try {
        ctx.registry.create(podType, ns, pod, { fieldManager: CONTROLLER_MANAGER });
      } catch {
        // Transient: try again shortly.
        ctx.requeue(sts);
      }
      if (!parallel) break;
    }
    // Scale down and roll from the highest ordinal, one pod at a time.
    const ordinals = [...byOrdinal.keys()].sort((a, b) => b - a);
    const excess = ordinals.find((o) => o >= want);
    const stale = ordinals.find(
      (o) => o < want && byOrdinal.get(o)!.metadata?.['labels']?.[REVISION_LABEL] !== updateRevision,
    );
    const allReady = pods.every(isPodReady);
    const victim = excess ?? (allReady && spec.updateStrategy?.type !== 'OnDelete' ? stale : undefined);
    if (victim !== undefined) {
      try {
        ctx.registry.delete(podType, ns, `${name}-${victim}`);
      } catch {
        // Already gone.
      }
    }
    const inRange = pods.filter((p) => Number(String(p.metadata?.['name']).slice(name.length + 1)) < want);
    const ready = inRange.filter(isPodReady).length;
    const updated = inRange.filter((p) => p.metadata?.['labels']?.[REVISION_LABEL] === updateRevision).length;
    const prevCurrent = sts.status?.currentRevision;
    const currentRevision =
      updated === want && ready === want ? updateRevision : (prevCurrent ?? updateRevision);
    const current = inRange.filter(
      (p) => p.metadata?.['labels']?.[REVISION_LABEL] === currentRevision,
    ).length;
    ctx.writeStatus('apps/v1', 'StatefulSet', sts, {
      observedGeneration: sts.metadata?.['generation'],
      replicas: inRange.length,
      readyReplicas: ready || undefined,
      currentReplicas: current || undefined,
      updatedReplicas: updated || undefined,
      availableReplicas: ready,
      currentRevision,
      updateRevision,
      collisionCount: 0,
    });
  }
}
