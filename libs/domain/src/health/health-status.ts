export type HealthStatusCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface HealthStatus {
  status: HealthStatusCode;
  message?: string;
  /** Counted as this status in app health (a suspended Job does not make the app Suspended). */
  aggregateAs?: HealthStatusCode;
}

/** gitops-engine's healthOrder, most healthy first (pkg/health/health.go). */
export const HEALTH_ORDER: readonly HealthStatusCode[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

/** gitops-engine IsWorse: whether `next` is a worse condition than `current`. */
export function isWorse(current: HealthStatusCode, next: HealthStatusCode): boolean {
  return HEALTH_ORDER.indexOf(next) > HEALTH_ORDER.indexOf(current);
}

/** App health: the worst of its resources (not recursive); Healthy when there are none. */
export function aggregateHealth(list: ReadonlyArray<HealthStatus | undefined>): HealthStatus {
  let worst: HealthStatus = { status: 'Healthy' };
  for (const h of list) {
    if (!h) continue;
    const code = h.aggregateAs ?? h.status;
    if (isWorse(worst.status, code)) worst = { status: code, ...(h.message ? { message: h.message } : {}) };
  }
  return worst;
}
