import {
  applicationAggregate,
  type ApplicationState,
  applicationStreamId,
  type KubeObject,
  childAsLiveObject,
  childDeletion,
  decideChildApplication,
  PARENT_ANNOTATION,
  type ChildApplicationDecision,
} from '@berth/domain';
import type { WorkerDeps } from './worker-deps';

/**
 * The child applications of one parent (App of Apps), kept in Berth's own event log rather
 * than in a cluster: declaring one records ApplicationCreated / ApplicationSpecChanged in the
 * child's stream, deleting one records ApplicationDeleted, each by `system:app-of-apps:<parent>`
 * through the command path, and each change enqueues a refresh of the child.
 */
export class ChildApplications {
  readonly actor: string;

  constructor(
    private readonly deps: WorkerDeps,
    readonly parent: string,
  ) {
    this.actor = `system:app-of-apps:${parent}`;
  }

  /** The child as a live object (manifest + status.sync/health), or undefined when it does not exist. */
  async get(name: string): Promise<KubeObject | undefined> {
    const { state } = await this.load(name);
    return state.exists ? liveObjectOf(state) : undefined;
  }

  /** Every app whose stored manifest names this parent. */
  async list(): Promise<KubeObject[]> {
    const records = await this.deps.applications.withAnnotation(PARENT_ANNOTATION, this.parent);
    return records.map((r) => childAsLiveObject({ ...r, healthMessage: r.status.health.message }));
  }

  /** Creates or updates the child; returns the stored child as a live object (resourceVersion = stream version). */
  async declare(rendered: KubeObject, dryRun: boolean): Promise<KubeObject> {
    const name = rendered.metadata.name;
    if (dryRun) {
      const decision = decideChildApplication(
        this.parent,
        rendered,
        existingOf((await this.load(name)).state),
      );
      return decision.result === 'unchanged'
        ? liveObjectOf((await this.load(name)).state)
        : { ...rendered, metadata: { ...rendered.metadata, resourceVersion: 'dry-run' } };
    }
    const decided: { decision: ChildApplicationDecision } = { decision: { result: 'unchanged' } };
    // A child deleted before keeps its stream: a new ApplicationCreated goes on top of it.
    const { state } = await this.deps.commands.handle(
      applicationAggregate,
      applicationStreamId(name),
      (current) => {
        const decision = decideChildApplication(this.parent, rendered, existingOf(current));
        decided.decision = decision;
        return decision.result === 'unchanged' ? [] : [decision.event];
      },
      this.metadata(),
    );
    if (decided.decision.result !== 'unchanged') {
      await this.deps.queues.requestRefresh({
        application: name,
        hard: false,
        reason: `app-of-apps:${this.parent}`,
      });
    }
    return liveObjectOf(state);
  }

  /** Deletes the child (cascade when it carries Argo CD's resources finalizer); false when already gone. */
  async delete(name: string, dryRun: boolean): Promise<boolean> {
    const ownedBy = (state: ApplicationState) =>
      state.exists && state.manifest?.metadata.annotations?.[PARENT_ANNOTATION] === this.parent;
    if (dryRun) return ownedBy((await this.load(name)).state);
    const outcome = { deleted: false };
    await this.deps.commands.handle(
      applicationAggregate,
      applicationStreamId(name),
      (current) => {
        outcome.deleted = ownedBy(current);
        return outcome.deleted ? [childDeletion(name, current.manifest!)] : [];
      },
      this.metadata(),
    );
    // The child's refresh does the cascade deletion of its resources.
    if (outcome.deleted)
      await this.deps.queues.requestRefresh({
        application: name,
        hard: false,
        reason: `app-of-apps:${this.parent}`,
      });
    return outcome.deleted;
  }

  private load(name: string) {
    return this.deps.commands.load(applicationAggregate, applicationStreamId(name));
  }

  private metadata() {
    return {
      actor: this.actor,
      reason: `declared in the Git of ${this.parent}`,
      source: this.deps.source ?? 'worker',
    };
  }
}

function existingOf(state: ApplicationState) {
  return state.exists && state.manifest ? { manifest: state.manifest } : undefined;
}

function liveObjectOf(state: ApplicationState): KubeObject {
  return childAsLiveObject({
    manifest: state.manifest!,
    syncStatus: state.status.sync.status,
    healthStatus: state.status.health.status,
    healthMessage: state.status.health.message,
    revision: state.status.sync.revision ?? state.status.sync.revisions?.[0] ?? null,
    streamVersion: state.streamVersion,
  });
}
