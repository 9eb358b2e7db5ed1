import { clone, isPlainObject } from '../store/object-utils';
import type { KubeObject, ResourceType } from './resource-type';

// autoscaling/v1 HorizontalPodAutoscaler is served from the autoscaling/v2 storage, converted on the way in
// and out as pkg/apis/autoscaling/v1/conversion.go converts it: the CPU utilization target is v1's
// `targetCPUUtilizationPercentage`; what v1 cannot say (other metrics, current metrics, conditions,
// behavior) travels in annotations, so a v1 read-modify-write keeps it.
const METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';
const CARRIED = [METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR];

type Json = Record<string, unknown>;

export function isHpaV1(type: Pick<ResourceType, 'group' | 'version' | 'kind'>): boolean {
  return type.group === 'autoscaling' && type.version === 'v1' && type.kind === 'HorizontalPodAutoscaler';
}

/** The apiVersion an object of this type is stored in (the served one, but for autoscaling/v1 HPAs). */
export function storageApiVersion(type: Pick<ResourceType, 'group' | 'version' | 'kind'>): string {
  if (isHpaV1(type)) return 'autoscaling/v2';
  return type.group ? `${type.group}/${type.version}` : type.version;
}

function isCpuUtilization(metric: unknown, field: 'target' | 'current'): metric is Json {
  if (!isPlainObject(metric) || metric['type'] !== 'Resource' || !isPlainObject(metric['resource']))
    return false;
  const resource = metric['resource'];
  const value = resource[field];
  return (
    resource['name'] === 'cpu' &&
    isPlainObject(value) &&
    (field === 'current' || value['type'] === 'Utilization') &&
    typeof value['averageUtilization'] === 'number'
  );
}

function utilization(metric: Json, field: 'target' | 'current'): number {
  return ((metric['resource'] as Json)[field] as Json)['averageUtilization'] as number;
}

/** The stored (v2) object as autoscaling/v1 shows it. */
export function hpaV2ToV1(stored: KubeObject): KubeObject {
  const v2 = clone(stored);
  const spec = isPlainObject(v2['spec']) ? v2['spec'] : {};
  const status = isPlainObject(v2['status']) ? v2['status'] : undefined;
  const annotations: Record<string, string> = { ...(v2.metadata?.annotations ?? {}) };
  const metrics = Array.isArray(spec['metrics']) ? (spec['metrics'] as unknown[]) : [];
  const cpu = metrics.find((m) => isCpuUtilization(m, 'target'));
  const others = metrics.filter((m) => m !== cpu);
  if (others.length > 0) annotations[METRICS] = JSON.stringify(others);
  if (spec['behavior'] !== undefined) annotations[BEHAVIOR] = JSON.stringify(spec['behavior']);
  const v1Spec: Json = {
    ...(spec['scaleTargetRef'] !== undefined ? { scaleTargetRef: spec['scaleTargetRef'] } : {}),
    ...(spec['minReplicas'] !== undefined ? { minReplicas: spec['minReplicas'] } : {}),
    ...(spec['maxReplicas'] !== undefined ? { maxReplicas: spec['maxReplicas'] } : {}),
    ...(cpu ? { targetCPUUtilizationPercentage: utilization(cpu, 'target') } : {}),
  };
  let v1Status: Json | undefined;
  if (status) {
    const current = Array.isArray(status['currentMetrics']) ? (status['currentMetrics'] as unknown[]) : [];
    const currentCpu = current.find((m) => isCpuUtilization(m, 'current'));
    if (current.length > 0) annotations[CURRENT_METRICS] = JSON.stringify(current);
    if (Array.isArray(status['conditions']) && status['conditions'].length > 0)
      annotations[CONDITIONS] = JSON.stringify(status['conditions']);
    v1Status = {
      ...(status['observedGeneration'] !== undefined
        ? { observedGeneration: status['observedGeneration'] }
        : {}),
      ...(status['lastScaleTime'] !== undefined ? { lastScaleTime: status['lastScaleTime'] } : {}),
      currentReplicas: status['currentReplicas'] ?? 0,
      desiredReplicas: status['desiredReplicas'] ?? 0,
      ...(currentCpu ? { currentCPUUtilizationPercentage: utilization(currentCpu, 'current') } : {}),
    };
  }
  const out: KubeObject = { ...v2, spec: v1Spec };
  if (v1Status) out['status'] = v1Status;
  else delete out['status'];
  if (Object.keys(annotations).length > 0) out.metadata = { ...out.metadata, annotations };
  return out;
}

function carried(annotations: Record<string, string>, key: string): unknown {
  const raw = annotations[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** An autoscaling/v1 body as the v2 storage keeps it (apiVersion included; the carrying annotations are consumed). */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const obj = clone(v1);
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
  const status = isPlainObject(obj['status']) ? obj['status'] : undefined;
  const annotations: Record<string, string> = { ...(obj.metadata?.annotations ?? {}) };
  const metrics: unknown[] = [];
  if (typeof spec['targetCPUUtilizationPercentage'] === 'number')
    metrics.push({
      type: 'Resource',
      resource: {
        name: 'cpu',
        target: { type: 'Utilization', averageUtilization: spec['targetCPUUtilizationPercentage'] },
      },
    });
  const others = carried(annotations, METRICS);
  if (Array.isArray(others)) metrics.push(...(others as unknown[]));
  const behavior = carried(annotations, BEHAVIOR);
  const v2Spec: Json = {
    ...(spec['scaleTargetRef'] !== undefined ? { scaleTargetRef: spec['scaleTargetRef'] } : {}),
    ...(spec['minReplicas'] !== undefined ? { minReplicas: spec['minReplicas'] } : {}),
    ...(spec['maxReplicas'] !== undefined ? { maxReplicas: spec['maxReplicas'] } : {}),
    ...(metrics.length > 0 ? { metrics } : {}),
    ...(isPlainObject(behavior) ? { behavior } : {}),
  };
  const out: KubeObject = { ...obj, apiVersion: 'autoscaling/v2', spec: v2Spec };
  if (status) {
    const current = carried(annotations, CURRENT_METRICS);
    const conditions = carried(annotations, CONDITIONS);
    const cpu = status['currentCPUUtilizationPercentage'];
    out['status'] = {
      ...(status['observedGeneration'] !== undefined
        ? { observedGeneration: status['observedGeneration'] }
        : {}),
      ...(status['lastScaleTime'] !== undefined ? { lastScaleTime: status['lastScaleTime'] } : {}),
      currentReplicas: status['currentReplicas'] ?? 0,
      desiredReplicas: status['desiredReplicas'] ?? 0,
      ...(Array.isArray(current)
        ? { currentMetrics: current }
        : typeof cpu === 'number'
          ? {
              currentMetrics: [
                { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpu } } },
              ],
            }
          : {}),
      ...(Array.isArray(conditions) ? { conditions } : {}),
    };
  }
  for (const key of CARRIED) delete annotations[key];
  const meta = { ...out.metadata };
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  else delete meta.annotations;
  out.metadata = meta;
  return out;
}
