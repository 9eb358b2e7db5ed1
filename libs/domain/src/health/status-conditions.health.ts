import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus, HealthStatusCode } from './health-status';
import { type Condition, conditions, optNum } from './status-fields';

/**
 * The conditions the rule reads, in the order they decide. Stalled and Reconciling are kstatus's
 * "abnormal-true" pair (sigs.k8s.io/cli-utils kstatus, also what Flux sets); Ready is the de facto
 * summary most controllers publish; Succeeded is the one-shot form (Tekton, Knative jobs); Available
 * is the Deployment-style one the API conventions name.
 */
const RULES: ReadonlyArray<{ type: string; health: Partial<Record<string, HealthStatusCode>> }> = [
  { type: 'Stalled', health: { True: 'Degraded' } },
  { type: 'Reconciling', health: { True: 'Progressing' } },
  { type: 'Ready', health: { True: 'Healthy', False: 'Progressing', Unknown: 'Progressing' } },
  { type: 'Succeeded', health: { True: 'Healthy', False: 'Degraded', Unknown: 'Progressing' } },
  { type: 'Available', health: { True: 'Healthy', False: 'Progressing', Unknown: 'Progressing' } },
];

/**
 * Health of an object that has no Lua script and no built-in check, from the Kubernetes status
 * conventions, the way kstatus reads a kind it does not know (Berth's addition: Argo CD leaves such a
 * resource without health). Undefined when the object publishes none of it, so "exists" means Healthy.
 *
 * - `status.observedGeneration` behind `metadata.generation`: Progressing (the controller has not
 *   looked at the latest spec, so its conditions describe an older one).
 * - The first of Stalled=True (Degraded), Reconciling=True (Progressing), Ready, Succeeded, Available
 *   decides; a condition whose own `observedGeneration` is behind is Progressing for the same reason.
 * - Ready=False is Progressing, as in kstatus: controllers report it while they work. A resource that
 *   cannot get better says Stalled=True (or Succeeded=False for a one-shot run).
 */
export function statusConditionsHealth(obj: KubeObject): HealthStatus | undefined {
  const generation = optNum(obj, 'metadata', 'generation');
  const observed = optNum(obj, 'status', 'observedGeneration');
  if (generation !== undefined && observed !== undefined && observed !== generation) {
    return {
      status: 'Progressing',
      message: `Waiting for the controller to observe generation ${generation} (observed ${observed})`,
    };
  }
  const list = conditions(obj);
  for (const rule of RULES) {
    const condition = list.find((c) => c.type === rule.type);
    const code = condition ? rule.health[condition.status] : undefined;
    if (!condition || !code) continue;
    if (isStale(condition, generation)) {
      return {
        status: 'Progressing',
        message: `Waiting for the controller to observe generation ${generation} (${condition.type} is for generation ${condition.observedGeneration})`,
      };
    }
    const message = condition.message || condition.reason;
    return message ? { status: code, message } : { status: code };
  }
  return undefined;
}

function isStale(condition: Condition, generation: number | undefined): boolean {
  return (
    generation !== undefined &&
    condition.observedGeneration !== undefined &&
    condition.observedGeneration < generation
  );
}
