import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { conditions, field, generation, num, optNum } from './status-fields';

/** kubectl rollout status semantics, as gitops-engine health_deployment.go. */
export function deploymentHealth(obj: KubeObject): HealthStatus {
  if (field(obj, 'spec', 'paused') === true) return { status: 'Suspended', message: 'Deployment is paused' };
  if (generation(obj) > num(obj, 'status', 'observedGeneration')) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  }
  const progressing = conditions(obj).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      status: 'Degraded',
      message: `Deployment "${obj.metadata.name}" exceeded its progress deadline`,
    };
  }
  const specReplicas = optNum(obj, 'spec', 'replicas');
  const updated = num(obj, 'status', 'updatedReplicas');
  const replicas = num(obj, 'status', 'replicas');
  const available = num(obj, 'status', 'availableReplicas');
  if (specReplicas !== undefined && updated < specReplicas) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${specReplicas} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}
