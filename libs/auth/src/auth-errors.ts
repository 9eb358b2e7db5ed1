/** The request carries no valid credentials: 401 with a reason safe to answer. */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
  readonly code = 'Unauthenticated';
}

/** Too many failed logins for the user or from the address: 429 with Retry-After. */
export class LoginThrottledError extends Error {
  override readonly name = 'LoginThrottledError';
  readonly code = 'TooManyFailedLogins';
  constructor(readonly retryAfterSeconds: number) {
    super(
      Number.isFinite(retryAfterSeconds)
        ? `too many failed logins for this user or from this address: try again in ${retryAfterSeconds} s`
        : 'too many failed logins for this user or from this address: ask an administrator to reset the counters (BERTH_SESSION_FAILURE_WINDOW_SECONDS is 0)',
    );
  }
}
