export * from './tracking-id';
export * from './refresh.decision';
export * from './auto-sync.decision';
export * from './app-of-apps';
