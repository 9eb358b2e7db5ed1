import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { hasLoadBalancerIngress } from './service.health';

/** An Ingress is Progressing until its controller publishes a load-balancer address. */
export function ingressHealth(obj: KubeObject): HealthStatus {
  return hasLoadBalancerIngress(obj)
    ? { status: 'Healthy' }
    : { status: 'Progressing', message: 'Waiting for the ingress controller to assign an address' };
}
