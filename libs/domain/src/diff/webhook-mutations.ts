import { DiffError } from './diff.error';
import { indexIn, type PathSegment } from './field-path';
import { cloneJson, isPlainObject } from './json-value';
import { type KubeObject, resourceKeyString } from './kube-object';
import { type FieldsV1, fieldsV1Segment, managedFieldsSetOf } from './managed-fields';

/**
 * The object a server-side apply dry run predicts, without what mutating admission webhooks did to it
 * (Argo CD's removeWebhookMutation, server-side diff's default). The API server records managedFields
 * before it calls mutating webhooks, so what they add or change outside the apply is owned by no manager:
 *
 * - start from live;
 * - every field, map key and list item `manager` owns in the prediction takes the predicted value (what
 *   the apply sets, defaults included, server-normalized);
 * - every field `manager` owned in live that it no longer owns and the prediction lacks is removed (the
 *   apply gives it up and nobody else holds it: gitops-engine's fix for removed fields, argo-cd#23016).
 *
 * Everything else stays as live has it, so a sidecar a webhook injects (or would inject anew) is not
 * drift. A webhook that rewrites a field the manager owns (an image registry rewrite) is kept: the field
 * is the manager's, and the prediction's value is the one the cluster will hold.
 */
export function withoutWebhookMutations(
  predicted: KubeObject,
  live: KubeObject,
  manager: string,
): KubeObject {
  const owned = managedFieldsSetOf(predicted, manager);
  if (!owned) {
    throw new DiffError(
      'NoManagedFields',
      `the server-side apply dry run of ${resourceKeyString(predicted)} answered without managedFields of field manager "${manager}", so what mutating webhooks changed cannot be told apart; set the app's compare option IncludeMutationWebhook=true or turn ServerSideDiff off`,
    );
  }
  const expected = overlay(owned, predicted, cloneJson(live)) as KubeObject;
  const ownedBefore = managedFieldsSetOf(live, manager);
  if (ownedBefore) dropGivenUp(ownedBefore, owned, predicted, expected);
  return expected;
}

function members(set: FieldsV1): string[] {
  return Object.keys(set).filter((k) => k !== '.');
}

/** `current` with what `set` names taken from `predicted` (the structured-merge-diff merge, by key). */
function overlay(set: FieldsV1, predicted: unknown, current: unknown): unknown {
  const names = members(set);
  // A leaf of the set: the field (an atomic list or map, a scalar) is owned whole.
  if (names.length === 0) return cloneJson(predicted);
  if (isPlainObject(predicted)) {
    const out = isPlainObject(current) ? current : {};
    for (const name of names) {
      const seg = fieldsV1Segment(name);
      if (typeof seg !== 'string' || !(seg in predicted)) continue;
      out[seg] = overlay(set[name]!, predicted[seg], out[seg]);
    }
    return out;
  }
  if (Array.isArray(predicted)) {
    const out: unknown[] = Array.isArray(current) ? current : [];
    for (const name of names) {
      const seg = fieldsV1Segment(name);
      if (seg === undefined || typeof seg === 'string') continue;
      const pi = indexIn(predicted, seg);
      if (pi === undefined) continue;
      let ci = indexIn(out, seg);
      if (ci === undefined) {
        out.push(newItem(seg, predicted[pi]));
        ci = out.length - 1;
      }
      out[ci] = overlay(set[name]!, predicted[pi], out[ci]);
    }
    return out;
  }
  return cloneJson(predicted);
}

/** An item live lacks: its key fields (or its value) first; overlay adds what the manager owns of it. */
function newItem(seg: Exclude<PathSegment, string>, predicted: unknown): unknown {
  if (typeof seg === 'object' && 'match' in seg && isPlainObject(predicted)) {
    const item: Record<string, unknown> = {};
    for (const key of Object.keys(seg.match)) if (key in predicted) item[key] = cloneJson(predicted[key]);
    return item;
  }
  return isPlainObject(predicted) ? {} : cloneJson(predicted);
}

/** Removes from `current` what `before` owned, `after` no longer owns, and the prediction lacks. */
function dropGivenUp(
  before: FieldsV1,
  after: FieldsV1 | undefined,
  predicted: unknown,
  current: unknown,
): void {
  for (const name of members(before)) {
    const seg = fieldsV1Segment(name);
    if (seg === undefined) continue;
    const stillOwned = after?.[name];
    if (typeof seg === 'string') {
      if (!isPlainObject(current) || !(seg in current)) continue;
      if (!isPlainObject(predicted) || !(seg in predicted)) {
        // Still owned but missing from the prediction: a webhook dropped it; live keeps it.
        if (!stillOwned) delete current[seg];
        continue;
      }
      dropGivenUp(before[name]!, stillOwned, predicted[seg], current[seg]);
      continue;
    }
    if (!Array.isArray(current)) continue;
    const ci = indexIn(current, seg);
    if (ci === undefined) continue;
    const pi = Array.isArray(predicted) ? indexIn(predicted, seg) : undefined;
    if (pi === undefined) {
      if (!stillOwned) current.splice(ci, 1);
      continue;
    }
    dropGivenUp(before[name]!, stillOwned, (predicted as unknown[])[pi], current[ci]);
  }
}
