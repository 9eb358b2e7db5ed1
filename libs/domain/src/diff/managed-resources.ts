import { isHook } from '../sync/hook';
import { withoutClusterScopedNamespace } from './cluster-scope';
import { compareApp, type CompareAppOptions } from './compare-app';
import { type KubeObject, resourceKey, resourceKeyString } from './kube-object';
import { maskSecrets } from './mask-secrets';
import { normalizeObject } from './normalize';
import { predictedLiveOf } from './predicted-live';

/**
 * Argo CD's `ResourceDiff` (`GET /api/v1/applications/{name}/managed-resources`): one managed resource with
 * its target and live state, each a JSON string (`"null"` when there is none, as Go marshals a nil
 * object), normalized as the app's comparison normalizes them. Secret values are masked in every state.
 */
export interface ResourceDiff {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  /** What Git renders, as rendered (tracking annotation included). */
  targetState: string;
  /** The live object as the cluster has it. */
  liveState: string;
  /** The live object less what the comparison ignores (server metadata, status, ignoreDifferences). */
  normalizedLiveState: string;
  /** The live object as it would be after a sync (predictedLiveOf). */
  predictedLiveState: string;
  /** Deprecated in Argo CD; Berth leaves it empty. */
  diff: string;
  hook: boolean;
  /** The resource differs from Git (OutOfSync, missing live, or live and no longer in Git). */
  modified: boolean;
  resourceVersion: string;
}

/** Argo CD's ResourcesQuery filters: each given field must equal the resource's. */
export interface ManagedResourcesFilter {
  namespace?: string;
  name?: string;
  group?: string;
  kind?: string;
}

/**
 * The managed resources of an app with their states, from the same comparison the workers run (compareApp
 * with the app's options, ignoreDifferences and jq paths included): what Git declares, and the tracked live
 * objects Git no longer has. Sorted by `group/kind/namespace/name`, filtered as Argo CD's isMatchingResource.
 */
export function managedResourceDiffs(
  desiredList: readonly KubeObject[],
  liveList: readonly KubeObject[],
  options: CompareAppOptions = {},
  filter: ManagedResourcesFilter = {},
): ResourceDiff[] {
  const comparison = compareApp(desiredList, liveList, options);
  const desiredByKey = new Map<string, KubeObject>();
  for (const declared of desiredList) {
    const desired = withoutClusterScopedNamespace(declared, options.isNamespaced);
    desiredByKey.set(resourceKeyString(desired), desired);
  }
  const liveByKey = new Map(liveList.map((o) => [resourceKeyString(o), o] as const));
  const out: ResourceDiff[] = [];
  for (const r of comparison.resources) {
    const desired = desiredByKey.get(r.key);
    const live = liveByKey.get(r.key);
    const subject = desired ?? live;
    if (!subject) continue;
    const key = resourceKey(subject);
    if (!matches(filter, key)) continue;
    const raw = maskSecrets(desired, live);
    let normalizedLive: KubeObject | undefined;
    let predicted: KubeObject | undefined;
    if (r.diff) {
      normalizedLive = r.diff.normalizedLive;
      predicted = predictedLiveOf(r.diff);
    } else if (live) {
      // Live only (requires pruning): normalized as the diff would, and gone after a sync with prune.
      normalizedLive = maskSecrets(normalizeObject(live, live, options), undefined).desired;
    }
    out.push({
      ...key,
      targetState: JSON.stringify(raw.desired ?? null),
      liveState: JSON.stringify(raw.live ?? null),
      normalizedLiveState: JSON.stringify(normalizedLive ?? null),
      predictedLiveState: JSON.stringify(predicted ?? null),
      diff: '',
      hook: isHook(subject),
      modified: r.status === 'OutOfSync',
      resourceVersion:
        typeof live?.metadata['resourceVersion'] === 'string' ? live.metadata['resourceVersion'] : '',
    });
  }
  return out;
}

function matches(filter: ManagedResourcesFilter, key: ReturnType<typeof resourceKey>): boolean {
  return (
    (!filter.name || filter.name === key.name) &&
    (!filter.namespace || filter.namespace === key.namespace) &&
    (!filter.group || filter.group === key.group) &&
    (!filter.kind || filter.kind === key.kind)
  );
}
