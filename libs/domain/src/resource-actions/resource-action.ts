import { DomainError } from '../errors/domain-error';
import type { KubeObject } from '../diff/kube-object';
import { createMergePatch } from '../diff/json-merge-patch';
import { isPlainObject } from '../diff/json-value';

/**
 * One action a resource offers (Argo CD's `v1alpha1.ResourceAction`), as its `discovery.lua` describes it:
 * `{restart = {}, resume = {disabled = true}}`.
 */
export interface ResourceAction {
  name: string;
  /** The action does not apply to the object as it is now (`resume` of a Deployment that is not paused). */
  disabled?: boolean;
  iconClass?: string;
  displayName?: string;
  params?: Array<{ name: string; value?: string; type?: string; default?: string }>;
}

/** Metadata a Lua script never sees (lua-values.ts leaves it out): large, and written for the API server. */
const HIDDEN_METADATA = ['managedFields'];

/**
 * The object as an action script sees it: JSON nulls are gone (gopher-lua has no null; a null member is
 * absent, a null list item left out) and `metadata.managedFields` is left out. A script's result is
 * compared with this, not with the live object, so what the script could not see is never "removed".
 */
export function objectAsScriptSees(live: KubeObject): Record<string, unknown> {
  const seen = withoutNulls(live) as Record<string, unknown>;
  const metadata = seen['metadata'];
  if (isPlainObject(metadata)) for (const key of HIDDEN_METADATA) delete metadata[key];
  return seen;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(withoutNulls);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

/**
 * What an action script's result asks of the cluster: the JSON merge patch from the object the script saw
 * to the one it returned (Argo CD patches with the same merge patch). Refused (409) when the result is not
 * the same object (another kind, name or namespace: an action changes one resource, never makes another).
 * Lua has one kind of table: an empty list the script left alone comes back as `{}`; it is read as the list
 * it was (Argo CD's `cleanReturnedObj`).
 */
export function actionResultPatch(live: KubeObject, result: unknown, where: string): Record<string, unknown> {
  if (Array.isArray(result)) result = patchedResourceOf(result, where);
  if (!isPlainObject(result))
    throw new DomainError(
      'Conflict',
      `${where} returned ${describe(result)}; an action returns the changed obj`,
    );
  const seen = objectAsScriptSees(live);
  const changed = restoreEmptyLists(result, seen) as Record<string, unknown>;
  const metadata = isPlainObject(changed['metadata']) ? changed['metadata'] : {};
  const same =
    changed['apiVersion'] === live.apiVersion &&
    changed['kind'] === live.kind &&
    metadata['name'] === live.metadata.name &&
    (metadata['namespace'] ?? '') === (live.metadata.namespace ?? '');
  if (!same)
    throw new DomainError(
      'Conflict',
      `${where} returned another object (${String(changed['kind'])} "${String(metadata['name'])}"); an action may only change the resource it runs on`,
    );
  return createMergePatch(seen, changed);
}

/**
 * Argo CD's newer result form, a list of impacted resources (`{{operation = "patch", resource = obj}}`):
 * Berth runs the one `patch` of the object itself; creating other resources is not supported.
 */
function patchedResourceOf(impacted: unknown[], where: string): unknown {
  const operations = impacted.map((item) => (isPlainObject(item) ? item['operation'] : undefined));
  if (impacted.length !== 1 || operations[0] !== 'patch' || !isPlainObject(impacted[0]))
    throw new DomainError(
      'Conflict',
      `${where} returned the operations [${operations.map(String).join(', ')}]; Berth runs actions that patch the one resource they run on (operation "patch"), not ones that create others`,
    );
  return impacted[0]['resource'];
}

/** `{}` where the original held a list (of any length) becomes `[]`, recursively. */
function restoreEmptyLists(value: unknown, original: unknown): unknown {
  if (isPlainObject(value)) {
    if (Object.keys(value).length === 0 && Array.isArray(original)) return [];
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = restoreEmptyLists(v, isPlainObject(original) ? original[k] : undefined);
    return out;
  }
  if (Array.isArray(value))
    return value.map((v, i) => restoreEmptyLists(v, Array.isArray(original) ? original[i] : undefined));
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'null' : `a ${typeof value}`;
}
