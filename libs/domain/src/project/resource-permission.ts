import type { ApplicationDestination } from '../application/application.types';
import { type IsNamespaced, isClusterScoped } from '../diff/cluster-scope';
import type { AppComparison, ComparisonCondition } from '../diff/compare-app';
import { groupOf, type KubeObject, resourceKeyString } from '../diff/kube-object';
import { scopesOfDefinedKinds } from '../sync/crd-kinds';
import type { AppProject } from './app-project.types';
import { type ClusterRef, withKnownCluster } from './known-cluster';
import { isDestinationPermitted, whyGroupKindDenied } from './project-permits';

/** A resource of the app that its project does not permit (Argo CD's sync permission validator). */
export interface ResourcePermissionProblem {
  /** `group/kind/namespace/name`, as the comparison and the sync plan key it. */
  key: string;
  /** What refuses it: the project's kind lists, or its destinations (the resource's namespace). */
  refusedBy: 'kind' | 'namespace';
  /** Argo CD's words (controller/sync.go validateSyncPermissions). */
  message: string;
}

export interface ResourcePermissionContext {
  /** The app's destination; its cluster is filled in from `clusters` before namespaces are judged. */
  destination: ApplicationDestination;
  clusters: readonly ClusterRef[];
  /**
   * The cluster's discovery. For a kind it does not know (undefined), a CRD among the objects decides by
   * its `spec.scope`, then the built-in kinds; an unknown custom kind counts as namespaced, as kubectl
   * assumes.
   */
  isNamespaced?: IsNamespaced;
}

/**
 * Every object the project does not permit, by key, as Argo CD's permission validator judges each sync
 * task: its group/kind (and, for cluster-scoped kinds, its name) against the project's resource white- and
 * blacklists (IsGroupKindNamePermitted, `whyGroupKindDenied`), and for a namespaced object its namespace
 * against the project's destinations on the app's cluster. An object refused for its kind is not judged
 * for its namespace (Argo CD returns on the first refusal). Empty means the project permits them all.
 */
export function resourcePermissionProblems(
  project: AppProject,
  objects: readonly KubeObject[],
  context: ResourcePermissionContext,
): ResourcePermissionProblem[] {
  const definedScopes = scopesOfDefinedKinds(objects);
  const isNamespaced: IsNamespaced = (group, kind) =>
    context.isNamespaced?.(group, kind) ?? definedScopes.get(`${group}/${kind}`);
  const destination = withKnownCluster(context.destination, context.clusters);
  const problems: ResourcePermissionProblem[] = [];
  for (const obj of objects) {
    const namespaced = !isClusterScoped(obj, isNamespaced);
    const problem = problemOf(project, obj, namespaced, destination);
    if (problem) problems.push({ key: resourceKeyString(obj), ...problem });
  }
  // In key order, so the refresh (render order) and the sync (plan order) name them alike.
  return problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Argo CD's IsLiveResourcePermitted: whether a live object counts as the app's at all. One the project
 * does not permit is left out of the comparison and the sync, so it is neither compared nor pruned. A live
 * object is namespaced when it has a namespace.
 */
export function isLiveResourcePermitted(
  project: AppProject,
  live: KubeObject,
  context: Omit<ResourcePermissionContext, 'isNamespaced'>,
): boolean {
  const destination = withKnownCluster(context.destination, context.clusters);
  return problemOf(project, live, Boolean(live.metadata.namespace), destination) === undefined;
}

function problemOf(
  project: AppProject,
  obj: KubeObject,
  namespaced: boolean,
  destination: ApplicationDestination,
): Omit<ResourcePermissionProblem, 'key'> | undefined {
  const projectName = project.metadata.name;
  const group = groupOf(obj.apiVersion);
  const resource = { group, kind: obj.kind, name: obj.metadata.name ?? '' };
  if (whyGroupKindDenied(project, resource, namespaced) !== undefined)
    return {
      refusedBy: 'kind',
      message: `resource ${group}:${obj.kind} is not permitted in project ${projectName}`,
    };
  if (!namespaced) return undefined;
  const namespace = obj.metadata.namespace ?? destination.namespace ?? '';
  if (isDestinationPermitted(project, { ...destination, namespace })) return undefined;
  return {
    refusedBy: 'namespace',
    message: `namespace ${namespace} is not permitted in project '${projectName}'`,
  };
}

/** The problems in one line, each after the resource it concerns: `<key>: <message>; ...`. */
export function describeResourcePermissionProblems(problems: readonly ResourcePermissionProblem[]): string {
  return problems.map((p) => `${p.key}: ${p.message}`).join('; ');
}

/**
 * The comparison as Argo CD reports resources its project does not permit: their sync status is Unknown
 * (CompareAppState), and (Berth's addition, so the refusal shows before a sync fails on it) one
 * InvalidSpecError condition names every problem, after any other InvalidSpecError the comparison found.
 */
export function withResourcePermissionProblems(
  comparison: AppComparison,
  problems: readonly ResourcePermissionProblem[],
): AppComparison {
  if (problems.length === 0) return comparison;
  const refused = new Set(problems.map((p) => p.key));
  const message = describeResourcePermissionProblems(problems);
  const others = comparison.conditions ?? [];
  const existing = others.find((c) => c.type === 'InvalidSpecError');
  const condition: ComparisonCondition = {
    type: 'InvalidSpecError',
    message: existing ? `${existing.message}; ${message}` : message,
  };
  return {
    ...comparison,
    resources: comparison.resources.map((r) => (refused.has(r.key) ? { ...r, status: 'Unknown' } : r)),
    conditions: [...others.filter((c) => c !== existing), condition],
  };
}
