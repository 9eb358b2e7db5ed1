import { dropAggregatedRules } from './aggregated-roles';
import { removeAll } from './field-path';
import { ignoredPathsFor, type IgnoreDifference, type JsonPath, matchingRules } from './ignore-differences';
import { type KubeObject } from './kube-object';
import { cloneJson, isPlainObject } from './json-value';

/** Metadata the API server writes; Git never declares it, so it never counts as drift. */
const SERVER_METADATA = [
  'managedFields',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export interface NormalizeOptions {
  ignoreDifferences?: readonly IgnoreDifference[];
  /** Compare `status` too (Argo CD's ignoreResourceStatusField=none). Default false. */
  compareStatus?: boolean;
  /** Argo CD's compare option ignoreAggregatedRoles: an aggregated role's `rules` are not compared. Default false. */
  ignoreAggregatedRoles?: boolean;
}

/**
 * Copy of `obj` stripped of what a GitOps diff must not see: server metadata, status,
 * the last-applied annotation, and the fields ignored by matching ignoreDifferences rules.
 * Secrets are read as the API server stores them (normalizeSecret).
 * `live` supplies managedFields for managedFieldsManagers rules (pass the live object for both sides).
 */
export function normalizeObject(
  obj: KubeObject,
  live: KubeObject | undefined,
  options: NormalizeOptions,
  jqPaths?: JsonPath[],
): KubeObject {
  const out = cloneJson(obj);
  // Paths are resolved before stripping so managedFields and indices match what the rules were written against.
  const rules = matchingRules(options.ignoreDifferences, obj);
  const ignored = rules.length > 0 || jqPaths?.length ? ignoredPathsFor(out, rules, live, jqPaths) : [];
  removeAll(out, ignored);

  const meta = out.metadata;
  for (const field of SERVER_METADATA) delete meta[field];
  if (meta.annotations) {
    delete meta.annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  if (!options.compareStatus) delete out['status'];
  if (options.ignoreAggregatedRoles) dropAggregatedRules(out);
  if (out.kind === 'Secret' && out.apiVersion === 'v1') normalizeSecret(out);
  return out;
}

/**
 * Argo CD's NormalizeSecret: `stringData` is folded into base64 `data` as the API server does, and a
 * null data value is the empty value the API server stores ("" after base64).
 */
function normalizeSecret(secret: KubeObject): void {
  const stringData = secret['stringData'];
  if (isPlainObject(stringData)) {
    const data = isPlainObject(secret['data']) ? secret['data'] : {};
    for (const [k, v] of Object.entries(stringData)) data[k] = base64Utf8(String(v));
    secret['data'] = data;
    delete secret['stringData'];
  }
  const data = secret['data'];
  if (isPlainObject(data)) for (const [k, v] of Object.entries(data)) if (v === null) data[k] = '';
}

export function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
