import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { type Condition, conditions } from './status-fields';

/**
 * Condition type and reason pairs that mean the autoscaler cannot do its job. The metric reasons
 * (object, pods, external, computing replicas) are the ones Argo CD's current HPA check added to
 * gitops-engine's resource-metric one: an HPA on a custom metric that does not exist is broken.
 */
const DEGRADED: ReadonlyArray<[string, string]> = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'FailedGetObjectMetric'],
  ['ScalingActive', 'FailedGetPodsMetric'],
  ['ScalingActive', 'FailedGetExternalMetric'],
  ['ScalingActive', 'FailedComputeMetricsReplicas'],
  ['ScalingActive', 'InvalidSelector'],
];
const WAITING: HealthStatus = { status: 'Progressing', message: 'Waiting to Autoscale' };

/**
 * As Argo CD's HorizontalPodAutoscaler check (gitops-engine health_hpa.go, now
 * resource_customizations/autoscaling/HorizontalPodAutoscaler): a degrading condition anywhere
 * wins over a healthy one, because the API server lists AbleToScale=True before a failing
 * ScalingActive. autoscaling/v1 keeps its conditions in an annotation.
 */
export function hpaHealth(obj: KubeObject): HealthStatus {
  let list: Condition[] = conditions(obj);
  if (obj.apiVersion === 'autoscaling/v1') {
    const raw = obj.metadata?.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
    if (!raw) return WAITING;
    try {
      list = conditions({ c: JSON.parse(raw) as unknown }, 'c');
    } catch {
      return { status: 'Unknown', message: 'The HPA conditions annotation is not valid JSON' };
    }
  }
  const degraded = list.find((c) =>
    DEGRADED.some(([type, reason]) => c.type === type && c.reason === reason),
  );
  if (degraded) return { status: 'Degraded', message: degraded.message };
  const healthy = list.find(
    (c) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True',
  );
  if (healthy) return { status: 'Healthy', message: healthy.message };
  return WAITING;
}
