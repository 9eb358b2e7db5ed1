import type { KubeObject } from '../diff/kube-object';
import type { HealthStatus } from './health-status';
import { field, str } from './status-fields';

/** A LoadBalancer Service is Progressing until the cloud gives it an ingress point. */
export function serviceHealth(obj: KubeObject): HealthStatus {
  if (str(obj, 'spec', 'type') !== 'LoadBalancer') return { status: 'Healthy' };
  return hasLoadBalancerIngress(obj)
    ? { status: 'Healthy' }
    : { status: 'Progressing', message: 'Waiting for the load balancer to be assigned an address' };
}

export function hasLoadBalancerIngress(obj: KubeObject): boolean {
  const ingress = field(obj, 'status', 'loadBalancer', 'ingress');
  return Array.isArray(ingress) && ingress.length > 0;
}
