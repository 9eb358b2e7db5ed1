import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { str } from './status-fields';

/**
 * Bound -> Healthy, Lost -> Degraded, Pending -> Progressing while a provisioner works on it.
 * A Pending claim no provisioner has picked up waits for its first consumer
 * (WaitForFirstConsumer) and is Healthy, as in current gitops-engine.
 */
export function pvcHealth(obj: KubeObject): HealthStatus {
  switch (str(obj, 'status', 'phase')) {
    case 'Bound':
      return { status: 'Healthy' };
    case 'Lost':
      return { status: 'Degraded', message: 'The bound persistent volume was lost' };
    case 'Pending': {
      const ann = obj.metadata.annotations ?? {};
      const provisioning =
        'volume.beta.kubernetes.io/storage-provisioner' in ann ||
        'volume.kubernetes.io/storage-provisioner' in ann;
      return provisioning
        ? { status: 'Progressing', message: 'Provisioning volume' }
        : { status: 'Healthy', message: 'Waiting for consumer' };
    }
    default:
      return { status: 'Unknown', message: 'The claim reports no phase yet' };
  }
}
