export * from './lua-health-check';
export * from './lua-health.error';
