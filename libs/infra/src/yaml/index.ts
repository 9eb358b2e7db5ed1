export * from './application-yaml';
