import { isApplicationObject } from '../reconcile/app-of-apps';
import { prepareForDestination } from '../reconcile/destination-objects';
import type { IsNamespaced } from './cluster-scope';
import { resolveAppJqPaths } from './compare-app';
import type { IgnoreDifference, JqPathEvaluator } from './ignore-differences';
import { groupOf, isKubeObject, type KubeObject, resourceKey, type ResourceKey } from './kube-object';
import { managedResourceDiffs, type ResourceDiff } from './managed-resources';

/** What `berth app diff --local` reads of each `GET .../managed-resources` item: its identity and live state. */
export interface ManagedLiveState {
  group?: string;
  kind: string;
  namespace?: string;
  /** The live object as a JSON string; absent, empty or `"null"` when it does not exist. */
  liveState?: string;
}

export interface LocalDiffOptions {
  /** The Application's name: its tracking id goes on every local object, as on what the worker renders. */
  application: string;
  /** `spec.destination.namespace`: namespaced objects without a namespace get it. */
  destinationNamespace?: string;
  /** `spec.ignoreDifferences`. */
  ignoreDifferences?: readonly IgnoreDifference[];
  /** The field manager Berth applies with (the three-way diff reads its managedFields entry). */
  fieldManager: string;
  /** Resolves jqPathExpressions of ignoreDifferences. */
  jq: JqPathEvaluator;
}

export interface LocalDiff {
  /** One ResourceDiff per local or live resource, as `GET .../managed-resources` answers them. */
  items: ResourceDiff[];
  /** Secrets rendered locally, left out of the diff (their live values are masked, so they cannot be compared). */
  secretsLeftOut: ResourceKey[];
}

/**
 * Argo CD's `argocd app diff --local` (cmd/argocd/commands/app.go: getLocalObjects, then the pairing by
 * resource key of groupObjsByKey / getComparisonObjects) with Berth's comparison: objects rendered from a
 * local directory against the live objects of the app's managed resources, compared as the workers compare
 * (managedResourceDiffs: three-way diff, ignoreDifferences, Berth's normalizations). A local object with no
 * live twin is new; a live one the directory no longer renders is to be removed. Namespaces are defaulted as
 * Argo CD does on the client: a kind is namespaced when the managed resources show it with a namespace
 * (getInfoProviderFromState), else the built-in list decides. Secrets are left out on both sides (Argo CD
 * skips them in a local diff: the server masks live values), and child Applications, which the managed
 * resources leave out too.
 */
export async function localManifestDiffs(
  local: readonly KubeObject[],
  managed: readonly ManagedLiveState[],
  options: LocalDiffOptions,
): Promise<LocalDiff> {
  const secretsLeftOut: ResourceKey[] = [];
  const kept = local.filter((obj) => {
    if (isApplicationObject(obj)) return false;
    if (!isCoreSecret(obj)) return true;
    secretsLeftOut.push(resourceKey(obj));
    return false;
  });
  const desired = prepareForDestination(
    options.application,
    options.destinationNamespace,
    kept,
    namespacedKindsOf(managed),
  );
  const live = managed.flatMap((item) => {
    const obj = liveObjectOf(item);
    return obj && !isCoreSecret(obj) ? [obj] : [];
  });
  const ignoreDifferences = options.ignoreDifferences;
  const jqPaths = ignoreDifferences
    ? await resolveAppJqPaths(desired, live, { ignoreDifferences }, options.jq)
    : undefined;
  const items = managedResourceDiffs(desired, live, {
    fieldManager: options.fieldManager,
    ...(ignoreDifferences ? { ignoreDifferences } : {}),
    ...(jqPaths ? { jqPaths } : {}),
  });
  return { items, secretsLeftOut };
}

/**
 * Argo CD's getInfoProviderFromState: a kind the managed resources show with a namespace is namespaced, one
 * shown without is cluster-scoped; a kind they do not show is left to the built-in list.
 */
export function namespacedKindsOf(managed: readonly ManagedLiveState[]): IsNamespaced {
  const namespaced = new Map<string, boolean>();
  for (const item of managed) namespaced.set(`${item.group ?? ''}/${item.kind}`, Boolean(item.namespace));
  return (group, kind) => namespaced.get(`${group}/${kind}`);
}

function liveObjectOf(item: ManagedLiveState): KubeObject | undefined {
  if (!item.liveState || item.liveState === 'null') return undefined;
  const parsed = JSON.parse(item.liveState) as unknown;
  return isKubeObject(parsed) ? parsed : undefined;
}

function isCoreSecret(obj: KubeObject): boolean {
  return obj.kind === 'Secret' && groupOf(obj.apiVersion) === '';
}
