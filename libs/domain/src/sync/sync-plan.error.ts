export type SyncPlanErrorCode = 'EmptyPlan' | 'SharedResource' | 'InvalidBackoff';

/** A sync that must not start as asked; the message names the resource or option and how to fix it. */
export class SyncPlanError extends Error {
  override readonly name = 'SyncPlanError';

  constructor(
    readonly code: SyncPlanErrorCode,
    message: string,
  ) {
    super(message);
  }
}
