import type { AppComparison } from '../diff/compare-app';
import { parseResourceKey } from '../diff/kube-object';
import { applicationEvent, type ApplicationEvent } from '../events/application.events';
import type {
  AppSyncStatusCode,
  CommitInfo,
  HealthDetailsChanged,
  HealthStatusChanged,
  ManagedResourceStatus,
  ResourceIdentity,
  SyncStatusChanged,
} from '../events/reconcile.events';
import { aggregateHealth, type HealthStatus, type HealthStatusCode } from '../health/health-status';

/** What the log already says about an app's reconcile state (from the read model). */
export interface ReconcileSnapshot {
  revision: string | null;
  syncStatus: AppSyncStatusCode;
  healthStatus: HealthStatusCode;
  /** Keys (`group/kind/namespace/name`) last recorded as not Synced. */
  outOfSyncKeys: readonly string[];
  conditions: ReadonlyArray<{ type: string; message: string }>;
  /**
   * The health details the log holds: the app's health message and each resource's health by key. Absent
   * (in a snapshot built without them) means "not known": no HealthDetailsChanged is decided then.
   */
  healthDetails?: HealthDetails;
}

/** What a HealthDetailsChanged rewrites: the app's health message and every resource's health. */
export interface HealthDetails {
  message?: string;
  resources: Readonly<Record<string, { status: HealthStatusCode; message?: string } | undefined>>;
}

/** What one refresh found. */
export type RefreshOutcome =
  | {
      kind: 'compared';
      /** The commit the target revision resolved to. */
      revision: string;
      targetRevision: string;
      commit?: CommitInfo;
      comparison: AppComparison;
    }
  | {
      kind: 'failed';
      /** Argo CD's condition types: ComparisonError, InvalidSpecError, UnknownError ... */
      conditionType: string;
      message: string;
    };

/** Condition types a refresh owns: raised when it cannot compare, cleared when it can again. */
export const REFRESH_CONDITION_TYPES: readonly string[] = [
  'ComparisonError',
  'InvalidSpecError',
  'OrphanedResourceWarning',
];

function identityOf(key: string): ResourceIdentity {
  const k = parseResourceKey(key);
  if (!k) return { group: '', kind: '', name: key };
  return { group: k.group, kind: k.kind, name: k.name, ...(k.namespace ? { namespace: k.namespace } : {}) };
}

/**
 * App health as Argo CD computes it: the worst health of its resources, leaving out hooks and
 * resources that only wait to be pruned.
 */
export function appHealthOf(comparison: AppComparison): {
  health: HealthStatus;
  unhealthy: HealthStatusChanged['data']['unhealthy'];
} {
  const counted = comparison.resources.filter((r) => !r.hook && !r.requiresPruning);
  const health = aggregateHealth(counted.map((r) => r.health));
  const unhealthy = counted
    .filter((r) => r.health && r.health.status !== 'Healthy')
    .map((r) => ({
      ...identityOf(r.key),
      status: r.health!.status,
      ...(r.health!.message ? { message: r.health!.message } : {}),
    }));
  return { health, unhealthy };
}

/**
 * Argo CD's `status.resources` from a comparison: every resource, Synced or not, in key order, with
 * its health (message included), hook flag, pruning flag and sync wave.
 */
export function managedResourcesOf(comparison: AppComparison): ManagedResourceStatus[] {
  return comparison.resources.map((r) => ({
    ...identityOf(r.key),
    version: r.version ?? '',
    status: r.status,
    ...(r.health
      ? { health: { status: r.health.status, ...(r.health.message ? { message: r.health.message } : {}) } }
      : {}),
    ...(r.hook ? { hook: true } : {}),
    ...(r.requiresPruning ? { requiresPruning: true } : {}),
    ...(r.syncWave !== undefined ? { syncWave: r.syncWave } : {}),
  }));
}

/** The health details of a comparison's resources, by key, in the shape the snapshot holds them. */
function resourceHealthOf(resources: readonly ManagedResourceStatus[]): HealthDetails['resources'] {
  const byKey: Record<string, { status: HealthStatusCode; message?: string } | undefined> = {};
  for (const r of resources) byKey[resourceKeyOf(r)] = r.health;
  return byKey;
}

