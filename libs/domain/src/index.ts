export * from './shared/duration';
