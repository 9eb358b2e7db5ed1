import { extendLogContext } from '@berth/infra';
import {
  type Application,
  applicationAggregate,
  awaitsApproval,
  applicationStreamId,
  type ApplicationState,
  definedKindOf,
  describeResourcePermissionProblems,
  type HealthStatus,
  healthOf,
  type KubeObject,
  nextStep,
  planSync,
  pruneConfirmationMessage,
  resolveAppJqPaths,
  type OpenOperation,
  type OperationStep,
  type ResourcePermissionProblem,
  type ResourceIdentity,
  resourceKey,
  resourceKeyString,
  retryDelay,
  syncWindowsVerdictFor,
  type SyncPlan,
  type SyncTask,
  isTrackedBy,
  waitingMessage,
  withLiveSyncOptions,
} from '@berth/domain';
import type { SyncJob } from '@berth/queues';
import { applyStrategyOf, isClusterUnreachable, KubeApiError, refOf } from '@berth/kube';
import { AppOfAppsTarget, type ClusterTarget } from './app-of-apps.target';
import { describeAppScope } from '@berth/infra';
import { appScopeOf } from './app-scope-of';
import { applicationOf, renderDesired } from './desired-state';
import { HookLifecycle, hookHealthView } from './hook-lifecycle';
import { OperationTakenOverSignal, OperationTerminatedSignal, OperationWriter } from './operation-writer';
import {
  type AdmittingProject,
  assertProjectAdmits,
  permittedLive,
  ProjectRulesError,
  resourcePermissionProblemsOf,
} from './project-gate';
import { DRY_RUN_FAILED, dryRunProblems } from './sync-dry-run';
import { enqueueSyncDelivery } from './sync-job-scheduling';
import { syncWindowsOf } from './sync-windows.source';
import { jqEvaluatorOf, type WorkerDeps } from './worker-deps';

export type SyncOutcome =
  | 'Succeeded'
  | 'Failed'
  | 'Retrying'
  | 'Terminated'
  | 'AlreadyFinished'
  | 'NotFound'
  | 'RetryNotDue'
  /**
   * The destination cluster's API server did not answer (refused, reset, timed out): the operation
   * stays Running, says so, and is delivered again shortly; it goes on where it stopped once it answers.
   */
  | 'WaitingForCluster'
  /** This run stalled past the app's lease and another run carries the operation on (docs/adr/0003). */
  | 'TakenOver'
  /**
   * The operation reached prunes marked Prune=confirm and stays Running until a person confirms; the
   * confirmation enqueues it again (a PruneConfirmed event, then resumeIfOrphaned).
   */
  | 'WaitingForPruneConfirmation'
  /**
   * A sync window forbids the operation now (Argo CD: "Sync operation blocked by sync window"): it stays
   * Running, and the next refresh enqueues it again (resumeIfOrphaned) until the window lets it go on.
   */
  | 'BlockedBySyncWindow'
  /**
   * A gated sync not approved yet (the project's spec.syncApprovals): nothing is recorded or applied; the
   * scheduler enqueues it again when the last approval is recorded.
   */
  | 'WaitingForApproval';

/** Points where a test can stop the processor as a kill -9 would (throwing aborts the run). */
export interface SyncProbes {
  /** After a task changed the cluster, before its ResourceSynced is recorded. */
  beforeRecord?: (taskId: string) => void | Promise<void>;
  /** After every task of a wave is recorded. */
  afterWave?: (phase: string, wave: number) => void | Promise<void>;
}

/** What recording an outcome needs: available before the cluster is known. */
interface OperationContext {
  app: Application;
  op: OpenOperation;
  /** What the app put in the cluster and has not pruned (the prune inventory). */
  inventory: readonly string[];
  writer: OperationWriter;
  dryRun: boolean;
  revision: string | null;
  attempt: number;
  startedAt: string;
}

interface RunContext extends OperationContext {
  cluster: ClusterTarget;
  /** The app's project, as it stands now: it judges every live object and every task. */
  admitting: AdmittingProject;
  liveByKey: Map<string, KubeObject>;
  /** Namespaces this sync creates: a dry run cannot ask the server about objects inside them. */
  newNamespaces: Set<string>;
}

const SUCCESS_MESSAGE = 'successfully synced (all tasks run)';
/** gitops-engine's phase message when the project refuses tasks; every problem follows it. */
const INVALID_TASKS = 'one or more synchronization tasks are not valid';
/** Argo CD's operation message while a sync window holds an operation back. */
const SYNC_WINDOW_BLOCKED = 'Sync operation blocked by sync window';

