import type { Namespace } from '../api/builtin-kinds';
import { nameOf } from '../api/resource-type';
import { CONTROLLER_MANAGER, type ControllerContext } from './controller-context';

/**
 * The service account controller: every Active namespace has a `default` ServiceAccount, which Pods that name
 * none run as (and which manifests often bind Roles to).
 */
export function reconcileServiceAccounts(ctx: ControllerContext): void {
  const saType = ctx.type('v1', 'ServiceAccount');
  for (const ns of ctx.pending('v1', 'Namespace') as Namespace[]) {
    if (ns.metadata?.['deletionTimestamp'] || ns.status?.phase === 'Terminating') continue;
    const namespace = nameOf(ns);
    if (ctx.registry.find(saType, namespace, 'default')) continue;
    try {
      ctx.registry.create(
        saType,
        namespace,
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } },
        { fieldManager: CONTROLLER_MANAGER },
      );
    } catch {
      // The namespace went away meanwhile, or someone created it first.
    }
  }
}
