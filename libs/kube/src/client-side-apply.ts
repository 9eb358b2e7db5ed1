import { groupOf, type KubeObject, LAST_APPLIED_ANNOTATION } from '@berth/domain';
import { isBuiltInGroup } from './strategic-merge-keys';
import { type PatchFlavor, threeWayMergePatch } from './three-way-merge-patch';

export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const JSON_MERGE_PATCH = 'application/merge-patch+json';

/**
 * The object as kubectl apply sends it: with the last-applied-configuration annotation holding the object
 * itself (without that annotation), keys in a stable order so an unchanged object yields the same text.
 */
export function withLastApplied(obj: KubeObject): KubeObject {
  const { [LAST_APPLIED_ANNOTATION]: _previous, ...annotations } = obj.metadata.annotations ?? {};
  const declared: KubeObject = {
    ...obj,
    metadata: { ...obj.metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
  };
  if (Object.keys(annotations).length === 0) delete declared.metadata.annotations;
  return {
    ...declared,
    metadata: {
      ...declared.metadata,
      annotations: { ...annotations, [LAST_APPLIED_ANNOTATION]: stableJson(declared) },
    },
  };
}

/** The live object's last-applied-configuration, parsed; undefined when absent or not JSON. */
export function lastAppliedOf(live: KubeObject): Record<string, unknown> | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * kubectl apply's patch of `live` towards `modified` (withLastApplied): strategic for built-in kinds,
 * JSON merge for custom resources (`jsonMerge` forces it, for a kind a server refuses strategic patches for).
 */
export function clientSideApplyPatch(
  modified: KubeObject,
  live: KubeObject,
  jsonMerge = !isBuiltInGroup(groupOf(modified.apiVersion)),
): { patch: Record<string, unknown>; contentType: string } {
  const flavor: PatchFlavor = jsonMerge ? { type: 'json-merge' } : { type: 'strategic', kind: modified.kind };
  return {
    patch: threeWayMergePatch(lastAppliedOf(live), modified, live, flavor),
    contentType: jsonMerge ? JSON_MERGE_PATCH : STRATEGIC_MERGE_PATCH,
  };
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