/** Bounds of the delay before an operation waiting for its cluster tries again (waitForCluster). */
const CLUSTER_WAIT_MIN_MS = 1_000;
const CLUSTER_WAIT_MAX_MS = 5_000;

/**
 * Runs (or resumes) one sync operation from the event log, like gitops-engine's sync context:
 * plan, record SyncOperationStarted once, run wave by wave recording one ResourceSynced per
 * task, wait for each wave to be healthy, then record the outcome. A task already recorded is
 * never run again, so a worker killed mid-sync is resumed by the next one without duplicates.
 */
export class SyncProcessor {
  constructor(private readonly deps: WorkerDeps) {}

  async process(job: SyncJob, probes: SyncProbes = {}): Promise<SyncOutcome> {
    const loaded = await this.deps.commands.load(applicationAggregate, applicationStreamId(job.application));
    const state: ApplicationState = loaded.state;
    if (!state.exists || !state.manifest) return 'NotFound';
    const op = state.openOperation?.operationId === job.operationId ? state.openOperation : undefined;
    if (!op) {
      return state.finishedOperations.some((f) => f.operationId === job.operationId)
        ? 'AlreadyFinished'
        : 'NotFound';
    }
    const app = applicationOf(state);
    describeAppScope({ ...appScopeOf(app), dryRun: op.request.dryRun });
    const actor =
      op.request.initiatedBy.username ??
      (op.request.initiatedBy.automated ? 'system:auto-sync' : 'anonymous');
    // Structured logs name who asked for the sync on every line of it (LOG_FORMAT=json).
    extendLogContext({ actor });
    const writer = new OperationWriter(this.deps, loaded, op.operationId, {
      actor,
      reason: `sync operation ${op.operationId}`,
      correlationId: op.operationId,
      source: this.deps.source ?? 'worker',
    });
    const now = this.deps.now();
    if (op.terminateRequested) return this.terminateUnlessTakenOver(writer);
    if (awaitsApproval(op)) return 'WaitingForApproval';
    if (op.retryPending) {
      const due = Date.parse(op.retryPending.failedAt) + op.retryPending.retryInMs;
      if (due > now.getTime()) {
        await enqueueSyncDelivery(
          this.deps.queues,
          app.metadata.name,
          op.operationId,
          due - now.getTime(),
          'retry',
        );
        return 'RetryNotDue';
      }
    }
    const resuming = op.started !== undefined && op.retryPending === undefined;
    const opCtx: OperationContext = {
      app,
      op,
      inventory: state.inventory,
      writer,
      dryRun: op.request.dryRun,
      revision: op.started?.revision ?? op.request.revision ?? null,
      attempt: resuming ? op.started!.attempt : op.retries + 1,
      startedAt: resuming ? op.startedAt! : now.toISOString(),
    };
    let outcome: SyncOutcome | undefined;
    let waitingForCluster = false;
    try {
      let plan: SyncPlan;
      let ctx: RunContext;
      let refused: ResourcePermissionProblem[];
      try {
        // The project may have changed since the app was admitted: nothing reaches a cluster it may not use.
        const admitting = await assertProjectAdmits(this.deps, app);
        const cluster = AppOfAppsTarget.for(
          this.deps,
          await this.deps.clusters.forDestination(app.spec.destination),
          app.metadata.name,
        );
        ctx = { ...opCtx, cluster, admitting, liveByKey: new Map(), newNamespaces: new Set() };
        plan = await this.plan(ctx);
        refused = await resourcePermissionProblemsOf(cluster, admitting, app, objectsOf(plan));
      } catch (err) {
        if (isClusterUnreachable(err)) throw err;
        // Nothing ran: the operation could not start (render, cluster, plan refused). A project that no
        // longer admits the app fails it as Argo CD does with the app's error conditions (FormatAppConditions).
        const message =
          err instanceof ProjectRulesError ? `${err.conditionType}: ${err.message}` : (err as Error).message;
        return await this.fail(opCtx, message, 'Error');
      }
      // gitops-engine's permission validator: every task the project does not permit, before anything runs
      // (the namespace CreateNamespace=true would create included). Judged again whenever the operation
      // resumes (a retry, a restarted worker, a confirmation), as gitops-engine does on each pass.
      if (refused.length > 0)
        return await this.fail(
          ctx,
          `${INVALID_TASKS}: ${describeResourcePermissionProblems(refused)}`,
          'Failed',
        );
      if (!resuming) {
        await writer.append({
          type: 'Start',
          started: {
            revision: ctx.revision ?? '',
            planId: plan.planId,
            attempt: ctx.attempt,
            dryRun: ctx.dryRun,
            taskCount: plan.waves.reduce(
              (n, w) => n + w.tasks.filter((t) => t.action !== 'skip').length,
              plan.namespace ? 1 : 0,
            ),
          },
        });
      }
      const completed = new Set(resuming ? op.synced.map((s) => s.taskId) : []);
      outcome = await this.run(ctx, plan, completed, probes);
      return outcome;
    } catch (err) {
      if (err instanceof OperationTerminatedSignal) return this.terminateUnlessTakenOver(writer);
      if (err instanceof OperationTakenOverSignal) return 'TakenOver';
      if (isClusterUnreachable(err)) {
        const waited = await this.waitForCluster(opCtx, err);
        waitingForCluster = waited === 'WaitingForCluster';
        return waited;
      }
      throw err;
    } finally {
      // The app's status follows the operation: compare again now rather than at the next period. Not
      // for an operation a window holds back (that refresh would only enqueue it again at once), nor while it
      // waits for the cluster (that comparison could only fail the same way).
      if (outcome !== 'BlockedBySyncWindow' && !waitingForCluster)
        await this.deps.queues
          .requestRefresh({ application: app.metadata.name, hard: false, reason: 'sync-finished' })
          .catch(() => undefined);
    }
  }

