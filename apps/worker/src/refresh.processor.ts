import { randomUUID } from 'node:crypto';
import {
  type Application,
  applicationAggregate,
  type ApplicationEvent,
  type ApplicationResourcesDeleted,
  type ApplicationState,
  applicationStreamId,
  compareApp,
  decideCascadeDeletion,
  decideRefreshOutcome,
  type EventMetadata,
  healthOf,
  pendingCascadeOf,
  type RefreshDecision,
  resourceKeyString,
  sourcesOf,
  appHealthOf,
  awaitsApproval,
  isTrackedBy,
  parentOf,
  type RefreshOutcome,
  resolveAppJqPaths,
  managedNamespaceOf,
  type KubeObject,
  diffStrategyOf,
  withResourcePermissionProblems,
  orphanedResourcesCondition,
  type AppComparison,
  type ComparisonCondition,
} from '@berth/domain';
import type { LoadedStream } from '@berth/event-store';
import type { RefreshJob } from '@berth/queues';
import { type ClusterCache, refFromKey } from '@berth/kube';
import { isRenderError } from '@berth/render';
import { Logger } from '@nestjs/common';
import { AppOfAppsTarget } from './app-of-apps.target';
import { describeAppScope } from '@berth/infra';
import { appScopeOf } from './app-scope-of';
import { applicationOf, renderDesired } from './desired-state';
import {
  assertProjectAdmits,
  cascadeDeletionGate,
  permittedLive,
  ProjectRulesError,
  resourcePermissionProblemsOf,
} from './project-gate';
import { BERTH_FIELD_MANAGER, predictLive } from './predicted-live';
import { syncApprovalOf } from './sync-approvals.source';
import { enqueueSyncDelivery, resumeIfOrphaned } from './sync-job-scheduling';
import { syncWindowsOf } from './sync-windows.source';
import { jqEvaluatorOf, predictedLiveCacheOf, type WorkerDeps } from './worker-deps';

/**
 * Whether a refresh may read live state from the cluster cache (docs/adr/0005). Not a hard refresh (the
 * user asks for the server's word), nor the one a sync asks for when it ends: the cache may be an event
 * behind the sync's own writes, and that comparison decides whether self-heal syncs again.
 */
function readsCache(job: RefreshJob): boolean {
  return !job.hard && job.reason !== 'sync-finished';
}

/**
 * Argo CD's OrphanedResourceWarning (AppProject `orphanedResources.warn`), judged over the cluster cache's
 * view of the destination namespace, which makes it cheap. A cache that cannot answer yet (or none:
 * BERTH_LIVE_STATE_CACHE=false) keeps the condition as it was rather than clearing it.
 */
function orphanedCondition(
  settings: Parameters<typeof orphanedResourcesCondition>[0],
  namespace: string | undefined,
  cache: ClusterCache | undefined,
  conditions: ReadonlyArray<{ type: string; message: string }>,
): ComparisonCondition | undefined {
  if (!settings?.warn || !namespace) return undefined;
  const resources = cache?.inNamespace(namespace);
  if (!resources) {
    const kept = conditions.find((c) => c.type === 'OrphanedResourceWarning');
    return kept && { type: 'OrphanedResourceWarning', message: kept.message };
  }
  return orphanedResourcesCondition(
    settings,
    resources.map((r) => ({
      group: r.group,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      kind: r.kind,
      name: r.name,
      tracked: r.app !== undefined,
      owned: r.ownerRefs.length > 0,
    })),
  );
}

function withCondition(comparison: AppComparison, condition: ComparisonCondition | undefined): AppComparison {
  return condition
    ? { ...comparison, conditions: [...(comparison.conditions ?? []), condition] }
    : comparison;
}

