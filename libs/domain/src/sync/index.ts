export { retryDelay, selfHealDelay } from './backoff';
export type { RetryBackoff } from './backoff';
export {
  HELM_HOOK_ANNOTATION,
  HELM_HOOK_DELETE_POLICY_ANNOTATION,
  HELM_HOOK_WEIGHT_ANNOTATION,
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  PHASE_ORDER,
  hookDeletePolicies,
  hookTypes,
  isHook,
  isSkipped,
} from './hook';
export type { HookDeletePolicy, HookType, SyncPhase } from './hook';
export { KIND_ORDER, kindRank } from './kind-order';
export { nextStep } from './next-step';
export type { NextStep, SyncProgress } from './next-step';
export { planSync } from './plan-sync';
export type {
  PlanSyncOptions,
  SelectedResource,
  SyncAction,
  SyncPlan,
  SyncTask,
  SyncWave,
} from './plan-sync';
export {
  DEFAULT_SYNC_OPTIONS,
  SYNC_OPTIONS_ANNOTATION,
  effectiveSyncOptions,
  parseSyncOptionList,
} from './sync-options';
export type { ResourceSyncOptions } from './sync-options';
export { SyncPlanError } from './sync-plan.error';
export type { SyncPlanErrorCode } from './sync-plan.error';
export { SYNC_WAVE_ANNOTATION, SYNC_WAVE_DELAY_MS, syncWave } from './sync-wave';
