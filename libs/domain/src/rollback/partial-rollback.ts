import { type KubeObject, resourceKey } from '../diff/kube-object';
import type { SyncRequested } from '../events/application.events';
import { isHook } from '../sync/hook';

export type SyncResourceSelector = NonNullable<SyncRequested['data']['resources']>[number];

export class PartialRollbackError extends Error {
  override readonly name = 'PartialRollbackError';
  readonly code = 'NoResourcesOfKinds';
  constructor(kinds: readonly string[], revision: string, available: readonly string[]) {
    super(
      `kinds: revision ${revision.slice(0, 7)} renders no ${kinds.join(', ')}; ` +
        `it renders ${available.length ? available.join(', ') : 'nothing'}. Pick kinds from that list, or omit kinds to roll back everything`,
    );
  }
}

/**
 * Seed §5.4, "roll back only the Deployment": the resources of `kinds` as the old revision
 * renders them, as a selective sync's `resources`. Synced at that revision, only they go back;
 * the others stay as they are, and a selective sync never prunes. Kinds match case-sensitively
 * (`Deployment`), or as `group/Kind` (`apps/Deployment`). Hooks are left out: Argo CD does not
 * run hooks in a selective sync.
 */
export function resourcesOfKinds(
  kinds: readonly string[],
  renderedAtRevision: readonly KubeObject[],
  revision: string,
): SyncResourceSelector[] {
  const wanted = new Set(kinds);
  const out: SyncResourceSelector[] = [];
  const seen = new Set<string>();
  for (const obj of renderedAtRevision) {
    if (isHook(obj)) continue;
    const k = resourceKey(obj);
    if (!wanted.has(k.kind) && !wanted.has(`${k.group}/${k.kind}`)) continue;
    const id = `${k.group}/${k.kind}/${k.namespace ?? ''}/${k.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({
      group: k.group,
      kind: k.kind,
      name: k.name,
      ...(k.namespace ? { namespace: k.namespace } : {}),
    });
  }
  if (out.length === 0) {
    const available = [...new Set(renderedAtRevision.filter((o) => !isHook(o)).map((o) => o.kind))].sort();
    throw new PartialRollbackError(kinds, revision, available);
  }
  return out;
}