export interface RefreshResult {
  /** Types of the events this refresh appended (transitions and, maybe, an operation it started). */
  appended: string[];
  /** What the comparison found (absent when it failed). */
  syncStatus?: string;
  healthStatus?: string;
  /** The auto-sync operation this refresh started (or requested, when it waits for approval), if any. */
  autoSyncOperationId?: string;
  /** The operation this refresh requested waits for approval (the project's spec.syncApprovals): not enqueued. */
  awaitingApproval?: boolean;
  /** The rollback this refresh started (spec.syncPolicy.autoRollback), if any. */
  autoRollbackOperationId?: string;
  /** An open operation no job would have run, enqueued again. */
  resumedOperationId?: string;
  /** The comparison began before the latest sync finished: nothing recorded, another refresh asked for. */
  stale?: boolean;
}

/**
 * Argo CD's refresh (compare) for one app: resolve the revision and render, read the live objects,
 * compare, compute health; then one decision (libs/domain decideRefreshOutcome: the transitions, and an
 * auto-rollback or auto-sync it calls for) recorded in one append through the command path, touching
 * `reconciled_at` in the same transaction. A render or cluster error becomes a ComparisonError condition,
 * never a failed job.
 */
export class RefreshProcessor {
  private readonly logger = new Logger('refresh');

  constructor(private readonly deps: WorkerDeps) {}

  async process(job: RefreshJob): Promise<RefreshResult> {
    const streamId = applicationStreamId(job.application);
    const loaded = await this.deps.commands.load(applicationAggregate, streamId);
    if (!loaded.state.exists || !loaded.state.manifest) {
      await this.deps.liveState?.trees.remove(job.application);
      return this.deleteResourcesOfDeleted(loaded);
    }
    const app = applicationOf(loaded.state);
    describeAppScope(appScopeOf(app));
    const comparisonStartedAt = this.deps.now();
    const outcome = await this.compare(app, job, loaded.state);
    // Read after the comparison, so a window edited meanwhile counts; judged at the decision's `now`.
    const syncWindows = await syncWindowsOf(this.deps, app);
    const syncApproval = await syncApprovalOf(this.deps, app);
    const now = this.deps.now();
    const newOperationId = randomUUID();
    let decision: RefreshDecision = { events: [], compareAgain: [] };
    const metadata: EventMetadata = {
      actor: 'system:refresh',
      reason: `refresh (${job.reason}${job.hard ? ', hard' : ''})`,
      source: this.deps.source ?? 'worker',
    };
    // Someone may append while we compared (a spec change, a sync request): the handler then decides again.
    const recorded = await this.deps.commands.handle(
      applicationAggregate,
      streamId,
      (state) => {
        decision = decideRefreshOutcome(state, {
          outcome,
          now,
          comparisonStartedAt,
          newOperationId,
          syncWindows,
          ...(syncApproval ? { syncApproval } : {}),
          ...(this.deps.timings.selfHealBackoff
            ? { selfHealBackoff: this.deps.timings.selfHealBackoff }
            : {}),
        });
        return decision.events;
      },
      // The operation a refresh starts is recorded as its starter's (auto-sync, auto-rollback), with its reason;
      // a gated sync that was not approved in time expires by Berth's rule, not by the refresh.
      (event) =>
        decision.started &&
        (event.type === 'SyncRequested' ||
          event.type === 'AutoRollbackTriggered' ||
          event.type === 'SyncApprovalRequested')
          ? {
              actor: decision.started.actor,
              reason: decision.started.reason,
              correlationId: decision.started.operationId,
              source: metadata.source,
            }
          : event.type === 'SyncApprovalExpired'
            ? {
                actor: 'system:approval-expiry',
                reason: `not approved by ${event.data.expiresAt}`,
                correlationId: event.data.operationId,
                source: metadata.source,
              }
            : metadata,
      {
        known: loaded,
        // A stale comparison (decideRefreshOutcome) did not reconcile the app: reconciledAt stays.
        alsoInTransaction: (manager) =>
          decision.stale
            ? Promise.resolve()
            : this.deps.applications.touchReconciled(job.application, manager),
      },
    );
    if (recorded.events.length === 0 && !decision.stale)
      await this.deps.applications.touchReconciled(job.application);
    const result: RefreshResult = { appended: recorded.events.map((e) => e.type) };
    await this.followUp(job.application, recorded, decision, result, outcome.kind === 'compared');
    if (decision.stale) result.stale = true;
    else if (outcome.kind === 'compared') {
      result.syncStatus = outcome.comparison.status;
      const health = appHealthOf(outcome.comparison).health;
      result.healthStatus = health.status;
      const recheckMs = this.deps.timings.progressingRecheckMs ?? 5000;
      if (health.status === 'Progressing' && recheckMs > 0) {
        await this.deps.queues.requestRecheck(job.application, recheckMs);
      }
    }
    return result;
  }

