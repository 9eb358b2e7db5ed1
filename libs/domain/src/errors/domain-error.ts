/**
 * A refusal by the domain: the request is well-formed but not allowed in the current state.
 * The code steers the API's HTTP status; the message says what to do about it.
 */
export type DomainErrorCode =
  'NotFound' | 'AlreadyExists' | 'Invalid' | 'OperationInProgress' | 'Conflict' | 'Forbidden';

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
