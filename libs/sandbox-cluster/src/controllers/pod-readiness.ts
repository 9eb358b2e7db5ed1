import type { AnyJson } from '../api/json';
import type { KubeObject } from '../api/resource-type';

export function isPodReady(pod: KubeObject): boolean {
  return (pod['status']?.conditions ?? []).some((c: AnyJson) => c.type === 'Ready' && c.status === 'True');
}

export function isPodActive(pod: KubeObject): boolean {
  const phase = pod['status']?.phase;
  return !pod.metadata?.['deletionTimestamp'] && phase !== 'Succeeded' && phase !== 'Failed';
}

/** A pod object built from a workload's pod template. */
export function podFromTemplate(
  template: AnyJson,
  name: string,
  namespace: string,
  owner: Record<string, unknown>,
  extraLabels: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { ...(template?.metadata?.labels ?? {}), ...extraLabels },
      ...(template?.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [owner],
    },
    spec: JSON.parse(JSON.stringify(template?.spec ?? {})),
  };
}
