export * from './stream-entry';
export * from './tracking-id';
export * from './operation-history';
export * from './refresh.decision';
export * from './auto-sync.decision';
export * from './app-of-apps';
export * from './cascade-deletion';
