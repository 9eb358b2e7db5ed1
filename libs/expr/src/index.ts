export { compileExpr } from './expr';
export type { CompiledExpr, ExprEvaluateOptions } from './expr';
export { ExprRuntimeError, ExprSyntaxError } from './expr.errors';
export { ExprNamespace } from './expr-namespace';
export type { ExprFunction } from './expr-namespace';