  /**
   * The destination cluster's API server did not answer (KubeApiError.transient: refused, reset, timed
   * out): not a failure of the operation, which stays Running, records once what it waits for (its
   * message names the server and what the connection said), and is delivered again after a quarter of
   * the time it has been open, between 1 and 5 s, so it goes on within 5 s of the cluster's return (or
   * at once, when a refresh finds the cluster answering). Tasks already recorded are not run again.
   * gitops-engine fails the operation here, and Argo CD's automated sync would then never retry that
   * revision (docs/operations.md). Terminate stops the wait.
   */
  private async waitForCluster(ctx: OperationContext, err: Error): Promise<SyncOutcome> {
    const message = `waiting for the destination cluster to answer: ${err.message}; the sync goes on by itself once it does (terminate it to stop waiting)`;
    try {
      if (ctx.writer.state.openOperation?.waiting?.message !== message)
        await ctx.writer.append({ type: 'Wait', waiting: { waitingFor: 'cluster', message, resources: [] } });
    } catch (signal) {
      if (signal instanceof OperationTerminatedSignal) return this.terminateUnlessTakenOver(ctx.writer);
      if (signal instanceof OperationTakenOverSignal) return 'TakenOver';
      throw signal;
    }
    const openFor = this.deps.now().getTime() - Date.parse(ctx.op.startedAt ?? ctx.op.requestedAt);
    const delayMs = Math.min(CLUSTER_WAIT_MAX_MS, Math.max(CLUSTER_WAIT_MIN_MS, Math.round(openFor / 4)));
    await enqueueSyncDelivery(this.deps.queues, ctx.app.metadata.name, ctx.op.operationId, delayMs, 'resume');
    return 'WaitingForCluster';
  }