  /**
   * What the recorded decision asks of the queues: the operation it started, the compares it wants later.
   * `clusterAnswered`: this refresh read the cluster, so an operation waiting for it may go on now.
   */
  private async followUp(
    name: string,
    recorded: LoadedStream<ApplicationState> & { events: Array<{ type: string }> },
    decision: RefreshDecision,
    result: RefreshResult,
    clusterAnswered: boolean,
  ): Promise<void> {
    await this.notifyParent(recorded.state, recorded.events as unknown as ApplicationEvent[]);
    if (decision.started && recorded.events.length > 0) {
      // A gated sync is enqueued when its last approval is recorded (the scheduler does it), not before.
      if (awaitsApproval(recorded.state.openOperation)) result.awaitingApproval = true;
      else
        await this.deps.queues.requestSync({ application: name, operationId: decision.started.operationId });
      if (decision.started.trigger === 'auto-rollback')
        result.autoRollbackOperationId = decision.started.operationId;
      else result.autoSyncOperationId = decision.started.operationId;
    } else {
      const open = recorded.state.openOperation;
      if (open && clusterAnswered && open.waiting?.waitingFor === 'cluster') {
        // Its next delivery may be seconds away; an extra one is harmless (the app lock runs one at a time).
        await enqueueSyncDelivery(this.deps.queues, name, open.operationId, 0, 'resume');
        result.resumedOperationId = open.operationId;
      } else if (open && (await resumeIfOrphaned(this.deps.queues, name, open, this.deps.now()))) {
        result.resumedOperationId = open.operationId;
      }
    }
    for (const later of decision.compareAgain) {
      if (later.reason === 'stale-comparison') {
        await this.deps.queues.requestRefresh({ application: name, hard: false, reason: 'stale-comparison' });
        continue;
      }
      if (later.reason === 'self-heal') {
        await this.deps.queues.requestRefresh(
          { application: name, hard: false, reason: 'self-heal' },
          later.delayMs,
        );
        continue;
      }
      if (later.reason === 'sync-window') {
        // One job per window change (every refresh until then asks for the same one), apart from the
        // app's deduplicated refresh so it never holds back the refreshes others ask for meanwhile.
        await this.deps.queues.refresh.add(
          'refresh',
          { application: name, hard: false, reason: 'sync-window' },
          {
            jobId: `sync-window__${name}__${later.at}`,
            delay: later.delayMs + 50,
            removeOnComplete: { age: 3600, count: 1000 },
            removeOnFail: { age: 24 * 3600, count: 5000 },
          },
        );
        continue;
      }
      if (later.reason === 'approval-expiry') {
        await this.deps.queues.requestApprovalExpiry(name, later.operationId, later.delayMs);
        continue;
      }
      // Its own job id (not the app's deduplicated refresh): one deadline per deployment, and it never
      // holds back the refreshes others ask for meanwhile.
      await this.deps.queues.refresh.add(
        'refresh',
        { application: name, hard: false, reason: 'auto-rollback-deadline' },
        {
          jobId: `auto-rollback__${name}__${later.deploymentId}`,
          delay: later.delayMs + 50,
          removeOnComplete: { age: 3600, count: 1000 },
          removeOnFail: { age: 24 * 3600, count: 5000 },
        },
      );
    }
  }

