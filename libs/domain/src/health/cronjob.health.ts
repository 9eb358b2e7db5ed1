import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { field } from './status-fields';

/** Not a gitops-engine built-in (Argo CD ships a Lua check): a suspended CronJob is Suspended, else Healthy. */
export function cronJobHealth(obj: KubeObject): HealthStatus {
  return field(obj, 'spec', 'suspend') === true
    ? { status: 'Suspended', message: 'CronJob is suspended' }
    : { status: 'Healthy' };
}
