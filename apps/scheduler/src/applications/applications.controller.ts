import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { AnyAuthenticated, Authorize, AuthorizeInHandler, CurrentIdentity, type Identity } from '@berth/auth';
import { ValidationFailedError, type KubeObject } from '@berth/domain';
import type { Request, Response } from 'express';
import { bodyText } from '../http/body-text';
import { JsonBody, ValidQuery } from '../http/request-pipes';
import { requestActor } from '../http/request-actor';
import {
  CREATE_QUERY,
  DELETE_QUERY,
  EVENTS_QUERY,
  LIST_QUERY,
  LOGS_QUERY,
  MANIFESTS_QUERY,
  REFRESH_QUERY,
  REVISION_QUERY,
  ROLLBACK_REQUEST,
  SYNC_REQUEST,
  syncOptionsOf,
  type RollbackRequestBody,
  type SyncRequestBody,
} from './application-requests.schema';
import { ApplicationLogsService, type LogsQuery } from './application-logs.service';
import { ApplicationsService } from './applications.service';
import type { LogEntry } from './log-entry';
import { ManifestsService } from './manifests.service';
import { ResourceEventsService, type ResourceEventsQuery } from './resource-events.service';
import { ResourceTreeService } from './resource-tree.service';
import { RevisionDetailsService, type RevisionQuery } from './revision-details.service';

/** Argo CD's application API, v1: bodies are Application YAML or JSON, as users already write them. */
@Controller('api/v1/applications')
export class ApplicationsController {
  constructor(
    private readonly apps: ApplicationsService,
    private readonly rendered: ManifestsService,
    private readonly resourceEvents: ResourceEventsService,
    private readonly revisions: RevisionDetailsService,
    private readonly trees: ResourceTreeService,
    private readonly logs: ApplicationLogsService,
  ) {}

