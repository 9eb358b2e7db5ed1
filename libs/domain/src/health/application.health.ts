import type { KubeObject } from '../diff/kube-object';
import { HEALTH_ORDER, type HealthStatus, type HealthStatusCode } from './health-status';
import { str } from './status-fields';

/**
 * A child argoproj.io Application (App of Apps) reports the health it computed itself,
 * so a parent's sync wave can wait for it. No status yet means it is still being processed.
 */
export function applicationHealth(obj: KubeObject): HealthStatus {
  const code = str(obj, 'status', 'health', 'status');
  if (!code) return { status: 'Progressing', message: 'Waiting for the application to report its health' };
  if (!HEALTH_ORDER.includes(code as HealthStatusCode))
    return { status: 'Unknown', message: `Unknown health "${code}"` };
  const message = str(obj, 'status', 'health', 'message');
  return message ? { status: code as HealthStatusCode, message } : { status: code as HealthStatusCode };
}
