import { groupOf, type KubeObject } from '../diff/kube-object';
import { builtinHealthChecks, type HealthCheck, type HealthCheckRegistry } from './health-check.registry';
import type { HealthStatus } from './health-status';
import { statusConditionsHealth } from './status-conditions.health';
import { field, str } from './status-fields';

const BUILTIN = builtinHealthChecks();

/**
 * Health of a live object, first answer wins:
 * 1. Missing when it does not exist; Progressing "Pending deletion" while it is being deleted.
 * 2. The custom check for its group/kind (a Lua `health.lua`): exact key, then wildcards.
 * 3. The built-in check (gitops-engine's kinds, plus Application and CronJob).
 * 4. The status-conditions rule (observedGeneration, Stalled/Reconciling/Ready/Succeeded/Available).
 * 5. Healthy: it exists.
 * A check that returns undefined defers to the next step; one that throws gives Unknown with its message.
 */
export function healthOf(
  obj: KubeObject | undefined | null,
  customChecks?: HealthCheckRegistry,
): HealthStatus {
  if (!obj) return { status: 'Missing', message: 'Resource does not exist in the cluster' };
  // A live object always has metadata; one handed in without it is judged, not a crash.
  if (field(obj, 'metadata', 'deletionTimestamp'))
    return { status: 'Progressing', message: 'Pending deletion' };
  const group = groupOf(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  const checks: Array<HealthCheck | undefined> = [
    customChecks?.get(group, obj.kind),
    BUILTIN.get(group, obj.kind),
    statusConditionsHealth,
  ];
  for (const check of checks) {
    if (!check) continue;
    try {
      const result = check(obj);
      if (result) return result;
    } catch (err) {
      return {
        status: 'Unknown',
        message: `Health check for ${obj.kind} "${str(obj, 'metadata', 'name')}" failed: ${(err as Error).message}`,
      };
    }
  }
  return { status: 'Healthy' };
}
