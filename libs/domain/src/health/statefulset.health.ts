import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { generation, num, optNum, str } from './status-fields';

/** As gitops-engine health_statefulset.go (kubectl rollout status for StatefulSets). */
export function statefulSetHealth(obj: KubeObject): HealthStatus {
  const observed = num(obj, 'status', 'observedGeneration');
  if (observed === 0 || generation(obj) > observed) {
    return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
  }
  const specReplicas = optNum(obj, 'spec', 'replicas');
  const ready = num(obj, 'status', 'readyReplicas');
  const updated = num(obj, 'status', 'updatedReplicas');
  if (specReplicas !== undefined && ready < specReplicas) {
    return { status: 'Progressing', message: `Waiting for ${specReplicas - ready} pods to be ready...` };
  }
  const strategy = str(obj, 'spec', 'updateStrategy', 'type');
  const partition = optNum(obj, 'spec', 'updateStrategy', 'rollingUpdate', 'partition');
  if (strategy === 'RollingUpdate' && partition !== undefined && specReplicas !== undefined) {
    if (updated < specReplicas - partition) {
      return {
        status: 'Progressing',
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${specReplicas - partition} new pods have been updated...`,
      };
    }
    return {
      status: 'Healthy',
      message: `partitioned roll out complete: ${updated} new pods have been updated...`,
    };
  }
  if (strategy === 'OnDelete') return { status: 'Healthy', message: `statefulset has ${ready} ready pods` };
  const updateRevision = str(obj, 'status', 'updateRevision');
  const currentRevision = str(obj, 'status', 'currentRevision');
  if (updateRevision !== currentRevision) {
    return {
      status: 'Progressing',
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`,
    };
  }
  return {
    status: 'Healthy',
    message: `statefulset rolling update complete ${num(obj, 'status', 'currentReplicas')} pods at revision ${currentRevision}...`,
  };
}
