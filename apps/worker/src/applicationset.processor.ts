import {
  APPLICATION_SET_ANNOTATION,
  ApplicationSetGenerationError,
  applicationAggregate,
  applicationSetAggregate,
  applicationSetStreamId,
  applicationStreamId,
  decideApplicationSet,
  decideGeneratedApplication,
  decideGeneratedDeletion,
  generateApplications,
  reconciliationConditions,
  requeueAfterSecondsOf,
  type ApplicationManifest,
  type ApplicationsSyncPolicy,
  type GeneratedApplication,
} from '@berth/domain';
import type { ApplicationSetJob } from '@berth/queues';
import { UnrecoverableError } from 'bullmq';
import { workerApplicationSetSources } from './applicationset-sources';
import type { WorkerDeps } from './worker-deps';

export interface ApplicationSetOutcome {
  /** The applications the set owns after this reconciliation. */
  applications: string[];
  created: string[];
  updated: string[];
  deleted: string[];
  /** Argo CD's ErrorOccurred messages (empty when up to date). */
  errors: string[];
}

interface ReconcileError {
  reason: string;
  message: string;
}

/**
 * Reconciles one ApplicationSet (Argo CD's ApplicationSetReconciler): generates its Applications and
 * creates, updates and deletes them as `spec.syncPolicy.applicationsSync` allows, each through the
 * Application command path (actor `system:applicationset:<name>`), never touching an application it
 * does not own. A deleted set deletes every application it owns. The outcome (generated names,
 * conditions) is recorded on the set's stream when it changed, and the set is requeued after its
 * generators' requeueAfterSeconds.
 */
export class ApplicationSetProcessor {
  constructor(private readonly deps: WorkerDeps) {}

  async process(job: ApplicationSetJob): Promise<ApplicationSetOutcome> {
    const name = job.applicationSet;
    if (typeof name !== 'string' || name === '')
      throw new UnrecoverableError('applicationset job without applicationSet; it was dropped');
    const outcome: ApplicationSetOutcome = {
      applications: [],
      created: [],
      updated: [],
      deleted: [],
      errors: [],
    };
    const { state } = await this.deps.commands.load(applicationSetAggregate, applicationSetStreamId(name));
    const owned = await this.deps.applications.withAnnotation(APPLICATION_SET_ANNOTATION, name);
    if (!state.exists || !state.manifest) {
      // Argo CD: the set's ownerReferences let Kubernetes delete its Applications with it.
      for (const app of owned)
        if (await this.delete(name, 'sync', app.name, true)) outcome.deleted.push(app.name);
      return outcome;
    }
    const appSet = state.manifest;
    const policy: ApplicationsSyncPolicy = appSet.spec.syncPolicy?.applicationsSync ?? 'sync';
    const errors: ReconcileError[] = [];
    let generated: GeneratedApplication[] = [];
    let desiredNames = new Set<string>();
    let generationFailed = false;
    try {
      const result = await generateApplications(appSet, await workerApplicationSetSources(this.deps, appSet));
      generated = result.applications;
      desiredNames = new Set([...result.applications, ...result.invalid].map((a) => a.name));
      for (const invalid of result.invalid)
        errors.push({ reason: 'ApplicationValidationError', message: invalid.message });
    } catch (e) {
      if (!(e instanceof ApplicationSetGenerationError)) throw e;
      errors.push({ reason: e.reason, message: e.message });
      generationFailed = true;
    }
    const ownedNow = new Set<string>();
    if (!generationFailed) {
      for (const app of generated) {
        const result = await this.declare(name, policy, app.manifest);
        if (typeof result === 'object') {
          errors.push({ reason: 'CreateApplicationError', message: result.message });
          continue;
        }
        ownedNow.add(app.name);
        if (result === 'created') outcome.created.push(app.name);
        if (result === 'configured') outcome.updated.push(app.name);
      }
      // Argo CD deletes only when generation succeeded: a failing generator never empties the set.
      for (const app of owned) {
        if (desiredNames.has(app.name)) continue;
        if (await this.delete(name, policy, app.name, false)) outcome.deleted.push(app.name);
        else ownedNow.add(app.name);
      }
    } else for (const app of owned) ownedNow.add(app.name);
    outcome.applications = [...ownedNow].sort();
    outcome.errors = errors.map((e) => e.message);
    await this.deps.commands.handle(
      applicationSetAggregate,
      applicationSetStreamId(name),
      (current) =>
        decideApplicationSet(
          {
            type: 'RecordReconciliation',
            applications: outcome.applications,
            conditions: reconciliationConditions(errors),
          },
          current,
        ),
      this.metadata(name),
    );
    const requeueAfter = requeueAfterSecondsOf(appSet);
    if (requeueAfter !== undefined && requeueAfter > 0)
      await this.deps.queues.requestApplicationSetReconcile(name, 'periodic', requeueAfter * 1000);
    return outcome;
  }

  /** Creates or updates one generated app; `not-owned` (with the message) when it belongs to someone else. */
  private async declare(
    appSet: string,
    policy: ApplicationsSyncPolicy,
    desired: ApplicationManifest,
  ): Promise<'created' | 'configured' | 'unchanged' | 'skipped' | { message: string }> {
    const decided: { result: 'created' | 'configured' | 'unchanged' | 'skipped' | { message: string } } = {
      result: 'unchanged',
    };
    await this.deps.commands.handle(
      applicationAggregate,
      applicationStreamId(desired.metadata.name),
      (current) => {
        const decision = decideGeneratedApplication(
          appSet,
          policy,
          desired,
          current.exists && current.manifest ? current.manifest : undefined,
        );
        if (decision.result === 'not-owned') {
          decided.result = { message: decision.message };
          return [];
        }
        decided.result = decision.result;
        return decision.result === 'created' || decision.result === 'configured' ? [decision.event] : [];
      },
      this.metadata(appSet),
    );
    if (decided.result === 'created' || decided.result === 'configured')
      await this.deps.queues.requestRefresh({
        application: desired.metadata.name,
        hard: false,
        reason: `applicationset:${appSet}`,
      });
    return decided.result;
  }

  /** Deletes an owned app (cascade per its finalizer) when the policy allows; the app's refresh deletes its resources. */
  private async delete(
    appSet: string,
    policy: ApplicationsSyncPolicy,
    name: string,
    setDeleted: boolean,
  ): Promise<boolean> {
    const outcome = { deleted: false };
    await this.deps.commands.handle(
      applicationAggregate,
      applicationStreamId(name),
      (current) => {
        if (!current.exists || !current.manifest) return [];
        const event = decideGeneratedDeletion(appSet, policy, current.manifest, setDeleted);
        outcome.deleted = event !== undefined;
        return event ? [event] : [];
      },
      this.metadata(appSet),
    );
    if (outcome.deleted)
      await this.deps.queues.requestRefresh({
        application: name,
        hard: false,
        reason: `applicationset:${appSet}`,
      });
    return outcome.deleted;
  }

  private metadata(appSet: string) {
    return {
      actor: `system:applicationset:${appSet}`,
      reason: `generated by ApplicationSet ${appSet}`,
      source: this.deps.source ?? 'worker',
    };
  }
}
