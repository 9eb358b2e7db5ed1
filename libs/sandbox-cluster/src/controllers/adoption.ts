import type { LabelSelector } from '../api/builtin-kinds';
import { nameOf, namespaceOf, type KubeObject } from '../api/resource-type';
import { matchesLabelSelectorObject } from '../store/label-selector';
import { CONTROLLER_MANAGER, ownerReference, type ControllerContext } from './controller-context';

/**
 * Adopts the orphans a controller's selector matches, as kube-controller-manager's ControllerRefManager
 * (controller_ref_manager.go ClaimObject) does: an object of the owner's namespace with no controller
 * ownerReference, not being deleted, whose labels match the selector, gets the owner as its controller
 * (`controller: true, blockOwnerDeletion: true`). An empty selector adopts nothing. Returns the adopted
 * objects as stored. Releasing an owned object whose labels stopped matching is not simulated.
 */
export function adoptOrphans(
  ctx: ControllerContext,
  owner: KubeObject,
  apiVersion: string,
  kind: string,
  selector: LabelSelector | undefined,
  eligible: (obj: KubeObject) => boolean = () => true,
): KubeObject[] {
  if (owner.metadata?.['deletionTimestamp']) return [];
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) return [];
  const type = ctx.type(apiVersion, kind);
  const ns = namespaceOf(owner);
  const adopted: KubeObject[] = [];
  for (const candidate of ctx.list(apiVersion, kind)) {
    const meta = candidate.metadata ?? {};
    if (namespaceOf(candidate) !== ns || meta['deletionTimestamp'] || !eligible(candidate)) continue;
    if ((meta.ownerReferences ?? []).some((r) => r.controller === true)) continue;
    if (!matchesLabelSelectorObject(selector, meta['labels'])) continue;
    // Read again: the pass's list snapshot may be stale, and an object adopted meanwhile is left alone.
    const live = ctx.registry.find(type, ns, nameOf(candidate));
    if (!live || (live.metadata?.ownerReferences ?? []).some((r) => r.controller === true)) continue;
    try {
      const { object } = ctx.registry.patch(
        type,
        ns,
        nameOf(live),
        'application/strategic-merge-patch+json',
        JSON.stringify({
          metadata: { ownerReferences: [ownerReference(owner)], uid: live.metadata?.['uid'] },
        }),
        { fieldManager: CONTROLLER_MANAGER },
      );
      adopted.push(object);
    } catch {
      // Gone or changed meanwhile: the next pass looks again.
      ctx.requeue(owner);
    }
  }
  return adopted;
}
