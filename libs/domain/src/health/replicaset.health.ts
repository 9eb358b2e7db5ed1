import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { conditions, generation, num, optNum } from './status-fields';

/** As gitops-engine health_replicaset.go. */
export function replicaSetHealth(obj: KubeObject): HealthStatus {
  if (generation(obj) > num(obj, 'status', 'observedGeneration')) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    };
  }
  const failure = conditions(obj).find((c) => c.type === 'ReplicaFailure');
  if (failure?.status === 'True') return { status: 'Degraded', message: failure.message };
  const specReplicas = optNum(obj, 'spec', 'replicas');
  const available = num(obj, 'status', 'availableReplicas');
  if (specReplicas !== undefined && available < specReplicas) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} out of ${specReplicas} new replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}
