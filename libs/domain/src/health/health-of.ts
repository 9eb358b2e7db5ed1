import { groupOf, type KubeObject } from '../diff/kube-object';
import { builtinHealthChecks, type HealthCheck, type HealthCheckRegistry } from './health-check.registry';
import type { HealthStatus } from './health-status';

const BUILTIN = builtinHealthChecks();

/**
 * Health of a live object. Missing when it does not exist; Progressing while it is being
 * deleted; then the custom check for its group/kind, then the built-in one; a kind with no
 * check is Healthy because it exists. A check that throws gives Unknown with its message.
 */
export function healthOf(
  obj: KubeObject | undefined | null,
  customChecks?: HealthCheckRegistry,
): HealthStatus {
  if (!obj) return { status: 'Missing', message: 'Resource does not exist in the cluster' };
  if (obj.metadata['deletionTimestamp']) return { status: 'Progressing', message: 'Pending deletion' };
  const group = groupOf(obj.apiVersion);
  for (const registry of [customChecks, BUILTIN]) {
    const check: HealthCheck | undefined = registry?.get(group, obj.kind);
    if (!check) continue;
    try {
      const result = check(obj);
      if (result) return result;
    } catch (err) {
      return {
        status: 'Unknown',
        message: `Health check for ${obj.kind} "${obj.metadata.name}" failed: ${(err as Error).message}`,
      };
    }
  }
  return { status: 'Healthy' };
}
