export * from './auto-rollback.policy';
export * from './auto-rollback.decision';
export * from './partial-rollback';
