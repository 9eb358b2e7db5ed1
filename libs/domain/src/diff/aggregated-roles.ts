import { groupOf, type KubeObject } from './kube-object';
import { isPlainObject } from './json-value';

/**
 * Argo CD's `resource.compareoptions: ignoreAggregatedRoles` (gitops-engine normalizeRole): the `rules` of
 * a Role or ClusterRole with an `aggregationRule` are filled in by the API server's aggregation controller
 * from the roles it selects, so they are no part of what Git declares and never drift. Mutates `obj`.
 */
export function dropAggregatedRules(obj: KubeObject): void {
  if (groupOf(obj.apiVersion) !== 'rbac.authorization.k8s.io') return;
  if (obj.kind !== 'ClusterRole' && obj.kind !== 'Role') return;
  if (isPlainObject(obj['aggregationRule'])) delete obj['rules'];
}
