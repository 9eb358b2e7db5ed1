import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { type Condition, conditions } from './status-fields';

const DEGRADED: ReadonlyArray<[string, string]> = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'InvalidSelector'],
];
const WAITING: HealthStatus = { status: 'Progressing', message: 'Waiting to Autoscale' };

/** As gitops-engine health_hpa.go; autoscaling/v1 keeps its conditions in an annotation. */
export function hpaHealth(obj: KubeObject): HealthStatus {
  let list: Condition[] = conditions(obj);
  if (obj.apiVersion === 'autoscaling/v1') {
    const raw = obj.metadata.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
    if (!raw) return WAITING;
    try {
      list = conditions({ c: JSON.parse(raw) as unknown }, 'c');
    } catch {
      return { status: 'Unknown', message: 'The HPA conditions annotation is not valid JSON' };
    }
  }
  for (const c of list) {
    if (DEGRADED.some(([type, reason]) => c.type === type && c.reason === reason)) {
      return { status: 'Degraded', message: c.message };
    }
    if ((c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True') {
      return { status: 'Healthy', message: c.message };
    }
  }
  return WAITING;
}