  @AuthorizeInHandler('applications, create, <project>/<name> of the body (and update when upserting)')
  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @ValidQuery(CREATE_QUERY) query: { upsert?: string }, @Req() req: Request) {
    return this.apps.create(bodyText(body), requestActor(req), query.upsert === 'true');
  }

  @AnyAuthenticated('lists only the applications the caller may get')
  @Get()
  list(@ValidQuery(LIST_QUERY) query: { project?: string }, @CurrentIdentity() who: Identity) {
    return this.apps.list(who, query.project);
  }

  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name')
  get(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.apps.get(name);
  }

  @Authorize('applications', 'update', { application: 'name' })
  @Put(':name')
  update(
    @Param('name') name: string,
    @Body() body: unknown,
    @ValidQuery() _query: object,
    @Req() req: Request,
  ) {
    return this.apps.update(name, bodyText(body), requestActor(req));
  }

  @Authorize('applications', 'delete', { application: 'name' })
  @Delete(':name')
  @HttpCode(204)
  async delete(
    @Param('name') name: string,
    @ValidQuery(DELETE_QUERY) query: { cascade?: string },
    @Req() req: Request,
  ) {
    await this.apps.delete(name, query.cascade !== 'false', requestActor(req));
  }

  @Authorize('applications', 'get', { application: 'name' })
  @Post(':name/refresh')
  refresh(
    @Param('name') name: string,
    @ValidQuery(REFRESH_QUERY) query: { refresh?: string },
    @Req() req: Request,
  ) {
    return this.apps.refresh(name, query.refresh === 'hard', requestActor(req));
  }

  @Authorize('applications', 'sync', { application: 'name' })
  @Post(':name/sync')
  sync(
    @Param('name') name: string,
    @Body(new JsonBody(SYNC_REQUEST)) body: SyncRequestBody,
    @ValidQuery() _query: object,
    @Req() req: Request,
  ) {
    assertSameName('Sync request', name, body.name);
    const syncOptions = syncOptionsOf(body);
    return this.apps.sync(
      name,
      {
        ...(body.revision ? { revision: body.revision } : {}),
        ...(body.prune !== undefined && body.prune !== null ? { prune: body.prune } : {}),
        ...(body.dryRun !== undefined && body.dryRun !== null ? { dryRun: body.dryRun } : {}),
        ...(body.resources ? { resources: body.resources } : {}),
        ...(syncOptions ? { syncOptions } : {}),
        ...(body.strategy?.apply ? { syncStrategy: { apply: {} } } : {}),
        ...(body.project ? { project: body.project } : {}),
      },
      requestActor(req),
    );
  }

  @Authorize('applications', 'sync', { application: 'name' })
  @Post(':name/rollback')
  rollback(
    @Param('name') name: string,
    @Body(new JsonBody(ROLLBACK_REQUEST)) body: RollbackRequestBody,
    @ValidQuery() _query: object,
    @Req() req: Request,
  ) {
    assertSameName('Rollback request', name, body.name);
    return this.apps.rollback(
      name,
      body,
      requestActor(req),
      async (revision) => (await this.rendered.objects(name, revision)) as KubeObject[],
    );
  }

  /**
   * Argo CD's "Confirm Pruning" (`argocd app confirm-deletion` sets the deletion-approved annotation, which a
   * PUT of the application does here too): the running operation may prune what is marked Prune=confirm.
   */
  @Authorize('applications', 'update', { application: 'name' })
  @Post(':name/operation/confirm-prune')
  confirmPrune(@Param('name') name: string, @ValidQuery() _query: object, @Req() req: Request) {
    return this.apps.confirmPrune(name, requestActor(req));
  }

  @Authorize('applications', 'sync', { application: 'name' })
  @Delete(':name/operation')
  terminate(@Param('name') name: string, @ValidQuery() _query: object, @Req() req: Request) {
    return this.apps.terminate(name, requestActor(req));
  }

  /** Argo CD's GetApplicationSyncWindows: `{activeWindows, assignedWindows, canSync}`. */
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/syncwindows')
  syncWindows(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.apps.syncWindows(name);
  }

  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/history')
  history(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.apps.history(name);
  }

  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/manifests')
  manifests(@Param('name') name: string, @ValidQuery(MANIFESTS_QUERY) query: { revision?: string }) {
    return this.rendered.manifests(name, query.revision);
  }

  /**
   * Argo CD's ListResourceEvents: a Kubernetes EventList of the application (no resource named) or of one of
   * its resources in the destination cluster (ResourceEventsService).
   */
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/events')
  events(@Param('name') name: string, @ValidQuery(EVENTS_QUERY) query: ResourceEventsQuery) {
    return this.resourceEvents.list(name, query);
  }

  /**
   * Argo CD's ResourceTree: the app's resources and what they own (Deployment -> ReplicaSet -> Pod), in
   * the `ApplicationTree` shape its UI draws (ResourceTreeService).
   */
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/resource-tree')
  resourceTree(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.trees.tree(name);
  }

  /**
   * Argo CD's PodLogs: the logs of the app's Pods in its destination cluster, streamed as grpc-gateway
   * streams them (one `{"result": LogEntry}` per line, a last entry with `last: true`). Refusals (a bad query,
   * too many Pods) answer as JSON errors before the stream starts.
   */
  @Authorize('logs', 'get', { application: 'name' })
  @Get(':name/logs')
  async podLogs(
    @Param('name') name: string,
    @ValidQuery(LOGS_QUERY) query: LogsQuery,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await this.streamLogs(name, query, req, res);
  }

  /** Argo CD's PodLogs with the Pod in the path (the older route its CLI calls). */
  @Authorize('logs', 'get', { application: 'name' })
  @Get(':name/pods/:podName/logs')
  async podLogsOfPod(
    @Param('name') name: string,
    @Param('podName') podName: string,
    @ValidQuery(LOGS_QUERY) query: LogsQuery,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    if (
      podName.length > 253 ||
      !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(podName)
    )
      throw new ValidationFailedError('PodLogsQuery', undefined, [
        {
          path: 'podName',
          message: `${JSON.stringify(podName.slice(0, 80))} is not a Pod name`,
          fix: "a Pod's metadata.name (a DNS subdomain)",
        },
      ]);
    await this.streamLogs(name, { ...query, podName }, req, res);
  }

  private async streamLogs(name: string, query: LogsQuery, req: Request, res: Response): Promise<void> {
    const start = await this.logs.prepare(name, query);
    res.status(200);
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache');
    // Proxies (nginx) would otherwise buffer the lines.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const { stop, done } = start((entry) => writeLine(res, entry));
    req.on('close', stop);
    void done.then(() => {
      if (!res.writableEnded) res.end();
    });
  }

  /** Argo CD's RevisionMetadata: author, date, tags and message of a Git revision of the app's source. */
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/revisions/:revision/metadata')
  revisionMetadata(
    @Param('name') name: string,
    @Param('revision') revision: string,
    @ValidQuery(REVISION_QUERY) query: RevisionQuery,
  ) {
    return this.revisions.metadata(name, revision, query);
  }

  /** Argo CD's RevisionChartDetails: description, home and maintainers of a Helm chart version. */
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/revisions/:revision/chartdetails')
  revisionChartDetails(
    @Param('name') name: string,
    @Param('revision') revision: string,
    @ValidQuery(REVISION_QUERY) query: RevisionQuery,
  ) {
    return this.revisions.chartDetails(name, revision, query);
  }

  /** Berth's own: the application's stream in the event log, every event as recorded (docs/audit-log.md). */
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/audit')
  audit(@Param('name') name: string, @ValidQuery() _query: object) {
    return this.apps.audit(name);
  }
}

/** Argo CD's request bodies repeat the application's name; a different one is a mistake, not a rename. */
function assertSameName(kind: string, name: string, bodyName: string | undefined): void {
  if (bodyName && bodyName !== name) {
    throw new ValidationFailedError(kind, undefined, [
      {
        path: 'name',
        message: `"${bodyName}" is not the application in the URL ("${name}")`,
        fix: 'omit it',
      },
    ]);
  }
}

/** One `{"result": entry}` line, waiting while the socket is full; refuses once the client is gone. */
function writeLine(res: Response, entry: LogEntry): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (res.writableEnded || res.destroyed) {
      reject(new Error('the client left'));
      return;
    }
    if (res.write(`${JSON.stringify({ result: entry })}\n`)) {
      resolve();
      return;
    }
    const settle = () => {
      res.off('drain', settle);
      res.off('close', settle);
      if (res.destroyed) reject(new Error('the client left'));
      else resolve();
    };
    res.on('drain', settle);
    res.on('close', settle);
  });
}
