export * from './application-yaml';
export * from './bounded-yaml';
export * from './bounded-json';
export * from './document-limits';
