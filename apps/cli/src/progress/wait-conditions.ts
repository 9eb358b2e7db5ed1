import type { Application } from '../format/application';

/** `app wait`'s flags: what has to hold (Argo CD's watchOpts). */
export interface WaitFor {
  sync: boolean;
  health: boolean;
  operation: boolean;
  degraded: boolean;
  suspended: boolean;
}

/** No flag means sync, health and operation, as `argocd app wait` with none. */
export function waitForOf(flags: Partial<WaitFor>): WaitFor {
  const any = flags.sync || flags.health || flags.operation || flags.degraded || flags.suspended;
  return any
    ? {
        sync: !!flags.sync,
        health: !!flags.health,
        operation: !!flags.operation,
        degraded: !!flags.degraded,
        suspended: !!flags.suspended,
      }
    : { sync: true, health: true, operation: true, degraded: false, suspended: false };
}

/**
 * What the app still lacks for `want`, in words ("sync: OutOfSync, health: Progressing"), or undefined
 * when it is there. Health passes as Argo CD's: Healthy for --health; Degraded/Suspended also pass when
 * those flags are given.
 */
export function stillWaiting(app: Application, want: WaitFor): string | undefined {
  const missing: string[] = [];
  const phase = app.status?.operationState?.phase;
  if (
    want.operation &&
    (app.operation !== undefined ||
      phase === 'Running' ||
      phase === 'Terminating' ||
      !comparedSinceOperation(app))
  )
    missing.push(
      `operation: ${app.operation !== undefined ? 'requested' : phase}${app.status?.operationState?.message ? ` (${app.status.operationState.message})` : ''}`,
    );
  const sync = app.status?.sync?.status ?? 'Unknown';
  if (want.sync && sync !== 'Synced') missing.push(`sync: ${sync}`);
  const health = app.status?.health?.status ?? 'Unknown';
  const healths = [
    ...(want.health ? ['Healthy'] : []),
    ...(want.degraded ? ['Degraded'] : []),
    ...(want.suspended ? ['Suspended'] : []),
  ];
  if (healths.length && !healths.includes(health)) missing.push(`health: ${health}`);
  return missing.length ? missing.join(', ') : undefined;
}

/**
 * Argo CD's rule (`argocd app wait`): an operation counts as in progress until the app has been compared
 * after it finished; before that, its sync and health statuses still describe the cluster before the sync.
 */
export function comparedSinceOperation(app: Application): boolean {
  const finishedAt = app.status?.operationState?.finishedAt;
  if (!finishedAt) return true;
  const reconciledAt = app.status?.reconciledAt;
  return reconciledAt !== undefined && Date.parse(reconciledAt) >= Date.parse(finishedAt);
}
