import type { Condition, LabelSelector, Pod } from '../api/builtin-kinds';
import { namespaceOf, type KubeObject } from '../api/resource-type';
import { matchesLabelSelectorObject } from '../store/label-selector';
import { isPlainObject } from '../store/object-utils';
import { setCondition, type ControllerContext } from './controller-context';
import { isPodReady } from './pod-readiness';

type Budget = KubeObject & {
  spec?: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { conditions?: Condition[] };
};

/**
 * The disruption controller (pkg/controller/disruption/disruption.go): a PodDisruptionBudget's status from
 * the pods its selector matches. An integer minAvailable expects the matching pods; a percentage or
 * maxUnavailable expects the replicas of the pods' controllers (a ReplicaSet owned by a Deployment counts
 * the Deployment's). disruptionsAllowed = currentHealthy - desiredHealthy, never below 0.
 */
export function reconcileDisruptionBudgets(ctx: ControllerContext): void {
  const budgets = ctx.list('policy/v1', 'PodDisruptionBudget') as Budget[];
  if (budgets.length === 0) return;
  const pods = ctx.list('v1', 'Pod') as Pod[];
  const now = ctx.time(ctx.nowMs());
  for (const pdb of budgets) {
    if (pdb.metadata?.['deletionTimestamp']) continue;
    const spec = pdb.spec ?? {};
    const ns = namespaceOf(pdb);
    const matching = pods.filter(
      (p) =>
        namespaceOf(p) === ns &&
        matchesLabelSelectorObject(spec.selector, p.metadata?.labels) &&
        !p.metadata?.['deletionTimestamp'],
    );
    const currentHealthy = matching.filter(isPodReady).length;
    let expectedPods: number;
    let desiredHealthy: number;
    if (typeof spec.minAvailable === 'number') {
      expectedPods = matching.length;
      desiredHealthy = spec.minAvailable;
    } else {
      expectedPods = expectedScale(ctx, matching);
      if (spec.maxUnavailable !== undefined) {
        desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods));
      } else {
        desiredHealthy = scaled(spec.minAvailable ?? 0, expectedPods);
      }
    }
    const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
    const generation = pdb.metadata?.['generation'];
    const conditions = setCondition(
      pdb.status?.conditions,
      disruptionsAllowed > 0
        ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }
        : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '' },
      now,
    ).map((c) => ({ ...c, ...(generation !== undefined ? { observedGeneration: generation } : {}) }));
    ctx.writeStatus('policy/v1', 'PodDisruptionBudget', pdb, {
      observedGeneration: generation,
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy,
      expectedPods,
      conditions,
    });
  }
}

/** intstr: an integer, or a percentage of `total` rounded up (GetScaledValueFromIntOrPercent, roundUp). */
function scaled(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const pct = Number(value.replace('%', ''));
  return Number.isFinite(pct) ? Math.ceil((pct * total) / 100) : 0;
}

/** The summed replicas of the matching pods' controllers (disruption.go getExpectedScale). */
function expectedScale(ctx: ControllerContext, pods: Pod[]): number {
  const seen = new Map<string, number>();
  for (const pod of pods) {
    const ref = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    if (!ref) {
      seen.set(`pod:${pod.metadata?.uid}`, 1);
      continue;
    }
    const type = ref.apiVersion && ref.kind ? ctx.registry.types.byKind(ref.apiVersion, ref.kind) : undefined;
    const owner = type ? ctx.registry.find(type, namespaceOf(pod), ref.name ?? '') : undefined;
    let scaleOwner = owner;
    const parent = owner?.metadata?.ownerReferences?.find((r) => r.controller === true);
    if (owner?.kind === 'ReplicaSet' && parent?.kind === 'Deployment') {
      const deployments = ctx.type('apps/v1', 'Deployment');
      scaleOwner = ctx.registry.find(deployments, namespaceOf(pod), parent.name ?? '') ?? owner;
    }
    const key = String(scaleOwner?.metadata?.uid ?? ref.uid);
    const spec = scaleOwner?.['spec'];
    const replicas = isPlainObject(spec) && typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
    seen.set(key, replicas);
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}
