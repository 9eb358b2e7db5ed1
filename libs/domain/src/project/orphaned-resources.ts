import type { ComparisonCondition } from '../diff/compare-app';
import { globMatch } from './argo-glob';
import type { OrphanedResourcesMonitorSettings } from './app-project.types';

/** A live object of the app's destination namespace, as the orphan check needs it. */
export interface NamespaceResource {
  group: string;
  /** Where it lives (the `kubernetes` Service is an exclusion in `default` only). */
  namespace?: string;
  kind: string;
  name: string;
  /** It carries some app's tracking id. */
  tracked: boolean;
  /** It has ownerReferences: not top-level, so never an orphan. */
  owned: boolean;
}

/**
 * Objects Kubernetes puts in every namespace, which Argo CD never counts as orphans
 * (controller/state.go isKnownOrphanedResourceExclusion).
 */
function isKnownExclusion(r: NamespaceResource): boolean {
  return (
    (r.namespace === 'default' && r.group === '' && r.kind === 'Service' && r.name === 'kubernetes') ||
    (r.group === '' && r.kind === 'ServiceAccount' && r.name === 'default') ||
    (r.group === '' && r.kind === 'ConfigMap' && r.name === 'kube-root-ca.crt')
  );
}

/**
 * Argo CD's orphaned resources monitoring: top-level objects of the app's destination namespace that no
 * app tracks, less the project's `ignore` entries (globs on group, kind and name) and what Kubernetes puts
 * in every namespace. Returns them, in key order (the resource tree's `orphanedNodes` start from them).
 */
export function orphanedResourcesOf<R extends NamespaceResource>(
  settings: OrphanedResourcesMonitorSettings,
  resources: readonly R[],
): R[] {
  const ignored = (r: R): boolean =>
    (settings.ignore ?? []).some(
      (i) =>
        // As Argo CD's IsResourceIgnored: no kind is any kind; the group is matched as written ('' = core).
        (i.kind === undefined || i.kind === '' || globMatch(i.kind, r.kind)) &&
        globMatch(i.group ?? '', r.group) &&
        (i.name === undefined || i.name === '' || globMatch(i.name, r.name)),
    );
  return resources
    .filter((r) => !r.tracked && !r.owned && !isKnownExclusion(r) && !ignored(r))
    .sort((a, b) => {
      const ka = `${a.group}/${a.kind}/${a.name}`;
      const kb = `${b.group}/${b.kind}/${b.name}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

/** The `OrphanedResourceWarning` condition Argo CD raises when `warn` is on and there are orphans. */
export function orphanedResourcesCondition(
  settings: OrphanedResourcesMonitorSettings | undefined,
  resources: readonly NamespaceResource[],
): ComparisonCondition | undefined {
  if (!settings?.warn) return undefined;
  const orphans = orphanedResourcesOf(settings, resources);
  if (orphans.length === 0) return undefined;
  return { type: 'OrphanedResourceWarning', message: `Application has ${orphans.length} orphaned resources` };
}
