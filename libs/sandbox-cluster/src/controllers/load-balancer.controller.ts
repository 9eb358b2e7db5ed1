import type { LoadBalanced, ServiceSpec } from '../api/builtin-kinds';
import { SIM_DELAYS, type ControllerContext } from './controller-context';

/**
 * The cloud load-balancer and ingress controllers: LoadBalancer Services and Ingresses get
 * `status.loadBalancer.ingress` after a short (scaled) delay.
 */
export function reconcileLoadBalancers(ctx: ControllerContext): void {
  const now = ctx.nowMs();
  for (const svc of ctx.pending('v1', 'Service') as LoadBalanced<ServiceSpec>[]) {
    if (svc.spec?.type !== 'LoadBalancer' || svc.status?.loadBalancer?.ingress?.length) continue;
    const due = ctx.seen(svc) + ctx.scaled(SIM_DELAYS.loadBalancer);
    if (now < due) ctx.wakeAt(due, svc);
    else
      ctx.writeStatus(
        'v1',
        'Service',
        svc,
        { loadBalancer: { ingress: [{ ip: '172.18.255.200', ipMode: 'VIP' }] } },
        'service-controller',
      );
  }
  for (const ing of ctx.pending('networking.k8s.io/v1', 'Ingress') as LoadBalanced[]) {
    if (ing.status?.loadBalancer?.ingress?.length) continue;
    const due = ctx.seen(ing) + ctx.scaled(SIM_DELAYS.loadBalancer);
    if (now < due) ctx.wakeAt(due, ing);
    else
      ctx.writeStatus(
        'networking.k8s.io/v1',
        'Ingress',
        ing,
        { loadBalancer: { ingress: [{ ip: '172.18.255.201' }] } },
        'ingress-controller',
      );
  }
}
