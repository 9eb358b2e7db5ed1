import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { generation, num, str } from './status-fields';

/** As gitops-engine health_daemonset.go. */
export function daemonSetHealth(obj: KubeObject): HealthStatus {
  if (generation(obj) > num(obj, 'status', 'observedGeneration')) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    };
  }
  const desired = num(obj, 'status', 'desiredNumberScheduled');
  const updated = num(obj, 'status', 'updatedNumberScheduled');
  const available = num(obj, 'status', 'numberAvailable');
  if (str(obj, 'spec', 'updateStrategy', 'type') === 'OnDelete') {
    return {
      status: 'Healthy',
      message: `daemon set ${updated} out of ${desired} new pods have been updated`,
    };
  }
  const name = obj.metadata.name;
  if (updated < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  }
  if (available < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    };
  }
  return { status: 'Healthy' };
}
