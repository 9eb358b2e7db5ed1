import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { conditions } from './status-fields';

/** As gitops-engine health_job.go: Complete -> Healthy, Failed -> Degraded, suspended -> Suspended. */
export function jobHealth(obj: KubeObject): HealthStatus {
  let failed = false;
  let complete = false;
  let suspended = false;
  let message = '';
  let failMessage = '';
  for (const c of conditions(obj)) {
    if (c.type === 'Failed' && c.status === 'True') {
      failed = true;
      complete = true;
      failMessage = c.message;
    } else if (c.type === 'Complete' && c.status === 'True') {
      complete = true;
      message = c.message;
    } else if (c.type === 'Suspended') {
      complete = true;
      message = c.message;
      suspended = c.status === 'True';
    }
  }
  const withMessage = (status: HealthStatus['status'], m: string): HealthStatus =>
    m ? { status, message: m } : { status };
  if (!complete) return withMessage('Progressing', message);
  if (failed) return withMessage('Degraded', failMessage);
  // A suspended Job is intentional: it must not make the whole app look Suspended.
  if (suspended) return { ...withMessage('Suspended', message), aggregateAs: 'Healthy' };
  return withMessage('Healthy', message);
}
