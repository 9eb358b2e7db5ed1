/** Failed logins of one user (or from one address) as Argo CD's session manager counts them. */
export interface FailedLogins {
  count: number;
  /** Unix ms of the last failure. */
  lastFailedAt: number;
}

export interface ThrottleLimits {
  /** Failures after which logins are refused (Argo CD: ARGOCD_SESSION_FAILURE_MAX_FAIL_COUNT, 5). */
  maxFailures: number;
  /** Seconds a failure is remembered after the last one; 0 = never forgotten (ARGOCD_SESSION_FAILURE_WINDOW_SECONDS, 300). */
  failureWindowSeconds: number;
}

/**
 * How many more seconds logins stay refused (0: allowed). As Argo CD (util/session/sessionmanager.go
 * exceededFailedLoginAttempts): refused once `maxFailures` failures are recorded and the last one is
 * within the window; the refusal ends `failureWindowSeconds` after the last failure (a refused attempt
 * is not a failure: the password is not even checked). With a window of 0 the refusal never ends by
 * itself: Infinity.
 */
export function refusedForSeconds(
  failures: FailedLogins | undefined,
  limits: ThrottleLimits,
  nowMs: number,
): number {
  if (!failures || failures.count < limits.maxFailures) return 0;
  if (limits.failureWindowSeconds === 0) return Infinity;
  const endsAt = failures.lastFailedAt + limits.failureWindowSeconds * 1000;
  return endsAt > nowMs ? Math.ceil((endsAt - nowMs) / 1000) : 0;
}

/** One more failure: the count restarts when the last failure is out of the window (Argo CD expires those). */
export function withFailure(
  failures: FailedLogins | undefined,
  limits: Pick<ThrottleLimits, 'failureWindowSeconds'>,
  nowMs: number,
): FailedLogins {
  const expired =
    failures !== undefined &&
    limits.failureWindowSeconds > 0 &&
    nowMs - failures.lastFailedAt > limits.failureWindowSeconds * 1000;
  return { count: (expired || !failures ? 0 : failures.count) + 1, lastFailedAt: nowMs };
}
