import { randomUUID } from 'node:crypto';
import {
  applicationAggregate,
  applicationStreamId,
  decideApplication,
  DEFAULT_PROJECT_NAME,
  DomainError,
  PartialRollbackError,
  resourcesOfKinds,
  sourcesOf,
  validateApplication,
  ValidationFailedError,
  withApplicationTypeMeta,
  type Application,
  type ApplicationCommand,
  type ApplicationManifest,
  type KubeObject,
  type RetryStrategy,
  type EvaluatedSyncWindow,
  type RecordedEvent,
  type SyncApprovalGate,
  type SyncRefused,
  type SyncRequested,
} from '@berth/domain';
import type { Identity } from '@berth/auth';
import { argoApplicationOfRecord, type ApplicationRecord } from '@berth/event-store';
import { Injectable } from '@nestjs/common';
import { metadataOf, type RequestActor } from '../http/request-actor';
import { requestDocumentOf } from '../http/request-document';
import { ProjectsService } from '../projects/projects.service';
import { matchesListQuery, type ListQuery } from './application-list-query';
import { applyApplicationPatch } from './application-patch';
import { ResourceTreeService } from './resource-tree.service';
import { SchedulerContext } from '../scheduler.context';

/**
 * Times a PATCH is applied when the application keeps changing under it: each round at least one of the
 * competing changes is recorded, so ten rounds see ten concurrent patches through.
 */
const PATCH_ATTEMPTS = 10;

