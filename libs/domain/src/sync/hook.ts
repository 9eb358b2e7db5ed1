import type { KubeObject } from '../diff/kube-object';

export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
export const HELM_HOOK_DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';
export const HELM_HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
/**
 * Put on every hook Berth creates and taken off once the hook has finished (or the operation is
 * terminated), as gitops-engine does: a Job deleted early (ttlSecondsAfterFinished, a person) stays
 * readable until its outcome has been seen.
 */
export const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
export type HookType = SyncPhase | 'Skip' | 'PreDelete' | 'PostDelete';
export type HookDeletePolicy = 'HookSucceeded' | 'HookFailed' | 'BeforeHookCreation';

export const PHASE_ORDER: Record<SyncPhase, number> = { PreSync: -1, Sync: 0, PostSync: 1, SyncFail: 2 };

const HOOK_TYPES = new Set<HookType>([
  'PreSync',
  'Sync',
  'PostSync',
  'SyncFail',
  'Skip',
  'PreDelete',
  'PostDelete',
]);
/** Helm's pre-3 way of installing CRDs: an ordinary resource for Argo CD and Berth. */
const HELM_CRD_INSTALL = 'crd-install';
const DELETE_POLICIES = new Set<HookDeletePolicy>(['HookSucceeded', 'HookFailed', 'BeforeHookCreation']);

/** Helm hooks as Argo CD maps them (gitops-engine pkg/sync/hook/helm); crd-install is not a hook. */
const HELM_HOOK_TYPES: Record<string, HookType> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
  'pre-delete': 'PreDelete',
  'post-delete': 'PostDelete',
};
const HELM_DELETE_POLICIES: Record<string, HookDeletePolicy> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Hook types as gitops-engine's hook.Types reads them: the Argo CD annotation's known values, or, when it
 * names none Berth knows (absent, empty, misspelt), the Helm annotation's mapped ones. Unknown names are
 * dropped; a hook whose list ends up empty has no phase and never runs.
 */
export function hookTypes(obj: KubeObject): HookType[] {
  const ann = obj.metadata.annotations ?? {};
  const argo = splitList(ann[HOOK_ANNOTATION]).filter((t): t is HookType => HOOK_TYPES.has(t as HookType));
  if (argo.length > 0) return [...new Set(argo)];
  const mapped = splitList(ann[HELM_HOOK_ANNOTATION])
    .map((t) => HELM_HOOK_TYPES[t])
    .filter((t): t is HookType => t !== undefined);
  return [...new Set(mapped)];
}

/** `Skip` alone means "do not apply this resource"; combined with another type it is ignored. */
export function isSkipped(obj: KubeObject): boolean {
  const types = hookTypes(obj);
  return types.length === 1 && types[0] === 'Skip';
}

/**
 * Any hook annotation makes a hook (gitops-engine's hook.IsHook): a hook runs in its phases instead of
 * being synced, is not part of the app's sync status, and is never pruned. One whose phases Berth does not
 * run (Helm's `test`, `test-success`, `pre-rollback`, a misspelt Argo CD value) is therefore never applied
 * at all. Helm's `crd-install` is the exception: Helm calls such a CRD a hook, but it is an ordinary resource.
 */
export function isHook(obj: KubeObject): boolean {
  const ann = obj.metadata.annotations ?? {};
  if (HOOK_ANNOTATION in ann) return !isSkipped(obj);
  const helm = ann[HELM_HOOK_ANNOTATION];
  return helm !== undefined && helm.trim() !== HELM_CRD_INSTALL;
}

/** The phases of a hook that a sync runs (PreSync, Sync, PostSync, SyncFail), in declaration order. */
export function syncPhasesOf(obj: KubeObject): SyncPhase[] {
  return hookTypes(obj).filter((t): t is SyncPhase => t in PHASE_ORDER);
}

/** Delete policies; BeforeHookCreation is the default when none is given. */
export function hookDeletePolicies(obj: KubeObject): HookDeletePolicy[] {
  const ann = obj.metadata.annotations ?? {};
  const argo = splitList(ann[HOOK_DELETE_POLICY_ANNOTATION]).filter((p): p is HookDeletePolicy =>
    DELETE_POLICIES.has(p as HookDeletePolicy),
  );
  const helm = splitList(ann[HELM_HOOK_DELETE_POLICY_ANNOTATION])
    .map((p) => HELM_DELETE_POLICIES[p])
    .filter((p): p is HookDeletePolicy => p !== undefined);
  const policies = [...new Set([...argo, ...helm])];
  return policies.length > 0 ? policies : ['BeforeHookCreation'];
}
