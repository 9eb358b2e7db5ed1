import {
  type Application,
  applicationAggregate,
  applicationStreamId,
  type ApplicationState,
  type HealthStatus,
  healthOf,
  hookDeletePolicies,
  isHook,
  type KubeObject,
  nextStep,
  planSync,
  resolveAppJqPaths,
  type OpenOperation,
  type OperationStep,
  resourceKey,
  resourceKeyString,
  retryDelay,
  type SyncPlan,
  type SyncTask,
  isTrackedBy,
  withLiveSyncOptions,
} from '@berth/domain';
import type { SyncJob } from '@berth/queues';
import { applyStrategyOf, refOf } from '@berth/kube';
import { AppOfAppsTarget, type ClusterTarget } from './app-of-apps.target';
import { applicationOf, renderDesired } from './desired-state';
import { OperationTakenOverSignal, OperationTerminatedSignal, OperationWriter } from './operation-writer';
import { enqueueSyncDelivery } from './sync-job-scheduling';
import { jqEvaluatorOf, type WorkerDeps } from './worker-deps';

export type SyncOutcome =
  | 'Succeeded'
  | 'Failed'
  | 'Retrying'
  | 'Terminated'
  | 'AlreadyFinished'
  | 'NotFound'
  | 'RetryNotDue'
  /** This run stalled past the app's lease and another run carries the operation on (docs/adr/0003). */
  | 'TakenOver';

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
  liveByKey: Map<string, KubeObject>;
  /** Namespaces this sync creates: a dry run cannot ask the server about objects inside them. */
  newNamespaces: Set<string>;
}

