/**
 * Errors of the `when`/`oncePer` expression language. Both carry the expression and the 0-based
 * character offset so config errors can point at the exact spot (`... unexpected token ")" at 34`).
 */
export class ExprSyntaxError extends Error {
  readonly code = 'EXPR_SYNTAX';
  constructor(
    readonly detail: string,
    readonly expression: string,
    /** 0-based character offset into the expression. */
    readonly position: number,
  ) {
    super(`${detail} at ${position + 1}`);
    this.name = 'ExprSyntaxError';
  }
}

/** A runtime failure (`cannot fetch phase from <nil>`); Argo CD treats it as "not triggered". */
export class ExprRuntimeError extends Error {
  readonly code = 'EXPR_RUNTIME';
  constructor(
    readonly detail: string,
    readonly expression: string,
    readonly position: number,
  ) {
    super(`${detail} (at ${position + 1} in "${expression}")`);
    this.name = 'ExprRuntimeError';
  }
}