/** The application API's use cases: parse and validate, decide, append, enqueue. */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly ctx: SchedulerContext,
    private readonly projects: ProjectsService,
    private readonly trees: ResourceTreeService,
  ) {}

  /** Parses a request body (YAML or JSON) into a validated Application manifest, or throws with every problem. */
  parseManifest(body: string): { manifest: ApplicationManifest; warnings: string[] } {
    const document = requestDocumentOf(body, 'Application');
    const result = validateApplication(withApplicationTypeMeta(document), {
      plugins: this.ctx.pluginNames,
    });
    const warnings = result.warnings.map((w) => `${w.path}: ${w.message}${w.fix ? `; ${w.fix}` : ''}`);
    if (!result.ok) {
      const name = (document as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      throw new ValidationFailedError(
        'Application',
        typeof name === 'string' ? name : undefined,
        result.errors,
      );
    }
    return { manifest: result.application as unknown as ApplicationManifest, warnings };
  }

  async create(body: string, who: RequestActor, upsert: boolean) {
    const { manifest, warnings } = this.parseManifest(body);
    const name = manifest.metadata.name;
    const object = `${projectOf(manifest as unknown as Application)}/${name}`;
    await this.ctx.authorizer.assert(who.identity, 'applications', 'create', object);
    // Argo CD: an upsert that replaces an application also needs the right to update it, where it is now.
    const existing = upsert ? await this.ctx.applications.projectOf(name) : undefined;
    if (existing !== undefined)
      await this.ctx.authorizer.assert(who.identity, 'applications', 'update', `${existing}/${name}`);
    await this.projects.assertPermits(manifest as unknown as Application);
    const events = await this.execute(name, { type: 'CreateApplication', manifest, upsert }, who);
    if (events.length > 0)
      await this.ctx.queues.requestRefresh({ application: name, hard: false, reason: 'spec-changed' });
    return { application: await this.get(name), warnings };
  }

  /** `basedOnGeneration`: the generation the body was computed from (PATCH); a newer app is a Conflict. */
  async update(name: string, body: string, who: RequestActor, basedOnGeneration?: number) {
    const { manifest, warnings } = this.parseManifest(body);
    if (manifest.metadata.name !== name) {
      throw new DomainError(
        'Invalid',
        `metadata.name "${manifest.metadata.name}" does not match the URL's "${name}"; renaming is not supported: create a new application and delete the old one`,
      );
    }
    // Moving an application to another project needs the right to update it there too (Argo CD's Update).
    const project = projectOf(manifest as unknown as Application);
    if (project !== (await this.ctx.applications.projectOf(name)))
      await this.ctx.authorizer.assert(who.identity, 'applications', 'update', `${project}/${name}`);
    await this.projects.assertPermits(manifest as unknown as Application);
    const events = await this.execute(name, { type: 'UpdateApplication', manifest, basedOnGeneration }, who);
    if (events.length > 0)
      await this.ctx.queues.requestRefresh({ application: name, hard: false, reason: 'spec-changed' });
    return { application: await this.get(name), warnings };
  }

  async delete(name: string, cascade: boolean, who: RequestActor): Promise<void> {
    await this.execute(name, { type: 'DeleteApplication', cascade }, who);
    await this.trees.forget(name);
    // A worker deletes the app's resources (cascade) when it sees the deletion.
    if (cascade) await this.ctx.queues.requestRefresh({ application: name, hard: false, reason: 'deleted' });
  }

  async refresh(name: string, hard: boolean, who: RequestActor) {
    await this.execute(name, { type: 'RequestRefresh', hard }, who);
    const record = await this.record(name);
    // A refresh somebody asked for reads the repository's refs again (see GIT_REFS_MAX_AGE_SECONDS).
    const sources = sourcesOf(record.manifest as unknown as Application);
    await this.ctx.queues.markReposChanged(sources.map((s) => s.repoURL));
    await this.ctx.queues.requestRefresh({ application: name, hard, reason: 'user' });
    return argoApplicationOfRecord(record);
  }

  async sync(name: string, options: SyncOptionsBody, who: RequestActor) {
    if (options.project !== undefined) await this.assertProject(name, options.project);
    await this.assertSyncWindowsAllow(
      name,
      {
        trigger: 'manual',
        dryRun: options.dryRun ?? false,
        ...(options.revision ? { revision: options.revision } : {}),
      },
      who,
    );
    const operationId = randomUUID();
    const approval = await this.approvalGateOf(name);
    const events = await this.execute(
      name,
      {
        type: 'RequestSync',
        ...(approval ? { approval } : {}),
        operationId,
        revision: options.revision,
        prune: options.prune ?? false,
        dryRun: options.dryRun ?? false,
        resources: options.resources,
        syncOptions: options.syncOptions,
        ...(options.syncStrategy ? { syncStrategy: options.syncStrategy } : {}),
        ...(options.info ? { info: options.info } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        initiatedBy: { username: who.actor, automated: false },
        trigger: 'manual',
      },
      who,
    );
    // A sync somebody asked for deploys what the branch holds now (a push a moment ago included), not
    // refs a worker read up to GIT_REFS_MAX_AGE_SECONDS ago: as a refresh does, mark the repos changed.
    const app = (await this.record(name)).manifest as unknown as Application;
    await this.ctx.queues.markReposChanged(sourcesOf(app).map((s) => s.repoURL));
    await this.enqueueUnlessAwaitingApproval(name, operationId, events);
    return { operationId, application: await this.get(name) };
  }

  /**
   * Argo CD's rollback, plus the article's partial rollback: with `kinds` (e.g. ["Deployment"]) only
   * the resources of those kinds are re-deployed at the old revision; the rest stay as they are.
   */
  async rollback(
    name: string,
    body: { id?: unknown; prune?: boolean; dryRun?: boolean; kinds?: unknown; project?: string },
    who: RequestActor,
    renderAt?: (revision: string) => Promise<KubeObject[]>,
  ) {
    if (body.project !== undefined) await this.assertProject(name, body.project);
    if (typeof body.id !== 'number' || !Number.isInteger(body.id)) {
      throw new DomainError(
        'Invalid',
        'id: must be the integer id of a history entry; list them with GET .../history',
      );
    }
    const kinds = body.kinds;
    if (
      kinds !== undefined &&
      (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every((k) => typeof k === 'string'))
    ) {
      throw new DomainError(
        'Invalid',
        'kinds: must be a non-empty list of kinds, e.g. ["Deployment"] or ["apps/Deployment"]',
      );
    }
    const entry = (await this.record(name)).status.history.find((h) => h.id === body.id);
    if (entry) {
      // Argo CD holds a rollback back at the controller ("Sync operation blocked by sync window"); Berth
      // refuses it here, as it refuses a sync.
      await this.assertSyncWindowsAllow(
        name,
        { trigger: 'rollback', dryRun: body.dryRun ?? false, revision: entry.revision },
        who,
      );
    }
    let resources: SyncRequested['data']['resources'];
    if (kinds && entry && renderAt) {
      try {
        resources = resourcesOfKinds(kinds, await renderAt(entry.revision), entry.revision);
      } catch (error) {
        if (error instanceof PartialRollbackError) throw new DomainError('Invalid', error.message);
        throw error;
      }
    }
    const operationId = randomUUID();
    const approval = await this.approvalGateOf(name);
    const events = await this.execute(
      name,
      {
        type: 'RequestRollback',
        ...(approval ? { approval } : {}),
        operationId,
        historyId: body.id,
        ...(resources ? { resources } : {}),
        prune: body.prune ?? false,
        dryRun: body.dryRun ?? false,
        initiatedBy: { username: who.actor, automated: false },
      },
      who,
    );
    await this.enqueueUnlessAwaitingApproval(name, operationId, events);
    return { operationId, application: await this.get(name) };
  }

  /** What the app's project asks of a sync requested now (spec.syncApprovals), for the decider. */
  private async approvalGateOf(name: string): Promise<SyncApprovalGate | undefined> {
    const app = (await this.record(name)).manifest as unknown as Application;
    const requirement = await this.projects.syncApprovalFor(app);
    return requirement ? { requirement, now: this.ctx.now() } : undefined;
  }

  /**
   * A gated sync is enqueued when its last approval is recorded (ApprovalsService), not now; a worker's
   * refresh records its expiry if that comes first.
   */
  private async enqueueUnlessAwaitingApproval(
    name: string,
    operationId: string,
    events: ReadonlyArray<{ type: string; data: unknown }>,
  ): Promise<void> {
    const approval = events.find((e) => e.type === 'SyncApprovalRequested');
    if (!approval) {
      await this.ctx.queues.requestSync({ application: name, operationId });
      return;
    }
    const { expiresAt } = approval.data as { expiresAt: string };
    await this.ctx.queues.requestApprovalExpiry(
      name,
      operationId,
      Date.parse(expiresAt) - this.ctx.now().getTime(),
    );
  }

  /** Confirms the open operation's Prune=confirm prunes; the refresh it asks for resumes the waiting operation. */
  async confirmPrune(name: string, who: RequestActor) {
    await this.execute(name, { type: 'ConfirmPrune' }, who);
    await this.ctx.queues.requestRefresh({ application: name, hard: false, reason: 'prune-confirmed' });
    return this.get(name);
  }

  async terminate(name: string, who: RequestActor) {
    const waiting = (await this.record(name)).status.operationState?.approval?.phase === 'Pending';
    const events = await this.execute(name, { type: 'TerminateOperation' }, who);
    // No job runs a sync that waits for approval: one is enqueued so a worker ends it now. Should Redis be
    // away, the next refresh enqueues it (resumeIfOrphaned), as for any operation left without a job.
    const terminated = events.find((e) => e.type === 'TerminateRequested');
    if (waiting && terminated) {
      const { operationId } = terminated.data as { operationId: string };
      await this.ctx.queues.requestSync({ application: name, operationId }).catch(() => undefined);
    }
    return this.get(name);
  }

  /**
   * Argo CD's GetApplicationSyncWindows: the project's windows that apply to the app (`assignedWindows`),
   * those open now (`activeWindows`), and whether a person may sync now (`canSync`, as CanSync(true)).
   */
  async syncWindows(name: string) {
    const app = (await this.record(name)).manifest as unknown as Application;
    const verdict = await this.projects.syncWindowsVerdict(app, true);
    return {
      activeWindows: verdict.active.map(applicationSyncWindowOf),
      assignedWindows: verdict.assigned.map(applicationSyncWindowOf),
      canSync: verdict.canSync,
    };
  }

  /**
   * Argo CD's Sync: `PermissionDenied "cannot sync: blocked by sync window"` (403) unless the windows of
   * the app's project let a person sync now. A refusal is recorded (SyncRefused: who, what, why).
   */
  private async assertSyncWindowsAllow(
    name: string,
    asked: Pick<SyncRefused['data'], 'trigger' | 'revision' | 'dryRun'>,
    who: RequestActor,
  ): Promise<void> {
    const app = (await this.record(name)).manifest as unknown as Application;
    const verdict = await this.projects.syncWindowsVerdict(app, true);
    if (verdict.canSync) return;
    const message = `cannot sync: blocked by sync window: ${verdict.reason ?? 'a window forbids it'}`;
    const windows = manualSyncBlockers(verdict.assigned);
    await this.ctx.commands.handle(
      applicationAggregate,
      applicationStreamId(name),
      (state) =>
        decideApplication(
          { type: 'RefuseSync', refused: { ...asked, refusedBy: 'sync-window', message, windows } },
          state,
        ),
      metadataOf(who),
    );
    throw new DomainError('Forbidden', message, {
      windows: verdict.assigned
        .filter((w) => windows.includes(w.index))
        .map((w) => ({ id: w.index, ...w.window })),
    });
  }

  async history(name: string) {
    return (await this.record(name)).status.history;
  }

  async get(name: string) {
    return argoApplicationOfRecord(await this.record(name));
  }

  /**
   * Argo CD's List with its filters (application-list-query.ts), and only the applications `identity` may
   * get (Argo CD's List filters the same way); one project narrows the read model's query.
   */
  async list(identity: Identity, query: ListQuery) {
    const project = query.projects.length === 1 ? query.projects[0] : undefined;
    const records = await this.ctx.applications.list(project ? { project } : {});
    const visible = await this.ctx.authorizer.filter(identity, 'applications');
    return {
      metadata: {},
      items: records
        .filter((record) => visible(`${record.project || DEFAULT_PROJECT_NAME}/${record.name}`))
        .map(argoApplicationOfRecord)
        .filter((app) => matchesListQuery(app, query)),
    };
  }

  /**
   * Argo CD's Patch: the patch (RFC 6902 `json`, the default, or RFC 7386 `merge`) applies to the
   * Application as GET answers it; what changed in its metadata (labels, annotations, finalizers) and spec
   * is stored as an update would store it, through the same validation and command. Status is not stored,
   * as in Argo CD, whose Patch also updates only the spec and metadata.
   */
  async patch(name: string, request: { patch: string; patchType?: string }, who: RequestActor) {
    // The patch applies to what this request read; a change recorded meanwhile (another patch, an
    // update) makes the command a Conflict, and the patch is applied again to the newer application
    // (Argo CD's Patch retries on the Kubernetes conflict the same way).
    for (let attempt = 1; ; attempt++) {
      const record = await this.record(name);
      const patched = applyApplicationPatch(
        argoApplicationOfRecord(record),
        request.patch,
        request.patchType ?? 'json',
      );
      const stored = record.manifest as unknown as {
        apiVersion?: string;
        kind?: string;
        metadata: Record<string, unknown>;
      };
      const metadata = { ...stored.metadata };
      for (const key of ['labels', 'annotations', 'finalizers'] as const) {
        if (patched.metadata?.[key] === undefined) delete metadata[key];
        else metadata[key] = patched.metadata[key];
      }
      const manifest = { apiVersion: stored.apiVersion, kind: stored.kind, metadata, spec: patched.spec };
      try {
        return await this.update(name, JSON.stringify(manifest), who, record.streamVersion);
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'Conflict') || attempt >= PATCH_ATTEMPTS)
          throw error;
        // Jitter, so the patches that lost this round do not meet again in the next.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  /** Argo CD's UpdateSpec: the stored Application with this spec, stored as an update; answers the spec. */
  async updateSpec(name: string, spec: unknown, who: RequestActor) {
    const stored = (await this.record(name)).manifest as unknown as Record<string, unknown>;
    const updated = await this.update(name, JSON.stringify({ ...stored, spec }), who);
    return { spec: updated.application.spec, warnings: updated.warnings };
  }

  /** The app's stream in the event log (`GET .../audit`), oldest first, positions as strings. */
  async audit(
    name: string,
  ): Promise<Array<Omit<RecordedEvent, 'position' | 'transactionId'> & { position: string }>> {
    const events = await this.ctx.store.readStream(applicationStreamId(name));
    if (events.length === 0) throw notFound(name);
    return events.map(({ transactionId: _tx, position, ...e }) => ({ ...e, position: position.toString() }));
  }

  /** Argo CD's requests may name the app's project; a different one means the caller has the wrong app. */
  async assertProject(name: string, project: string): Promise<void> {
    const actual = projectOf((await this.record(name)).manifest as unknown as Application);
    if (project !== '' && project !== actual) {
      throw new ValidationFailedError('Request', undefined, [
        {
          path: 'project',
          message: `application "${name}" is in project "${actual}", not "${project}"`,
          fix: 'omit it or name the right project',
        },
      ]);
    }
  }

  private async record(name: string): Promise<ApplicationRecord> {
    const record = await this.ctx.applications.find(name);
    if (!record) throw notFound(name);
    return record;
  }

  /** The one command path: decide on the app's state, record, project (CommandHandler). */
  private async execute(name: string, command: ApplicationCommand, who: RequestActor) {
    // Every command but a terminate queues work after it is recorded: with Redis away, refuse it
    // before recording it (503, nothing stored), so the caller can repeat the request as it was.
    if (command.type !== 'TerminateOperation') await this.ctx.queues.assertAvailable();
    const { events } = await this.ctx.commands.handle(
      applicationAggregate,
      applicationStreamId(name),
      (state) => decideApplication(command, state),
      metadataOf(who),
    );
    return events;
  }
}

export interface SyncOptionsBody {
  revision?: string;
  prune?: boolean;
  dryRun?: boolean;
  resources?: Array<{ group?: string; kind: string; name: string; namespace?: string }>;
  syncOptions?: string[];
  /** Argo CD's sync strategy; `apply` runs no hooks. */
  syncStrategy?: { apply?: { force?: boolean }; hook?: { force?: boolean } };
  /** When given, must be the application's project (Argo CD's requests carry it). */
  project?: string;
  /** Argo CD's `infos`, kept on the operation. */
  info?: Array<{ name: string; value: string }>;
  /** Argo CD's `retryStrategy`: this operation's retries (else the app's syncPolicy.retry). */
  retry?: RetryStrategy;
}

/** Argo CD's ApplicationSyncWindow (kind, schedule, duration, manualSync), with the zone it is read in. */
function applicationSyncWindowOf({ window }: EvaluatedSyncWindow) {
  return {
    kind: window.kind,
    schedule: window.schedule,
    duration: window.duration,
    manualSync: window.manualSync === true,
    ...(window.timeZone ? { timeZone: window.timeZone } : {}),
  };
}

/**
 * The windows that hold a person's sync back (CanSync(true) said no): a window Berth cannot read, else the
 * open deny windows without manualSync, else the (all closed) allow windows without manualSync.
 */
function manualSyncBlockers(assigned: readonly EvaluatedSyncWindow[]): number[] {
  const ids = (windows: readonly EvaluatedSyncWindow[]) => windows.map((w) => w.index);
  const invalid = assigned.filter((w) => w.occurrence.state === 'invalid');
  if (invalid.length > 0) return ids(invalid);
  const manualOff = assigned.filter((w) => w.window.manualSync !== true);
  const openDeny = manualOff.filter((w) => w.window.kind === 'deny' && w.occurrence.state === 'active');
  if (openDeny.length > 0) return ids(openDeny);
  return ids(manualOff.filter((w) => w.window.kind === 'allow'));
}

function projectOf(app: Application): string {
  const project = app.spec?.project;
  return typeof project === 'string' && project !== '' ? project : 'default';
}

function notFound(name: string): DomainError {
  return new DomainError(
    'NotFound',
    `application "${name}" not found; list them with GET /api/v1/applications`,
  );
}
