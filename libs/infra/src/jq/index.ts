export * from './jq-path-evaluator';
export * from './jq-path.error';
