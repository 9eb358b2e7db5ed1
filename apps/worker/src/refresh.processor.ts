import {
  type Application,
  type ApplicationEvent,
  type ApplicationResourcesDeleted,
  applicationEvent,
  applicationStreamId,
  compareApp,
  type EventMetadata,
  healthOf,
  resourceKeyString,
  rolledBackRevisionsOf,
  sourcesOf,
  type SyncRequested,
} from '@berth/domain';
import {
  appHealthOf,
  decideAutoSync,
  decideRefresh,
  inventoryOf,
  isTrackedBy,
  lastFinishedSync,
  openOperation,
  parentOf,
  pendingCascadeDeletion,
  reconcileSnapshotOf,
  type RefreshOutcome,
  selfHealAttemptsOf,
  syncOperationsOf,
} from '@berth/domain/reconcile';
import { type RefreshJob, WrongExpectedVersionError } from '@berth/infra';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppOfAppsTarget } from './app-of-apps.target';
import { autoRollbackIfUnhealthy } from './auto-rollback';
import { refFromKey } from '@berth/infra/kube';
import { loadApplication, type LoadedApplication, toStreamEntry } from './application-stream';
import { applicationOf, renderDesired } from './desired-state';
import { resumeIfOrphaned } from './sync-job-scheduling';
import type { WorkerDeps } from './worker-deps';

export interface RefreshResult {
  /** Types of the events this refresh appended (transitions and, maybe, a SyncRequested). */
  appended: string[];
  /** What the comparison found (absent when it failed). */
  syncStatus?: string;
  healthStatus?: string;
  /** The auto-sync operation this refresh started, if any. */
  autoSyncOperationId?: string;
  /** The rollback this refresh started (spec.syncPolicy.autoRollback), if any. */
  autoRollbackOperationId?: string;
  /** An open operation no job would have run, enqueued again. */
  resumedOperationId?: string;
}

/**
 * Argo CD's refresh (compare) for one app: resolve the revision and render, read the live
 * objects, compare, compute health, and append only what changed, touching `reconciled_at` in
 * the same transaction. A render or cluster error becomes a ComparisonError condition, never a
 * failed job. Then decide on auto-sync.
 */
export class RefreshProcessor {
  constructor(private readonly deps: WorkerDeps) {}

  async process(job: RefreshJob): Promise<RefreshResult> {
    try {
      return await this.attempt(job);
    } catch (err) {
      // Someone appended while we compared (a spec change, a sync request): decide again once.
      if (err instanceof WrongExpectedVersionError) return this.attempt(job);
      throw err;
    }
  }

  private async attempt(job: RefreshJob): Promise<RefreshResult> {
    const loaded = await loadApplication(this.deps, job.application);
    if (!loaded) return this.deleteResourcesOfDeleted(job.application);
    const app = applicationOf(loaded.view);
    const operations = syncOperationsOf(loaded.entries);
    const outcome = await this.compare(app, job, operations, loaded.view.revision);
    const events = decideRefresh(app.metadata.name, reconcileSnapshotOf(loaded.view), outcome);
    const metadata: EventMetadata = {
      actor: 'system:refresh',
      reason: `refresh (${job.reason}${job.hard ? ', hard' : ''})`,
      source: this.deps.source ?? 'worker',
    };
    const touch = async (manager: EntityManager) => {
      await manager.query(`UPDATE applications SET reconciled_at = now() WHERE name = $1`, [job.application]);
    };
    const streamId = applicationStreamId(job.application);
    let version = loaded.version;
    if (events.length > 0) {
      version = (await this.deps.store.append(streamId, version, events, metadata, touch)).nextVersion;
    } else {
      await this.deps.dataSource.transaction(touch);
    }
    const result: RefreshResult = { appended: events.map((e) => e.type) };
    await this.notifyParent(loaded, events);
    const open = openOperation(operations);
    if (open && (await resumeIfOrphaned(this.deps.queues, job.application, open, this.deps.now()))) {
      result.resumedOperationId = open.operationId;
    }
    if (outcome.kind === 'compared') {
      result.syncStatus = outcome.comparison.status;
      const health = appHealthOf(outcome.comparison).health;
      result.healthStatus = health.status;
      const recheckMs = this.deps.timings.progressingRecheckMs ?? 5000;
      if (health.status === 'Progressing' && recheckMs > 0) {
        await this.deps.queues.requestRecheck(job.application, recheckMs);
      }
      const rollback = await autoRollbackIfUnhealthy(this.deps, loaded, app, health, version, events);
      if (rollback) {
        result.appended.push('AutoRollbackTriggered', 'SyncRequested');
        result.autoRollbackOperationId = rollback;
        return result;
      }
      const autoSync = await this.autoSync(loaded, app, outcome, version, events);
      if (autoSync) {
        result.appended.push('SyncRequested');
        result.autoSyncOperationId = autoSync;
      }
    }
    return result;
  }

