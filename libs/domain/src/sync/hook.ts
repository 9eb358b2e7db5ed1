import type { KubeObject } from '../diff/kube-object';

export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
export const HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
export const HELM_HOOK_DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';
export const HELM_HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';

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

/** Hook types declared by the Argo CD annotation, or else mapped from Helm's; unknown names are dropped. */
export function hookTypes(obj: KubeObject): HookType[] {
  const ann = obj.metadata.annotations ?? {};
  if (HOOK_ANNOTATION in ann) {
    return [
      ...new Set(splitList(ann[HOOK_ANNOTATION]).filter((t): t is HookType => HOOK_TYPES.has(t as HookType))),
    ];
  }
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

/** A hook runs in its phase instead of being synced, and is not part of the app's sync status. */
export function isHook(obj: KubeObject): boolean {
  return hookTypes(obj).some((t) => t !== 'Skip');
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