  private async plan(ctx: RunContext): Promise<SyncPlan> {
    const { app, op, cluster } = ctx;
    const desired = await renderDesired(this.deps, app, cluster, {
      hard: false,
      ...(ctx.revision ? { revision: ctx.revision } : {}),
    });
    ctx.revision = desired.revision;
    const desiredKeys = new Set(desired.objects.map((o) => resourceKeyString(o)));
    // What the project does not permit is no part of the app: never pruned (Argo CD's IsLiveResourcePermitted).
    const live = permittedLive(
      ctx.admitting,
      app,
      (await cluster.liveObjects(desired.objects, [...ctx.inventory])).filter(
        (o) => desiredKeys.has(resourceKeyString(o)) || isTrackedBy(app.metadata.name, o),
      ),
    );
    for (const o of live) ctx.liveByKey.set(resourceKeyString(o), o);
    // The destination namespace is seen (so CreateNamespace does not create it twice) but never
    // put in the inventory: Berth did not declare it, so it must never be pruned.
    const destination = app.spec.destination.namespace;
    const namespace = destination
      ? await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: destination })
      : undefined;
    if (namespace) ctx.liveByKey.set(resourceKeyString(namespace), namespace);
    const automated = app.spec.syncPolicy?.automated;
    const ignoreDifferences = app.spec.ignoreDifferences;
    const jqPaths = ignoreDifferences
      ? await resolveAppJqPaths(desired.objects, live, { ignoreDifferences }, jqEvaluatorOf(this.deps))
      : undefined;
    return planSync(desired.objects, namespace ? [...live, namespace] : live, {
      syncOptions: op.request.syncOptions ?? app.spec.syncPolicy?.syncOptions ?? [],
      // A selective sync (e.g. a partial rollback by kind) never prunes: only the chosen resources change.
      prune: op.request.prune && !op.request.resources,
      ...(op.request.resources
        ? { resources: op.request.resources.map((r) => ({ ...r, group: r.group ?? '' })) }
        : {}),
      // Only objects that carry this app's tracking id (or are in Git) may be pruned, as in Argo CD.
      inventory: live.map((o) => resourceKeyString(o)),
      allowEmpty: automated?.allowEmpty === true || !op.request.initiatedBy.automated,
      ...(app.spec.destination.namespace ? { destinationNamespace: app.spec.destination.namespace } : {}),
      ...(app.spec.syncPolicy?.managedNamespaceMetadata
        ? { managedNamespaceMetadata: app.spec.syncPolicy.managedNamespaceMetadata }
        : {}),
      ...(ignoreDifferences ? { ignoreDifferences } : {}),
      ...(jqPaths ? { jqPaths } : {}),
      // Argo CD's `apply` sync strategy runs no hooks.
      skipHooks: op.request.syncStrategy?.apply !== undefined,
      // Hooks without a name are named for this operation; every attempt and resumption names them alike.
      hookNaming: { operationId: op.operationId, revision: desired.revision, application: app.metadata.name },
    });
  }

  private async run(
    ctx: RunContext,
    plan: SyncPlan,
    completed: Set<string>,
    probes: SyncProbes,
  ): Promise<SyncOutcome> {
    const healthByKey = new Map<string, HealthStatus>();
    const failed = new Map<string, string>();
    const objectsByKey = new Map<string, KubeObject>();
    const hooks = new HookLifecycle(ctx.cluster, ctx.app.metadata.name);
    for (const t of [...plan.waves, ...plan.syncFailWaves].flatMap((w) => w.tasks)) {
      if (t.object) objectsByKey.set(t.key, t.object);
      if (
        t.object?.kind === 'Namespace' &&
        t.action !== 'prune' &&
        t.action !== 'skip' &&
        !ctx.liveByKey.has(t.key)
      )
        ctx.newNamespaces.add(t.object.metadata.name);
    }
    try {
      if (await this.blockedBySyncWindow(ctx)) return 'BlockedBySyncWindow';
      // CreateNamespace=true: the namespace alone, before the dry run and before anything else.
      const ns = plan.namespace;
      if (ns && !completed.has(ns.id)) {
        let result: string;
        try {
          result = await this.execute(ctx, ns, hooks);
        } catch (err) {
          if (isClusterUnreachable(err)) throw err;
          return await this.fail(ctx, `namespace auto creation failed: ${(err as Error).message}`, 'Failed');
        }
        await ctx.writer.append(this.taskDone(ns, result));
        completed.add(ns.id);
      }
      if (ns && ctx.dryRun && ns.action === 'create') ctx.newNamespaces.add(ns.object!.metadata.name);
      // Dry-run every task once per attempt, before anything of it is applied (gitops-engine's Sync()).
      if (![...completed].some((id) => id !== ns?.id)) {
        const problems = await dryRunProblems(plan, {
          cluster: ctx.cluster,
          newNamespaces: ctx.newNamespaces,
          send: (task) => this.execute(ctx, task, hooks, { dryRun: true }),
          isLive: (key) => ctx.liveByKey.has(key),
        });
        if (problems.length > 0)
          return await this.fail(ctx, `${DRY_RUN_FAILED}: ${problems.join('; ')}`, 'Failed');
      }
      return await this.walk(ctx, plan, completed, probes, { healthByKey, failed, objectsByKey, hooks });
    } catch (err) {
      if (err instanceof OperationTerminatedSignal)
        await this.releaseHooksOnTerminate(ctx, plan, completed, hooks);
      throw err;
    }
  }

  /** Drives nextStep until the operation succeeds, fails, or waits for a person. */
  private async walk(
    ctx: RunContext,
    plan: SyncPlan,
    completed: Set<string>,
    probes: SyncProbes,
    run: {
      healthByKey: Map<string, HealthStatus>;
      failed: Map<string, string>;
      objectsByKey: ReadonlyMap<string, KubeObject>;
      hooks: HookLifecycle;
    },
  ): Promise<SyncOutcome> {
    const { healthByKey, failed, objectsByKey, hooks } = run;
    const { timings } = this.deps;
    const gone = new Set<string>();
    const progress = () => ({
      completed,
      healthByKey,
      failed,
      gone,
      // A dry-run operation deletes nothing: it has nothing to wait for a confirmation of.
      pruneConfirmed: ctx.dryRun || ctx.writer.state.openOperation?.pruneConfirmed !== undefined,
    });
    let waitingSince: number | undefined;
    for (let guard = 0; guard < 100_000; guard++) {
      let step = nextStep(plan, progress());
      const watching =
        step.kind === 'waitForHealth'
          ? step.waitingFor
          : step.kind === 'failed' && step.syncFailTasks.length === 0
            ? step.waitingFor
            : [];
      if (watching.length > 0) {
        await this.observe(ctx, watching, objectsByKey, healthByKey, gone, hooks);
        step = nextStep(plan, progress());
      }
      switch (step.kind) {
        case 'run': {
          waitingSince = undefined;
          // A window may have closed (or a deny window opened) since the last wave: Argo CD checks each step.
          if (await this.blockedBySyncWindow(ctx)) return 'BlockedBySyncWindow';
          await this.runTasks(ctx, step.tasks, completed, failed, hooks, probes);
          if (failed.size === 0) await probes.afterWave?.(step.phase, step.wave);
          break;
        }
        case 'waitForHealth': {
          waitingSince ??= Date.now();
          await this.recordWaiting(
            ctx,
            step.waitingFor.some((t) => t.hook) ? 'hook' : 'health',
            step.waitingFor,
          );
          if (Date.now() - waitingSince > timings.waveHealthTimeoutMs) {
            return this.fail(
              ctx,
              `timed out after ${timings.waveHealthTimeoutMs} ms waiting for ${step.phase} wave ${step.wave} to be healthy: ${step.keys.join(', ')}`,
              'Failed',
            );
          }
          await ctx.writer.checkTerminated();
          await sleep(timings.healthPollMs);
          break;
        }
        case 'waitForPruneConfirmation': {
          // A person confirms through the API; the confirmation enqueues this operation again (resumeIfOrphaned).
          await ctx.writer.checkTerminated();
          if (ctx.writer.state.openOperation?.pruneConfirmed) break;
          await this.recordWaiting(ctx, 'prune-confirmation', step.tasks);
          if (ctx.writer.state.openOperation?.pruneConfirmed) break;
          return 'WaitingForPruneConfirmation';
        }
        case 'done':
          await this.deleteHooksByPolicy(ctx, step.deleteHooks, completed, hooks, 'HookSucceeded');
          await ctx.writer.append({
            type: 'Succeed',
            revision: ctx.revision ?? '',
            message: SUCCESS_MESSAGE,
            startedAt: ctx.startedAt,
            finishedAt: this.deps.now().toISOString(),
          });
          return 'Succeeded';
        case 'failed': {
          if (step.syncFailTasks.length > 0) {
            waitingSince = undefined;
            await this.runTasks(ctx, step.syncFailTasks, completed, failed, hooks, probes);
            break;
          }
          if (step.waitingFor.length > 0) {
            waitingSince ??= Date.now();
            await this.recordWaiting(ctx, 'hook', step.waitingFor);
            if (Date.now() - waitingSince > timings.waveHealthTimeoutMs) {
              return this.fail(
                ctx,
                `${step.reason}; timed out after ${timings.waveHealthTimeoutMs} ms waiting for SyncFail hooks: ${step.waitingFor.map((t) => t.key).join(', ')}`,
                'Failed',
              );
            }
            await ctx.writer.checkTerminated();
            await sleep(timings.healthPollMs);
            break;
          }
          await this.deleteHooksByPolicy(ctx, step.deleteHooks, completed, hooks, 'HookFailed');
          const syncFail =
            step.syncFailFailures.length > 0
              ? `; one or more SyncFail hooks failed: ${step.syncFailFailures.join('; ')}`
              : '';
          return this.fail(ctx, `${step.reason}${syncFail}`, 'Failed');
        }
      }
    }
    return this.fail(ctx, 'sync did not converge', 'Error');
  }

  /** Runs tasks in order, recording each; the first failure stops the rest (nextStep then fails the operation). */
  private async runTasks(
    ctx: RunContext,
    tasks: readonly SyncTask[],
    completed: Set<string>,
    failed: Map<string, string>,
    hooks: HookLifecycle,
    probes: SyncProbes,
  ): Promise<void> {
    for (const task of tasks) {
      let result: string;
      try {
        result = await this.execute(ctx, task, hooks);
      } catch (err) {
        if (
          err instanceof OperationTerminatedSignal ||
          err instanceof OperationTakenOverSignal ||
          isClusterUnreachable(err)
        )
          throw err;
        failed.set(task.id, (err as Error).message);
        return;
      }
      await probes.beforeRecord?.(task.id);
      await ctx.writer.append(this.taskDone(task, result));
      completed.add(task.id);
    }
  }

  /**
   * Argo CD's syncWindowPreventsSync: the project's windows judged now, for a manual operation (a person
   * started it; `manualSync` windows let it through) or an automated one. When they forbid it, records
   * why once (the operation's message) and tells the caller to stop here; nothing more is applied.
   */
  private async blockedBySyncWindow(ctx: RunContext): Promise<boolean> {
    const windows = await syncWindowsOf(this.deps, ctx.app);
    if (windows.windows.length === 0) return false;
    const verdict = syncWindowsVerdictFor(
      windows.windows,
      { name: ctx.app.metadata.name, destination: ctx.app.spec.destination },
      this.deps.now(),
      {
        manual: !ctx.op.request.initiatedBy.automated,
        ...(windows.clusters ? { clusters: windows.clusters } : {}),
      },
    );
    if (verdict.canSync) return false;
    const message = `${SYNC_WINDOW_BLOCKED}: ${verdict.reason ?? 'a window forbids it'}`;
    if (ctx.writer.state.openOperation?.waiting?.message !== message) {
      await ctx.writer.append({
        type: 'Wait',
        waiting: { waitingFor: 'sync-window', message, resources: [] },
      });
    }
    // Try again when a window opens or closes; a refresh before then finds this delivery pending.
    if (verdict.changesAt) {
      const delayMs = verdict.changesAt.getTime() - this.deps.now().getTime() + 50;
      await enqueueSyncDelivery(
        this.deps.queues,
        ctx.app.metadata.name,
        ctx.op.operationId,
        delayMs,
        'resume',
      );
    }
    return true;
  }

  /**
   * Records what the operation waits for (`status.operationState.message`), once per change: gitops-engine's
   * words, so a user sees it from the first poll.
   */
  private async recordWaiting(
    ctx: RunContext,
    waitingFor: 'health' | 'hook' | 'deletion' | 'prune-confirmation',
    tasks: readonly SyncTask[],
  ): Promise<void> {
    const message =
      waitingFor === 'prune-confirmation'
        ? pruneConfirmationMessage(tasks)
        : waitingMessage(tasks, waitingFor === 'deletion' ? 'deletion' : 'completion');
    if (message === '' || ctx.writer.state.openOperation?.waiting?.message === message) return;
    await ctx.writer.append({
      type: 'Wait',
      waiting: {
        waitingFor,
        message,
        resources: tasks.slice(0, 20).map((t) => identityOf(t.object!)),
      },
    });
  }

  /**
   * Reads the live objects of `tasks` and records their health; a hook that has finished loses its hook
   * finalizer. Nothing is deleted here: delete policies act on the operation's outcome.
   */
  private async observe(
    ctx: RunContext,
    tasks: readonly SyncTask[],
    objectsByKey: ReadonlyMap<string, KubeObject>,
    healthByKey: Map<string, HealthStatus>,
    gone: Set<string>,
    hooks: HookLifecycle,
  ): Promise<void> {
    for (const task of tasks) {
      const desired = objectsByKey.get(task.key);
      if (!desired) continue;
      if (ctx.dryRun) {
        healthByKey.set(task.key, { status: 'Healthy' });
        continue;
      }
      const live = await ctx.cluster.get(refOf(desired));
      const health = healthOf(task.hook ? hookHealthView(live) : live, this.deps.healthChecks);
      healthByKey.set(task.key, health);
      if (live) gone.delete(task.key);
      else gone.add(task.key);
      if (task.hook && (health.status === 'Healthy' || health.status === 'Degraded'))
        await hooks.releaseFinished(task, live);
    }
  }

  /**
   * The delete policy matching the operation's outcome, as gitops-engine applies it once the operation is
   * over: each hook this operation created with it is deleted (finalizer first) and the deletion recorded.
   */
  private async deleteHooksByPolicy(
    ctx: RunContext,
    tasks: readonly SyncTask[],
    completed: Set<string>,
    hooks: HookLifecycle,
    policy: 'HookSucceeded' | 'HookFailed',
  ): Promise<void> {
    if (ctx.dryRun) return;
    for (const task of tasks) {
      const id = `${task.id}:deleted`;
      if (completed.has(id)) continue;
      const live = await ctx.cluster.get(refOf(task.object!));
      if (!live || !(await hooks.deleteHook(live))) continue;
      await ctx.writer.append({
        type: 'TaskDone',
        synced: {
          ...this.taskDone(task, 'deleted').synced,
          taskId: id,
          message: `hook delete policy ${policy}`,
        },
      });
      completed.add(id);
    }
  }

  /**
   * gitops-engine's Terminate: the hooks this operation created lose their finalizer, and the ones still
   * running are deleted. Best effort: the termination is recorded whatever happens here.
   */
  private async releaseHooksOnTerminate(
    ctx: RunContext,
    plan: SyncPlan,
    completed: ReadonlySet<string>,
    hooks: HookLifecycle,
  ): Promise<void> {
    if (ctx.dryRun) return;
    const created = [...plan.waves, ...plan.syncFailWaves]
      .flatMap((w) => w.tasks)
      .filter((t) => t.hook && completed.has(t.id));
    for (const task of created) {
      try {
        const live = await ctx.cluster.get(refOf(task.object!));
        if (!live) continue;
        const status = healthOf(hookHealthView(live), this.deps.healthChecks).status;
        if (status === 'Healthy' || status === 'Degraded') await hooks.release(live);
        else await hooks.deleteHook(live);
      } catch {
        // The cluster may be what stopped the operation; the hook keeps its finalizer until the next sync.
      }
    }
  }

  private async execute(
    ctx: RunContext,
    task: SyncTask,
    hooks: HookLifecycle,
    options: { dryRun?: boolean } = {},
  ): Promise<string> {
    const { cluster } = ctx;
    const dryRun = options.dryRun ?? ctx.dryRun;
    const obj = task.object;
    if (!obj) throw new Error(`task ${task.id} has no object`);
    const live = ctx.liveByKey.get(task.key);
    if (dryRun && obj.metadata.namespace && ctx.newNamespaces.has(obj.metadata.namespace)) {
      // The server would refuse: the namespace does not exist yet, so there is nothing to validate against.
      return live ? 'configured' : 'created';
    }
    switch (task.action) {
      case 'apply':
      case 'replace': {
        // Replace=true and Force=true written on the live object count too, as in Argo CD.
        const strategy = applyStrategyOf(withLiveSyncOptions(task.syncOptions, live));
        const applied = await cluster.applyResource(obj, strategy, { dryRun, ...(live ? { live } : {}) });
        if (!dryRun) await this.awaitEstablished(ctx, obj);
        return applied.result;
      }
      case 'create': {
        if (obj.kind === 'Namespace' && obj.apiVersion === 'v1' && !task.hook) {
          await cluster.ensureNamespace(obj.metadata.name, { dryRun });
          return 'created';
        }
        if (task.hook && !dryRun) await this.deleteBeforeHookCreation(ctx, obj, task, hooks);
        try {
          await cluster.create(obj, { dryRun });
        } catch (err) {
          // A hook whose instance stays (no BeforeHookCreation) is applied, as Argo CD applies hooks.
          if (!(task.hook && err instanceof KubeApiError && err.code === 'AlreadyExists')) throw err;
          if (dryRun) return 'configured';
          await cluster.apply(obj, { dryRun });
          return 'configured';
        }
        if (!dryRun) await this.awaitEstablished(ctx, obj);
        return 'created';
      }
      case 'prune': {
        const policy = task.syncOptions.prunePropagationPolicy;
        await cluster.delete(refOf(obj), {
          dryRun,
          propagationPolicy:
            policy === 'background' ? 'Background' : policy === 'orphan' ? 'Orphan' : 'Foreground',
        });
        return 'pruned';
      }
      case 'skip':
        return 'skipped';
    }
  }

  /** A CRD is Established before anything of its kind is sent (gitops-engine's ensureCRDReady). */
  private async awaitEstablished(ctx: RunContext, obj: KubeObject): Promise<void> {
    if (!definedKindOf(obj)) return;
    const deadline = Date.now() + this.deps.timings.waveHealthTimeoutMs;
    for (;;) {
      const live = await ctx.cluster.get(refOf(obj));
      const conditions = (live?.['status'] as { conditions?: Array<{ type?: string; status?: string }> })
        ?.conditions;
      if (conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
      if (Date.now() > deadline) {
        throw new Error(
          `CustomResourceDefinition ${obj.metadata.name} is not Established after ${this.deps.timings.waveHealthTimeoutMs} ms; its resources cannot be applied (check the CRD's status.conditions)`,
        );
      }
      await sleep(this.deps.timings.healthPollMs);
    }
  }

  /**
   * BeforeHookCreation (Argo CD's default policy): earlier instances go first, and the one holding this
   * name is waited for until it is gone ("waiting for deletion of ..." meanwhile).
   */
  private async deleteBeforeHookCreation(
    ctx: RunContext,
    obj: KubeObject,
    task: SyncTask,
    hooks: HookLifecycle,
  ): Promise<void> {
    if (!task.hook?.deletePolicies.includes('BeforeHookCreation')) return;
    const ref = await hooks.deleteBeforeCreation(task, obj);
    if (!ref) return;
    const deadline = Date.now() + this.deps.timings.waveHealthTimeoutMs;
    while (await ctx.cluster.get(ref)) {
      if (Date.now() > deadline) {
        throw new Error(
          `the previous ${obj.kind} "${obj.metadata.name}" is still being deleted after ${this.deps.timings.waveHealthTimeoutMs} ms (BeforeHookCreation); check its finalizers`,
        );
      }
      await this.recordWaiting(ctx, 'deletion', [task]);
      await sleep(this.deps.timings.healthPollMs);
    }
  }

  private taskDone(task: SyncTask, result: string): Extract<OperationStep, { type: 'TaskDone' }> {
    return {
      type: 'TaskDone',
      synced: {
        taskId: task.id,
        resource: identityOf(task.object!),
        phase: task.phase,
        wave: task.wave,
        result,
        ...(task.reason ? { message: task.reason } : {}),
        hook: task.hook !== undefined,
      },
    };
  }

  /**
   * Records the failure; with retries left, schedules the same operation again. The operation's own retry
   * strategy (a manual sync's `retryStrategy`, Argo CD's `Operation.retry`) wins over `syncPolicy.retry`.
   */
  private async fail(
    ctx: OperationContext,
    message: string,
    phase: 'Failed' | 'Error',
  ): Promise<SyncOutcome> {
    const retry = ctx.op.request.retry ?? ctx.app.spec.syncPolicy?.retry;
    const limit = retry?.limit ?? 0;
    const retryInMs =
      !ctx.dryRun && (limit < 0 || ctx.op.retries < limit)
        ? retryDelay(ctx.op.retries, retry?.backoff ?? {})
        : undefined;
    await ctx.writer.append({
      type: 'Fail',
      failure: {
        revision: ctx.revision,
        message,
        phase,
        startedAt: ctx.startedAt,
        finishedAt: this.deps.now().toISOString(),
        attempt: ctx.attempt,
        ...(retryInMs !== undefined ? { retryInMs } : {}),
      },
    });
    if (retryInMs === undefined) {
      // The operation ended (a retry keeps it Running, as in Argo CD): argocd_app_sync_total counts it.
      describeAppScope({ operationPhase: phase });
      return 'Failed';
    }
    await enqueueSyncDelivery(
      this.deps.queues,
      ctx.app.metadata.name,
      ctx.op.operationId,
      retryInMs,
      'retry',
    );
    return 'Retrying';
  }

  private async terminateUnlessTakenOver(writer: OperationWriter): Promise<SyncOutcome> {
    try {
      return await this.terminate(writer);
    } catch (err) {
      if (err instanceof OperationTakenOverSignal) return 'TakenOver';
      throw err;
    }
  }

  private async terminate(writer: OperationWriter): Promise<SyncOutcome> {
    await writer.append(
      { type: 'Terminate', message: 'Operation terminated', finishedAt: this.deps.now().toISOString() },
      false,
    );
    return 'Terminated';
  }
}

/** The objects a plan sends or deletes: what gitops-engine's permission validator judges. */
function objectsOf(plan: SyncPlan): KubeObject[] {
  const tasks = [
    ...(plan.namespace ? [plan.namespace] : []),
    ...[...plan.waves, ...plan.syncFailWaves].flatMap((w) => w.tasks),
  ];
  return tasks.filter((t) => t.object && t.action !== 'skip').map((t) => t.object!);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function identityOf(obj: KubeObject): ResourceIdentity {
  const k = resourceKey(obj);
  return { group: k.group, kind: k.kind, name: k.name, ...(k.namespace ? { namespace: k.namespace } : {}) };
}
