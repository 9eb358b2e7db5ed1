export * from './lua-health-check';
export * from './lua-health.error';
export * from './health-customizations.loader';
