export * from './hook';
export * from './sync-options';
export * from './sync-wave';
export * from './kind-order';

export * from './plan-sync';
export * from './next-step';
export * from './backoff';
export * from './sync-plan.error';
