export type DiffErrorCode =
  | 'InvalidJsonPointer'
  | 'JqPathsNotResolved'
  | 'InvalidObject'
  /** A server-side apply dry run answered without the field manager's managedFields. */
  | 'NoManagedFields';

/** A diff that cannot be computed as asked; the message names the rule or object and how to fix it. */
export class DiffError extends Error {
  override readonly name = 'DiffError';

  constructor(
    readonly code: DiffErrorCode,
    message: string,
  ) {
    super(message);
  }
}