function resourceKeyOf(r: ResourceIdentity): string {
  return `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

function sameHealth(
  a: { status: HealthStatusCode; message?: string } | undefined,
  b: { status: HealthStatusCode; message?: string } | undefined,
): boolean {
  return a?.status === b?.status && (a?.message ?? '') === (b?.message ?? '');
}

/** Whether two sets of resource health differ: a resource that came, went, or says something else. */
function resourceHealthDiffers(a: HealthDetails['resources'], b: HealthDetails['resources']): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!sameHealth(a[key], b[key])) return true;
  return false;
}

/**
 * The events one refresh records: only transitions. A new commit gives RevisionResolved; a change
 * of sync status (or of which resources drifted) gives SyncStatusChanged; a change of app health
 * gives HealthStatusChanged; a comparison that fails raises a condition, one that works again
 * clears it (unless the comparison itself reports it, as for an ignoreDifferences rule that cannot
 * run). With the app's health status unchanged, a different health message or resource health gives
 * HealthDetailsChanged (not when a SyncStatusChanged of the same refresh already carries the resources
 * and the app's message is the same). A refresh that finds nothing new returns [].
 */
export function decideRefresh(
  application: string,
  snapshot: ReconcileSnapshot,
  outcome: RefreshOutcome,
): ApplicationEvent[] {
  const events: ApplicationEvent[] = [];
  if (outcome.kind === 'failed') {
    const existing = snapshot.conditions.find((c) => c.type === outcome.conditionType);
    if (!existing || existing.message !== outcome.message) {
      events.push(
        applicationEvent('ConditionRaised', {
          application,
          conditionType: outcome.conditionType,
          message: outcome.message,
        }),
      );
    }
    if (snapshot.syncStatus !== 'Unknown') {
      events.push(
        applicationEvent<SyncStatusChanged>('SyncStatusChanged', {
          application,
          from: snapshot.syncStatus,
          to: 'Unknown',
          revision: snapshot.revision,
          outOfSync: [],
          reason: outcome.message,
        }),
      );
    }
    return events;
  }

  const { comparison, revision } = outcome;
  if (revision !== snapshot.revision) {
    events.push(
      applicationEvent('RevisionResolved', {
        application,
        revision,
        previousRevision: snapshot.revision,
        targetRevision: outcome.targetRevision,
        ...(outcome.commit ? { commit: outcome.commit } : {}),
      }),
    );
  }
  // A comparison that ran may still carry conditions (an ignore rule that cannot run): raised once, kept
  // while they hold, cleared with the rest when they are gone.
  const found = comparison.conditions ?? [];
  for (const condition of found) {
    const existing = snapshot.conditions.find((c) => c.type === condition.type);
    if (existing?.message !== condition.message) {
      events.push(
        applicationEvent('ConditionRaised', {
          application,
          conditionType: condition.type,
          message: condition.message,
        }),
      );
    }
  }
  for (const type of REFRESH_CONDITION_TYPES) {
    if (snapshot.conditions.some((c) => c.type === type) && !found.some((c) => c.type === type))
      events.push(applicationEvent('ConditionCleared', { application, conditionType: type }));
  }

  const resources = managedResourcesOf(comparison);
  const drifted = comparison.resources.filter((r) => !r.hook && r.status !== 'Synced');
  const driftedKeys = drifted.map((r) => r.key).sort();
  const previousKeys = [...snapshot.outOfSyncKeys].sort();
  const syncStatus: AppSyncStatusCode = comparison.status;
  const syncChanged =
    syncStatus !== snapshot.syncStatus || driftedKeys.join('\n') !== previousKeys.join('\n');
  if (syncChanged) {
    events.push(
      applicationEvent<SyncStatusChanged>('SyncStatusChanged', {
        application,
        from: snapshot.syncStatus,
        to: syncStatus,
        revision,
        outOfSync: drifted.map((r) => ({
          ...identityOf(r.key),
          status: r.status,
          ...(r.requiresPruning ? { requiresPruning: true } : {}),
        })),
        resources,
      }),
    );
  }

  const { health, unhealthy } = appHealthOf(comparison);
  if (health.status !== snapshot.healthStatus) {
    events.push(
      applicationEvent<HealthStatusChanged>('HealthStatusChanged', {
        application,
        from: snapshot.healthStatus,
        to: health.status,
        ...(health.message ? { message: health.message } : {}),
        unhealthy,
        resources,
      }),
    );
  } else if (snapshot.healthDetails) {
    const known = snapshot.healthDetails;
    const messageChanged = (health.message ?? '') !== (known.message ?? '');
    const resourcesChanged =
      !syncChanged && resourceHealthDiffers(resourceHealthOf(resources), known.resources);
    if (messageChanged || resourcesChanged) {
      events.push(
        applicationEvent<HealthDetailsChanged>('HealthDetailsChanged', {
          application,
          status: health.status,
          ...(health.message ? { message: health.message } : {}),
          unhealthy,
          resources,
        }),
      );
    }
  }
  return events;
}
