import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { conditions } from './status-fields';

/** An APIService is Healthy once its Available condition is True. */
export function apiServiceHealth(obj: KubeObject): HealthStatus {
  const available = conditions(obj).find((c) => c.type === 'Available');
  if (!available) return { status: 'Progressing', message: 'Waiting to be processed' };
  const message = `${available.reason}: ${available.message}`;
  return { status: available.status === 'True' ? 'Healthy' : 'Progressing', message };
}
