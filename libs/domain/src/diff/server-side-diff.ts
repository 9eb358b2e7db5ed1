import type { DiffChange } from './diff-change';
import { diffResource, type DiffOptions, type DiffResult } from './diff-resource';
import { DiffError } from './diff.error';
import { toJsonPointer } from './field-path';
import { hasJqRules } from './ignore-differences';
import { isPlainObject } from './json-value';
import { type KubeObject, resourceKeyString } from './kube-object';
import { maskedChange, maskSecrets } from './mask-secrets';
import { itemKey, mergeKeyFor } from './merge-keys';
import { normalizeObject } from './normalize';
import { withoutWebhookMutations } from './webhook-mutations';

export interface ServerSideDiffOptions extends DiffOptions {
  /**
   * Argo CD's compare option IncludeMutationWebhook=true: what mutating webhooks do in the dry run counts.
   * Default false: it is taken out of the prediction (withoutWebhookMutations), which needs `fieldManager`.
   */
  includeMutationWebhook?: boolean;
}

/**
 * Argo CD's server-side diff (compare option ServerSideDiff=true): `predicted` is the API server's answer to
 * a server-side apply dry run of `desired` (`dryRun=All`, the sync's field manager), so defaults, value
 * normalization and admission webhooks are the server's own; it is compared with live as a whole, both
 * normalized as in diffResource (server metadata, status, ignoreDifferences, Secrets compared then masked).
 * Any difference is drift. `changes` point into the prediction (add, replace) or into live (remove).
 * Without a live object there is no dry run (as in Argo CD): the object is missing.
 * `options.jqPaths` must be resolved against `predicted`, not `desired`.
 */
export function diffServerSide(
  desired: KubeObject,
  predicted: KubeObject,
  live: KubeObject | undefined | null,
  options: ServerSideDiffOptions = {},
): DiffResult {
  if (!live) return diffResource(desired, undefined, options);
  if (hasJqRules(options.ignoreDifferences, predicted) && !options.jqPaths) {
    throw new DiffError(
      'JqPathsNotResolved',
      `ignoreDifferences for ${resourceKeyString(predicted)} use jqPathExpressions: resolve them against the dry run's answer with resolveJqPaths(predicted, live, rules, jqEvaluator) and pass the result as options.jqPaths`,
    );
  }
  let expected = predicted;
  if (!options.includeMutationWebhook) {
    if (!options.fieldManager) {
      throw new DiffError(
        'NoManagedFields',
        `the server-side diff of ${resourceKeyString(predicted)} needs the field manager the dry run applied with (options.fieldManager) to leave mutating webhooks out`,
      );
    }
    expected = withoutWebhookMutations(predicted, live, options.fieldManager);
  }
  const np = normalizeObject(expected, live, options, options.jqPaths?.desired);
  const nl = normalizeObject(live, live, options, options.jqPaths?.live);
  const changes: DiffChange[] = [];
  compareWhole(np, nl, [], [], changes);
  const masked = maskSecrets(np, nl);
  return {
    status: changes.length === 0 ? 'Synced' : 'OutOfSync',
    normalizedDesired: masked.desired,
    normalizedLive: masked.live,
    changes:
      np.kind === 'Secret' ? changes.map((c) => maskedChange(c, masked.desired, masked.live)) : changes,
  };
}

/**
 * Both sides come from the API server, so values compare exactly; keyed lists (merge-keys.ts) match by
 * key so that an order the server keeps differently is not drift, other lists compare by position.
 * `at` is the path in the prediction (for add and replace), `liveAt` the same place in live (for remove).
 */
function compareWhole(
  predicted: unknown,
  live: unknown,
  at: Array<string | number>,
  liveAt: Array<string | number>,
  changes: DiffChange[],
): void {
  if (isPlainObject(predicted) && isPlainObject(live)) {
    for (const [k, v] of Object.entries(predicted)) {
      if (!(k in live)) changes.push({ path: toJsonPointer([...at, k]), op: 'add', desired: v });
      else compareWhole(v, live[k], [...at, k], [...liveAt, k], changes);
    }
    for (const [k, v] of Object.entries(live)) {
      if (!(k in predicted)) changes.push({ path: toJsonPointer([...liveAt, k]), op: 'remove', live: v });
    }
    return;
  }
  if (Array.isArray(predicted) && Array.isArray(live)) {
    const field = at[at.length - 1];
    const keys = mergeKeyFor(field, predicted) ?? mergeKeyFor(field, live);
    if (keys && predicted.every(isPlainObject) && live.every(isPlainObject)) {
      compareKeyed(predicted, live, keys, at, liveAt, changes);
      return;
    }
    if (predicted.length !== live.length) {
      changes.push({ path: toJsonPointer(at), op: 'replace', desired: predicted, live });
      return;
    }
    predicted.forEach((item, i) => compareWhole(item, live[i], [...at, i], [...liveAt, i], changes));
    return;
  }
  if (JSON.stringify(predicted) !== JSON.stringify(live))
    changes.push({ path: toJsonPointer(at), op: 'replace', desired: predicted, live });
}

function compareKeyed(
  predicted: Array<Record<string, unknown>>,
  live: Array<Record<string, unknown>>,
  keys: string[],
  at: Array<string | number>,
  liveAt: Array<string | number>,
  changes: DiffChange[],
): void {
  const liveByKey = new Map(live.map((item, i) => [itemKey(item, keys), i] as const));
  const seen = new Set<string>();
  predicted.forEach((item, i) => {
    const key = itemKey(item, keys);
    seen.add(key);
    const li = liveByKey.get(key);
    if (li === undefined) changes.push({ path: toJsonPointer([...at, i]), op: 'add', desired: item });
    else compareWhole(item, live[li], [...at, i], [...liveAt, li], changes);
  });
  live.forEach((item, i) => {
    if (!seen.has(itemKey(item, keys)))
      changes.push({ path: toJsonPointer([...liveAt, i]), op: 'remove', live: item });
  });
}