const SUCCESS_MESSAGE = 'successfully synced (all tasks run)';

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
    const writer = new OperationWriter(this.deps, loaded, op.operationId, {
      actor:
        op.request.initiatedBy.username ??
        (op.request.initiatedBy.automated ? 'system:auto-sync' : 'anonymous'),
      reason: `sync operation ${op.operationId}`,
      correlationId: op.operationId,
      source: this.deps.source ?? 'worker',
    });
    const now = this.deps.now();
    if (op.terminateRequested) return this.terminateUnlessTakenOver(writer);
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
    try {
      let plan: SyncPlan;
      let ctx: RunContext;
      try {
        const cluster = AppOfAppsTarget.for(
          this.deps,
          await this.deps.clusters.forDestination(app.spec.destination),
          app.metadata.name,
        );
        ctx = { ...opCtx, cluster, liveByKey: new Map(), newNamespaces: new Set() };
        plan = await this.plan(ctx);
      } catch (err) {
        // Nothing ran: the operation could not start (render, cluster, plan refused).
        return await this.fail(opCtx, (err as Error).message, 'Error');
      }
      if (!resuming) {
        await writer.append({
          type: 'Start',
          started: {
            revision: ctx.revision ?? '',
            planId: plan.planId,
            attempt: ctx.attempt,
            dryRun: ctx.dryRun,
            taskCount: plan.waves.reduce((n, w) => n + w.tasks.filter((t) => t.action !== 'skip').length, 0),
          },
        });
      }
      const completed = new Set(resuming ? op.synced.map((s) => s.taskId) : []);
      return await this.run(ctx, plan, completed, probes);
    } catch (err) {
      if (err instanceof OperationTerminatedSignal) return this.terminateUnlessTakenOver(writer);
      if (err instanceof OperationTakenOverSignal) return 'TakenOver';
      throw err;
    } finally {
      // The app's status follows the operation: compare again now rather than at the next period.
      await this.deps.queues
        .requestRefresh({ application: app.metadata.name, hard: false, reason: 'sync-finished' })
        .catch(() => undefined);
    }
  }

  private async plan(ctx: RunContext): Promise<SyncPlan> {
    const { app, op, cluster } = ctx;
    const desired = await renderDesired(this.deps, app, cluster, {
      hard: false,
      ...(ctx.revision ? { revision: ctx.revision } : {}),
    });
    ctx.revision = desired.revision;
    const desiredKeys = new Set(desired.objects.map((o) => resourceKeyString(o)));
    const live = (await cluster.liveObjects(desired.objects, [...ctx.inventory])).filter(
      (o) => desiredKeys.has(resourceKeyString(o)) || isTrackedBy(app.metadata.name, o),
    );
    for (const o of live) ctx.liveByKey.set(resourceKeyString(o), o);
    // The destination namespace is seen (so CreateNamespace does not create it twice) but never
    // put in the inventory: Berth did not declare it, so it must never be pruned.
    const destination = app.spec.destination.namespace;
    const namespace = destination
      ? await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: destination })
      : undefined;
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
      ...(ignoreDifferences ? { ignoreDifferences } : {}),
      ...(jqPaths ? { jqPaths } : {}),
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
    for (const t of plan.waves.flatMap((w) => w.tasks)) {
      if (t.object) objectsByKey.set(t.key, t.object);
      if (
        t.object?.kind === 'Namespace' &&
        t.action !== 'prune' &&
        t.action !== 'skip' &&
        !ctx.liveByKey.has(t.key)
      )
        ctx.newNamespaces.add(t.object.metadata.name);
    }
    const { timings } = this.deps;
    let waitingSince: number | undefined;
    for (let guard = 0; guard < 100_000; guard++) {
      let step = nextStep(plan, { completed, healthByKey, failed });
      if (step.kind === 'waitForHealth') {
        await this.observe(ctx, step.keys, objectsByKey, healthByKey);
        step = nextStep(plan, { completed, healthByKey, failed });
      }
      switch (step.kind) {
        case 'run': {
          waitingSince = undefined;
          for (const task of step.tasks) {
            let result: string;
            try {
              result = await this.execute(ctx, task);
            } catch (err) {
              failed.set(task.id, (err as Error).message);
              break;
            }
            await probes.beforeRecord?.(task.id);
            await ctx.writer.append(this.taskDone(task, result));
            completed.add(task.id);
          }
          if (failed.size === 0) await probes.afterWave?.(step.phase, step.wave);
          break;
        }
        case 'waitForHealth': {
          waitingSince ??= Date.now();
          if (Date.now() - waitingSince > timings.waveHealthTimeoutMs) {
            return this.fail(
              ctx,
              `timed out after ${timings.waveHealthTimeoutMs} ms waiting for ${step.phase} wave ${step.wave} to be healthy: ${step.keys.join(', ')}`,
              'Failed',
            );
          }
          await ctx.writer.checkTerminated();
          await new Promise((r) => setTimeout(r, timings.healthPollMs));
          break;
        }
        case 'done':
          await ctx.writer.append({
            type: 'Succeed',
            revision: ctx.revision ?? '',
            message: SUCCESS_MESSAGE,
            startedAt: ctx.startedAt,
            finishedAt: this.deps.now().toISOString(),
          });
          return 'Succeeded';
        case 'failed': {
          for (const task of step.syncFailTasks) {
            const result = await this.execute(ctx, task).catch(() => undefined);
            if (result) await ctx.writer.append(this.taskDone(task, result));
          }
          return this.fail(ctx, step.reason, 'Failed');
        }
      }
    }
    return this.fail(ctx, 'sync did not converge', 'Error');
  }

  /**
   * Reads the live objects of `keys` and records their health; a finished hook is deleted when its
   * policy says so (HookSucceeded after success, HookFailed after failure).
   */
  private async observe(
    ctx: RunContext,
    keys: readonly string[],
    objectsByKey: ReadonlyMap<string, KubeObject>,
    healthByKey: Map<string, HealthStatus>,
  ): Promise<void> {
    for (const key of keys) {
      const desired = objectsByKey.get(key);
      if (!desired) continue;
      if (ctx.dryRun) {
        healthByKey.set(key, { status: 'Healthy' });
        continue;
      }
      const live = await ctx.cluster.get(refOf(desired));
      const health = healthOf(live, this.deps.healthChecks);
      healthByKey.set(key, health);
      const policies = isHook(desired) ? hookDeletePolicies(desired) : [];
      if (
        live &&
        ((health.status === 'Healthy' && policies.includes('HookSucceeded')) ||
          (health.status === 'Degraded' && policies.includes('HookFailed')))
      ) {
        await ctx.cluster.delete(refOf(desired), { propagationPolicy: 'Background' });
      }
    }
  }

  private async execute(ctx: RunContext, task: SyncTask): Promise<string> {
    const { cluster, dryRun } = ctx;
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
        return (await cluster.applyResource(obj, strategy, { dryRun, ...(live ? { live } : {}) })).result;
      }
      case 'create': {
        if (obj.kind === 'Namespace' && obj.apiVersion === 'v1' && !task.hook) {
          await cluster.ensureNamespace(obj.metadata.name, { dryRun });
          return 'created';
        }
        if (task.hook) await this.deleteBeforeHookCreation(ctx, obj, task);
        await cluster.create(obj, { dryRun });
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

  /** Argo CD's default hook policy is BeforeHookCreation: the previous run's hook goes first. */
  private async deleteBeforeHookCreation(ctx: RunContext, obj: KubeObject, task: SyncTask): Promise<void> {
    const policies = task.hook?.deletePolicies ?? [];
    if (policies.length > 0 && !policies.includes('BeforeHookCreation')) return;
    if (ctx.dryRun || !obj.metadata.name) return;
    const ref = refOf(obj);
    if (!(await ctx.cluster.delete(ref, { propagationPolicy: 'Background' }))) return;
    const deadline = Date.now() + this.deps.timings.waveHealthTimeoutMs;
    while ((await ctx.cluster.get(ref)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, this.deps.timings.healthPollMs));
    }
  }

  private taskDone(task: SyncTask, result: string): OperationStep {
    const k = resourceKey(task.object!);
    return {
      type: 'TaskDone',
      synced: {
        taskId: task.id,
        resource: {
          group: k.group,
          kind: k.kind,
          name: k.name,
          ...(k.namespace ? { namespace: k.namespace } : {}),
        },
        phase: task.phase,
        wave: task.wave,
        result,
        ...(task.reason ? { message: task.reason } : {}),
      },
    };
  }

  /** Records the failure; with `syncPolicy.retry` left, schedules the same operation again. */
  private async fail(
    ctx: OperationContext,
    message: string,
    phase: 'Failed' | 'Error',
  ): Promise<SyncOutcome> {
    const retry = ctx.app.spec.syncPolicy?.retry;
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
    if (retryInMs === undefined) return 'Failed';
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
