/** A jqPathExpressions entry jq cannot compile or run; the message names the expression, never resource values. */
export class JqPathError extends Error {
  override readonly name = 'JqPathError';
  readonly code = 'InvalidJqPathExpression';

  constructor(message: string) {
    super(message);
  }
}
