import {
  type ApplicationEvent,
  applicationStreamId,
  type ApplicationView,
  type KubeObject,
} from '@berth/domain';
import {
  childAsLiveObject,
  childDeletion,
  decideChildApplication,
  PARENT_ANNOTATION,
} from '@berth/domain/reconcile';
import { rowToApplicationView, WrongExpectedVersionError } from '@berth/infra';
import type { WorkerDeps } from './worker-deps';

type ApplicationRow = Parameters<typeof rowToApplicationView>[0];

/**
 * The child applications of one parent (App of Apps), kept in Berth's own event log rather
 * than in a cluster: declaring one appends ApplicationCreated / ApplicationSpecChanged to the
 * child's stream, deleting one appends ApplicationDeleted, each by `system:app-of-apps:<parent>`,
 * and each change enqueues a refresh of the child.
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
    const view = await this.view(name);
    return view ? childAsLiveObject(view) : undefined;
  }

  /** Every app whose stored manifest names this parent. */
  async list(): Promise<KubeObject[]> {
    const rows: ApplicationRow[] = await this.deps.dataSource.query(
      `SELECT * FROM applications WHERE manifest->'metadata'->'annotations'->>$1 = $2 ORDER BY name`,
      [PARENT_ANNOTATION, this.parent],
    );
    return rows.map((r) => childAsLiveObject(rowToApplicationView(r)));
  }

  /** Creates or updates the child; returns the stored child as a live object (resourceVersion = stream version). */
  async declare(rendered: KubeObject, dryRun: boolean): Promise<KubeObject> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.view(rendered.metadata.name);
      const decision = decideChildApplication(this.parent, rendered, existing);
      if (decision.result === 'unchanged') return childAsLiveObject(existing!);
      if (dryRun) return { ...rendered, metadata: { ...rendered.metadata, resourceVersion: 'dry-run' } };
      try {
        // A child deleted before keeps its stream: a new ApplicationCreated goes on top of it.
        const expected =
          existing?.streamVersion ??
          (await this.deps.store.streamVersion(applicationStreamId(rendered.metadata.name))) ??
          'no_stream';
        await this.append(rendered.metadata.name, expected, decision.event);
      } catch (err) {
        // The child's own refresh appended meanwhile: decide again on top of it.
        if (err instanceof WrongExpectedVersionError) continue;
        throw err;
      }
      await this.deps.queues.requestRefresh({
        application: rendered.metadata.name,
        hard: false,
        reason: `app-of-apps:${this.parent}`,
      });
      return childAsLiveObject((await this.view(rendered.metadata.name))!);
    }
    throw new Error(
      `application ${rendered.metadata.name} kept changing while ${this.parent} declared it; sync ${this.parent} again`,
    );
  }

  /** Deletes the child (cascade when it carries Argo CD's resources finalizer); false when already gone. */
  async delete(name: string, dryRun: boolean): Promise<boolean> {
    const existing = await this.view(name);
    if (!existing || existing.manifest.metadata.annotations?.[PARENT_ANNOTATION] !== this.parent)
      return false;
    if (dryRun) return true;
    await this.append(name, existing.streamVersion, childDeletion(name, existing.manifest));
    // The child's refresh does the cascade deletion of its resources.
    await this.deps.queues.requestRefresh({
      application: name,
      hard: false,
      reason: `app-of-apps:${this.parent}`,
    });
    return true;
  }

  private async view(name: string): Promise<ApplicationView | undefined> {
    const rows: ApplicationRow[] = await this.deps.dataSource.query(
      `SELECT * FROM applications WHERE name = $1`,
      [name],
    );
    return rows[0] ? rowToApplicationView(rows[0]) : undefined;
  }

  private async append(name: string, expected: number | 'no_stream', event: ApplicationEvent): Promise<void> {
    await this.deps.store.append(applicationStreamId(name), expected, [event], {
      actor: this.actor,
      reason: `declared in the Git of ${this.parent}`,
      source: this.deps.source ?? 'worker',
    });
  }
}