  /** A child app's health and sync status are part of its parent's: have the parent compare again. */
  private async notifyParent(loaded: LoadedApplication, events: readonly ApplicationEvent[]): Promise<void> {
    const parent = parentOf(loaded.view.manifest);
    if (!parent || !events.some((e) => e.type === 'HealthStatusChanged' || e.type === 'SyncStatusChanged'))
      return;
    await this.deps.queues.requestRefresh({
      application: parent,
      hard: false,
      reason: `child:${loaded.view.name}`,
    });
  }

  /**
   * An app deleted with cascade: delete what it put in the cluster (Foreground, as Argo CD's
   * resources finalizer does), once, and record it. Only objects still carrying its tracking id.
   */
  private async deleteResourcesOfDeleted(name: string): Promise<RefreshResult> {
    const streamId = applicationStreamId(name);
    const recorded = await this.deps.store.readStream(streamId);
    const pending = pendingCascadeDeletion(recorded.map(toStreamEntry));
    if (!pending) return { appended: [] };
    const app = pending.manifest as unknown as Application;
    const resources: ApplicationResourcesDeleted['data']['resources'] = [];
    let target: AppOfAppsTarget | undefined;
    let unreachable: string | undefined;
    try {
      target = AppOfAppsTarget.for(
        this.deps,
        await this.deps.clusters.forDestination(app.spec.destination),
        name,
      );
    } catch (err) {
      unreachable = (err as Error).message;
    }
    for (const key of pending.inventory) {
      const ref = refFromKey(key);
      if (!ref) continue;
      const identity = {
        group: ref.group ?? '',
        kind: ref.kind,
        name: ref.name,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
      };
      if (!target) {
        resources.push({ ...identity, result: 'failed', message: unreachable ?? 'no cluster' });
        continue;
      }
      try {
        const live = await target.get(ref);
        if (!live) resources.push({ ...identity, result: 'gone' });
        else if (!isTrackedBy(name, live)) resources.push({ ...identity, result: 'kept' });
        else {
          const deleted = await target.delete(ref, { propagationPolicy: 'Foreground' });
          resources.push({ ...identity, result: deleted ? 'deleted' : 'gone' });
        }
      } catch (err) {
        resources.push({ ...identity, result: 'failed', message: (err as Error).message });
      }
    }
    const version = recorded[recorded.length - 1]?.streamVersion ?? 0;
    await this.deps.store.append(
      streamId,
      version,
      [
        applicationEvent<ApplicationResourcesDeleted>('ApplicationResourcesDeleted', {
          application: name,
          resources,
        }),
      ],
      {
        actor: 'system:cascade-delete',
        reason: `application ${name} was deleted with cascade`,
        source: this.deps.source ?? 'worker',
      },
    );
    return { appended: ['ApplicationResourcesDeleted'] };
  }

