/** Someone else appended to the stream first: reload, decide again, retry. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  readonly code = 'Conflict';

  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number | undefined,
  ) {
    super(
      `stream "${streamId}" is at version ${actualVersion ?? 'none'}, not ${String(expectedVersion)}: ` +
        `it changed while this request was being decided; retry the request`,
    );
  }
}

/**
 * What the appender believes the stream's version is:
 * a number (0 = the stream must not exist yet), `no_stream`, or `any` (no check).
 */
export type ExpectedVersion = number | 'no_stream' | 'any';
