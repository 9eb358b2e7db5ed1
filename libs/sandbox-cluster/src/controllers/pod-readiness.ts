import type { Pod, PodTemplateSpec } from '../api/builtin-kinds';
import type { OwnerReference } from '../api/resource-type';
import { clone } from '../store/object-utils';

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata?.['deletionTimestamp'] && phase !== 'Succeeded' && phase !== 'Failed';
}

/** A pod object built from a workload's pod template. */
export function podFromTemplate(
  template: PodTemplateSpec | undefined,
  name: string,
  namespace: string,
  owner: OwnerReference,
  extraLabels: Record<string, string>,
): Pod & { spec: NonNullable<Pod['spec']> } {
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
    spec: clone(template?.spec ?? {}),
  };
}
