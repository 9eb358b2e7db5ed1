import { getAt, parseJsonPointer, removeAt, resolvePath, setAt, type FieldPath } from './field-path';
import { type IgnoreDifference, type JsonPath, managedFieldPaths, matchingRules } from './ignore-differences';
import { type KubeObject } from './kube-object';
import { cloneJson } from './json-value';

/**
 * RespectIgnoreDifferences=true: before applying, copy the live values of every ignored field
 * into the desired object (and drop ignored fields live does not have), so a sync does not
 * overwrite what ignoreDifferences tells Berth to leave alone. A resource that does not exist
 * yet is applied as Git declares it. `liveJqPaths` are jq paths resolved on the live object.
 */
export function applyIgnoredFromLive(
  desired: KubeObject,
  live: KubeObject | undefined,
  rules: readonly IgnoreDifference[] | undefined,
  liveJqPaths: readonly JsonPath[] = [],
): KubeObject {
  const out = cloneJson(desired);
  if (!live) return out;
  const matching = matchingRules(rules, desired);
  const selectors: FieldPath[] = [...liveJqPaths];
  for (const rule of matching) {
    for (const pointer of rule.jsonPointers ?? []) selectors.push(parseJsonPointer(pointer));
    selectors.push(...managedFieldPaths(live, rule.managedFieldsManagers ?? []));
  }
  for (const selector of selectors) {
    const livePath = resolvePath(live, selector);
    const desiredPath = resolvePath(out, selector) ?? plainPath(selector);
    if (!desiredPath) continue;
    if (livePath) setAt(out, desiredPath, cloneJson(getAt(live, livePath)));
    else removeAt(out, desiredPath);
  }
  return out;
}

/** A selector made only of names/indices can be created in desired even where desired lacks it. */
function plainPath(selector: FieldPath): JsonPath | undefined {
  return selector.every((s) => typeof s === 'string' || typeof s === 'number') ? selector : undefined;
}