  /** A child app's health and sync status are part of its parent's: have the parent compare again. */
  private async notifyParent(state: ApplicationState, events: readonly ApplicationEvent[]): Promise<void> {
    const parent = state.manifest ? parentOf(state.manifest) : undefined;
    const concernsParent = (e: ApplicationEvent) =>
      e.type === 'HealthStatusChanged' || e.type === 'HealthDetailsChanged' || e.type === 'SyncStatusChanged';
    if (!parent || !events.some(concernsParent)) return;
    await this.deps.queues.requestRefresh({
      application: parent,
      hard: false,
      reason: `child:${state.name}`,
    });
  }

  /**
   * An app deleted with cascade: delete what it put in the cluster (Foreground, as Argo CD's
   * resources finalizer does), once, and record it. Only objects still carrying its tracking id.
   */
  private async deleteResourcesOfDeleted(loaded: LoadedStream<ApplicationState>): Promise<RefreshResult> {
    const name = loaded.state.name;
    const pending = pendingCascadeOf(loaded.state);
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
    const refusal = await cascadeDeletionGate(this.deps, app);
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
        const refused = live && refusal(live);
        if (!live) resources.push({ ...identity, result: 'gone' });
        else if (!isTrackedBy(name, live)) resources.push({ ...identity, result: 'kept' });
        else if (refused) resources.push({ ...identity, result: 'kept', message: refused });
        else {
          const deleted = await target.delete(ref, { propagationPolicy: 'Foreground' });
          resources.push({ ...identity, result: deleted ? 'deleted' : 'gone' });
        }
      } catch (err) {
        resources.push({ ...identity, result: 'failed', message: (err as Error).message });
      }
    }
    const recorded = await this.deps.commands.handle(
      applicationAggregate,
      applicationStreamId(name),
      (state) => decideCascadeDeletion(state, resources),
      {
        actor: 'system:cascade-delete',
        reason: `application ${name} was deleted with cascade`,
        source: this.deps.source ?? 'worker',
      },
      { known: loaded },
    );
    return { appended: recorded.events.map((e) => e.type) };
  }

  private async compare(app: Application, job: RefreshJob, state: ApplicationState): Promise<RefreshOutcome> {
    const previousRevision = state.status.sync.revision ?? state.status.sync.revisions?.[0] ?? null;
    try {
      // Argo CD validates the app against its project before it compares (an InvalidSpecError, not compared).
      const admitting = await assertProjectAdmits(this.deps, app);
      const kube = await this.deps.clusters.forDestination(app.spec.destination);
      const liveCache = this.deps.liveState?.attach(kube);
      const cluster = AppOfAppsTarget.for(this.deps, kube, app.metadata.name);
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
      // What the project does not permit is no part of the app: neither compared nor, later, pruned.
      const live = permittedLive(
        admitting,
        app,
        (await cluster.liveObjects(desired.objects, state.inventory, { fromCache: readsCache(job) })).filter(
          (o) => desiredKeys.has(resourceKeyString(o)) || isTrackedBy(app.metadata.name, o),
        ),
      );
      // Argo CD's ServerSideDiff=true: the predicted live objects come from server-side apply dry runs.
      const strategy = diffStrategyOf(app.metadata.annotations, this.deps.compareOptions?.serverSideDiff);
      const predictedLive = strategy.serverSideDiff
        ? await predictLive(cluster, desired.objects, live, {
            clusterUrl: kube.url,
            ...(app.spec.syncPolicy?.syncOptions ? { syncOptions: app.spec.syncPolicy.syncOptions } : {}),
            // Argo CD asks the server again when a refresh is requested, not on the periodic one.
            fresh: job.hard || job.reason === 'user',
            cache: predictedLiveCacheOf(this.deps),
          })
        : undefined;
      const ignoreDifferences = app.spec.ignoreDifferences;
      // jq rules are resolved ahead of the (pure, synchronous) comparison; one that does not compile is a
      // condition of the comparison, never its failure. With server-side diff, against the predictions.
      const jqPaths = ignoreDifferences
        ? await resolveAppJqPaths(
            predictedLive
              ? desired.objects.map((o) => predictedLive.get(resourceKeyString(o)) ?? o)
              : desired.objects,
            live,
            { ignoreDifferences },
            jqEvaluatorOf(this.deps),
          )
        : undefined;
      const managed = await this.managedNamespace(app, cluster, desiredKeys);
      const comparison = compareApp(
        managed ? [...desired.objects, managed.desired] : desired.objects,
        managed ? [...live, managed.live] : live,
        {
          fieldManager: BERTH_FIELD_MANAGER,
          ...(this.deps.compareOptions?.ignoreAggregatedRoles ? { ignoreAggregatedRoles: true } : {}),
          ...(ignoreDifferences ? { ignoreDifferences } : {}),
          ...(jqPaths ? { jqPaths } : {}),
          ...(predictedLive ? { predictedLive } : {}),
          ...(strategy.includeMutationWebhook ? { includeMutationWebhook: true } : {}),
          healthOf: (obj) => healthOf(obj, this.deps.healthChecks),
        },
      );
      // Resources the project does not permit: Unknown, and named in an InvalidSpecError condition; the sync
      // refuses them before it applies anything.
      const refused = await resourcePermissionProblemsOf(
        cluster,
        admitting,
        app,
        managed ? [...desired.objects, managed.desired] : desired.objects,
      );
      // Commit metadata only for a new revision: it is recorded once, in RevisionResolved.
      const commit =
        desired.revision === previousRevision ? undefined : await this.commitInfo(app, desired.revision);
      const orphans = orphanedCondition(
        admitting.project.spec.orphanedResources,
        app.spec.destination.namespace,
        liveCache,
        state.status.conditions,
      );
      // Argo CD's setAppManagedResources: the tree the scheduler answers, from this worker's cluster cache.
      await this.deps.liveState?.trees.publish(liveCache, {
        app: app.metadata.name,
        namespace: app.spec.destination.namespace,
        project: admitting.project,
        live: managed ? [...live, managed.live] : live,
        desired: desired.objects,
        force: job.hard,
      });
      return {
        kind: 'compared',
        revision: desired.revision,
        targetRevision: desired.targetRevision,
        comparison: withCondition(withResourcePermissionProblems(comparison, refused), orphans),
        ...(commit ? { commit } : {}),
      };
    } catch (err) {
      if (err instanceof ProjectRulesError)
        return { kind: 'failed', conditionType: err.conditionType, message: err.message };
      // The app's people read the condition; a full or read-only data dir is the operator's, who reads logs.
      if (isRenderError(err, 'disk-error'))
        this.logger.warn(`refresh of ${app.metadata.name}: ${err.message}`);
      return { kind: 'failed', conditionType: 'ComparisonError', message: (err as Error).message };
    }
  }

  /**
   * The destination namespace with the metadata `managedNamespaceMetadata` declares, and its live twin:
   * compared like a resource of the app (as Argo CD does) when it exists and Git does not declare it.
   */
  private async managedNamespace(
    app: Application,
    cluster: AppOfAppsTarget,
    desiredKeys: ReadonlySet<string>,
  ): Promise<{ desired: KubeObject; live: KubeObject } | undefined> {
    const desired = managedNamespaceOf(app);
    if (!desired || desiredKeys.has(resourceKeyString(desired))) return undefined;
    const live = await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: desired.metadata.name });
    return live ? { desired, live } : undefined;
  }

  private async commitInfo(app: Application, sha: string) {
    const repoURL = app.spec.source?.repoURL ?? app.spec.sources?.[0]?.repoURL;
    if (!repoURL) return undefined;
    const meta = await this.deps.git.commitMetadata(repoURL, sha).catch(() => undefined);
    return meta && { author: meta.author, date: meta.date, message: meta.message };
  }
}