  private async compare(
    app: Application,
    job: RefreshJob,
    operations: ReturnType<typeof syncOperationsOf>,
    previousRevision: string | null,
  ): Promise<RefreshOutcome> {
    try {
      const cluster = AppOfAppsTarget.for(
        this.deps,
        await this.deps.clusters.forDestination(app.spec.destination),
        app.metadata.name,
      );
      // Refs shared between refreshes must not predate a push (or user refresh) the scheduler recorded.
      const refsNotBefore = job.hard
        ? Date.now()
        : await this.deps.queues.reposChangedAt(sourcesOf(app).map((s) => s.repoURL));
      const desired = await renderDesired(this.deps, app, cluster, {
        hard: job.hard,
        refsNotBefore,
        previousRevision,
      });
      const desiredKeys = new Set(desired.objects.map((o) => resourceKeyString(o)));
      const live = (await cluster.liveObjects(desired.objects, inventoryOf(operations))).filter(
        (o) => desiredKeys.has(resourceKeyString(o)) || isTrackedBy(app.metadata.name, o),
      );
      const comparison = compareApp(desired.objects, live, {
        fieldManager: 'berth',
        ...(app.spec.ignoreDifferences ? { ignoreDifferences: app.spec.ignoreDifferences } : {}),
        healthOf: (obj) => healthOf(obj, this.deps.healthChecks),
      });
      // Commit metadata only for a new revision: it is recorded once, in RevisionResolved.
      const commit =
        desired.revision === previousRevision ? undefined : await this.commitInfo(app, desired.revision);
      return {
        kind: 'compared',
        revision: desired.revision,
        targetRevision: desired.targetRevision,
        comparison,
        ...(commit ? { commit } : {}),
      };
    } catch (err) {
      return { kind: 'failed', conditionType: 'ComparisonError', message: (err as Error).message };
    }
  }

  private async commitInfo(app: Application, sha: string) {
    const repoURL = app.spec.source?.repoURL ?? app.spec.sources?.[0]?.repoURL;
    if (!repoURL) return undefined;
    const access = await this.deps.credentials?.forApplication(app);
    const meta = await this.deps.git
      .commitMetadata(repoURL, sha, access ? { credentials: access.credentials } : {})
      .catch(() => undefined);
    return meta && { author: meta.author, date: meta.date, message: meta.message };
  }

  /** Appends SyncRequested and enqueues the sync when Argo CD's rules say so; returns its operation id. */
  private async autoSync(
    loaded: LoadedApplication,
    app: Application,
    outcome: Extract<RefreshOutcome, { kind: 'compared' }>,
    version: number,
    appended: ApplicationEvent[],
  ): Promise<string | undefined> {
    const now = this.deps.now();
    const entries = [...loaded.entries, ...appended.map((event) => ({ event, recordedAt: now }))];
    const operations = syncOperationsOf(entries);
    const decision = decideAutoSync({
      automated: app.spec.syncPolicy?.automated,
      revision: outcome.revision,
      comparison: outcome.comparison,
      operationInProgress: openOperation(operations) !== undefined,
      lastSync: lastFinishedSync(operations),
      selfHealAttempts: selfHealAttemptsOf(entries),
      rolledBackRevisions: rolledBackRevisionsOf(entries),
      now,
      ...(this.deps.timings.selfHealBackoff ? { selfHealBackoff: this.deps.timings.selfHealBackoff } : {}),
    });
    if (decision.kind === 'wait') {
      await this.deps.queues.requestRefresh(
        { application: app.metadata.name, hard: false, reason: 'self-heal' },
        decision.delayMs,
      );
      return undefined;
    }
    if (decision.kind !== 'sync') return undefined;
    const operationId = randomUUID();
    const request = applicationEvent<SyncRequested>('SyncRequested', {
      application: app.metadata.name,
      operationId,
      revision: decision.revision,
      prune: decision.prune,
      dryRun: false,
      ...(app.spec.syncPolicy?.syncOptions ? { syncOptions: app.spec.syncPolicy.syncOptions } : {}),
      initiatedBy: { username: 'system:auto-sync', automated: true },
      trigger: decision.trigger,
    });
    await this.deps.store.append(applicationStreamId(app.metadata.name), version, [request], {
      actor: 'system:auto-sync',
      reason: decision.reason,
      correlationId: operationId,
      source: this.deps.source ?? 'worker',
    });
    await this.deps.queues.requestSync({ application: app.metadata.name, operationId });
    return operationId;
  }
}
