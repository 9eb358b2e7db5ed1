import type { KubeObject } from '../api/resource-type';
import { clone, isPlainObject } from '../store/object-utils';
import { compareObjects, toFieldSet, type FieldSet } from './field-set';
import type { SchemaContext } from './list-topology';
import { ownedView } from './server-side-apply';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Only kubectl's default server-side apply manager upgrades from (and keeps up to date) the client-side
 * apply annotation; any other manager opts out (apimachinery lastappliedmanager.go / lastappliedupdater.go).
 */
export const CSA_UPGRADING_MANAGER = 'kubectl';

function lastAppliedOf(obj: KubeObject | undefined): string | undefined {
  const annotations = obj?.metadata?.['annotations'];
  if (!isPlainObject(annotations)) return undefined;
  const value = annotations[LAST_APPLIED_ANNOTATION];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The conflicts a first `kubectl apply --server-side` may take over from client-side apply
 * (lastappliedmanager.go allowedConflictsFromLastApplied): the fields of the last-applied configuration
 * whose values the live object still holds. Empty when there is no usable annotation.
 */
export function conflictsAllowedByLastApplied(
  ctx: SchemaContext,
  live: KubeObject | undefined,
  apiVersion: string,
): FieldSet {
  const raw = lastAppliedOf(live);
  if (!raw) return new Set();
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(raw);
  } catch {
    return new Set();
  }
  if (!isPlainObject(lastApplied) || lastApplied['apiVersion'] !== apiVersion) return new Set();
  const lastView = ownedView(lastApplied, false);
  const allowed = toFieldSet(ctx, lastView);
  const comparison = compareObjects(ctx, lastView, ownedView(live, false));
  for (const p of [...comparison.modified, ...comparison.added, ...comparison.removed]) allowed.delete(p);
  return allowed;
}

/**
 * After a successful apply by kubectl, an object that carries the client-side apply annotation gets it
 * rewritten to the applied configuration (lastappliedupdater.go buildLastApplied: the configuration as
 * sent, without the annotation, JSON with sorted keys and the encoder's trailing newline), so a later
 * client-side apply diffs against what was applied last.
 */
export function refreshLastApplied(result: KubeObject, appliedConfig: KubeObject): KubeObject {
  if (!lastAppliedOf(result)) return result;
  const config = clone(appliedConfig);
  const annotations = config.metadata?.['annotations'];
  if (isPlainObject(annotations)) {
    delete annotations[LAST_APPLIED_ANNOTATION];
  }
  const out = clone(result);
  out.metadata = {
    ...out.metadata,
    annotations: {
      ...(out.metadata?.['annotations'] as Record<string, string>),
      [LAST_APPLIED_ANNOTATION]: `${sortedJson(config)}\n`,
    },
  };
  return out;
}

/** Go's encoding/json writes map keys sorted. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
