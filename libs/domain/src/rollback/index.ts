export { decideAutoRollback } from './auto-rollback.decision';
export type { AutoRollbackDecision, AutoRollbackInput } from './auto-rollback.decision';
export { DEFAULT_HEALTH_TIMEOUT_MS, autoRollbackPolicyOf } from './auto-rollback.policy';
export type { AutoRollbackPolicy } from './auto-rollback.policy';
export { PartialRollbackError, resourcesOfKinds } from './partial-rollback';
export type { SyncResourceSelector } from './partial-rollback';
