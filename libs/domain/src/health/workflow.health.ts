import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { str } from './status-fields';

/**
 * An Argo Workflows `argoproj.io/Workflow`, as gitops-engine health_argo.go: only `status.phase` and
 * `status.message` count, whatever the API version. A Workflow not picked up yet has no phase.
 */
export function workflowHealth(obj: KubeObject): HealthStatus {
  const message = str(obj, 'status', 'message');
  const withMessage = (status: HealthStatus['status']): HealthStatus =>
    message ? { status, message } : { status };
  switch (str(obj, 'status', 'phase')) {
    case '':
    case 'Pending':
    case 'Running':
      return withMessage('Progressing');
    case 'Succeeded':
      return withMessage('Healthy');
    case 'Failed':
    case 'Error':
      return withMessage('Degraded');
    default:
      return withMessage('Unknown');
  }
}
