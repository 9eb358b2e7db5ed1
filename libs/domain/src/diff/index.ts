export { COMPARE_OPTIONS_ANNOTATION, compareApp, resolveAppJqPaths } from './compare-app';
export type { AppComparison, CompareAppOptions, ResourceComparison } from './compare-app';
export { diffResource } from './diff-resource';
export type { DiffChange, DiffOptions, DiffResult, SyncStatusCode } from './diff-resource';
export { DiffError } from './diff.error';
export type { DiffErrorCode } from './diff.error';
export { parseJsonPointer, toJsonPointer } from './field-path';
export type { FieldPath, PathSegment } from './field-path';
export {
  hasJqRules,
  ignoreRuleMatches,
  ignoredPathsFor,
  managedFieldPaths,
  matchingRules,
  resolveJqPaths,
} from './ignore-differences';
export type { IgnoreDifference, JqPathEvaluator, JsonPath, ResolvedJqPaths } from './ignore-differences';
export { groupOf, isKubeObject, parseResourceKey, resourceKey, resourceKeyString } from './kube-object';
export type { KubeObject, ResourceKey } from './kube-object';
export { maskSecrets } from './mask-secrets';
export { LAST_APPLIED_ANNOTATION, base64Utf8, normalizeObject } from './normalize';
export type { NormalizeOptions } from './normalize';
export { quantitiesEqual, quantityNanos } from './quantity';
export { applyIgnoredFromLive } from './respect-ignore-differences';
