import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { AnyAuthenticated, Authorize, AuthorizeInHandler, CurrentIdentity, type Identity } from '@berth/auth';
import { ValidationFailedError, type KubeObject } from '@berth/domain';
import { parseApplicationDocument } from '@berth/infra';
import type { Request, Response } from 'express';
import { bodyText } from '../http/body-text';
import { openLineStream, writeResultLine } from '../http/ndjson-lines';
import { JsonBody, ValidQuery } from '../http/request-pipes';
import { requestActor } from '../http/request-actor';
import { appendWarningHeaders, OPERATION_ID_HEADER } from '../http/warning-headers';
import { parseListQuery } from './application-list-query';
import {
  CREATE_QUERY,
  DELETE_QUERY,
  EVENTS_QUERY,
  GET_QUERY,
  historyIdOf,
  LOGS_QUERY,
  MANIFESTS_QUERY,
  PATCH_REQUEST,
  REFRESH_QUERY,
  REVISION_QUERY,
  ROLLBACK_REQUEST,
  SYNC_REQUEST,
  syncOptionsOf,
  UPDATE_QUERY,
  type PatchRequestBody,
  type RollbackRequestBody,
  type SyncRequestBody,
} from './application-requests.schema';
import { ApplicationLogsService, type LogsQuery } from './application-logs.service';
import { ApplicationsService } from './applications.service';
import { ManagedResourcesService, type ManagedResourcesQuery } from './managed-resources.service';
import { ManifestsService } from './manifests.service';
import { ResourceEventsService, type ResourceEventsQuery } from './resource-events.service';
import { ResourceTreeService } from './resource-tree.service';
import { RevisionDetailsService, type RevisionQuery } from './revision-details.service';
import { MANAGED_RESOURCES_QUERY } from '../resources/resource-requests.schema';

/** Argo CD's application API, v1: bodies are Application YAML or JSON, as users already write them. */
@Controller('api/v1/applications')
export class ApplicationsController {
  constructor(
    private readonly apps: ApplicationsService,
    private readonly rendered: ManifestsService,
    private readonly resourceEvents: ResourceEventsService,
    private readonly revisions: RevisionDetailsService,
    private readonly trees: ResourceTreeService,
    private readonly managed: ManagedResourcesService,
    private readonly logs: ApplicationLogsService,
  ) {}

  @AuthorizeInHandler('applications, create, <project>/<name> of the body (and update when upserting)')
  @Post()
  @HttpCode(200) // Argo CD's gateway answers 200, not 201
  async create(
    @Body() body: unknown,
    @ValidQuery(CREATE_QUERY) query: { upsert?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { application, warnings } = await this.apps.create(
      bodyText(body),
      requestActor(req),
      query.upsert === 'true',
    );
    appendWarningHeaders(res, warnings);
    return application;
  }

  /** Argo CD's List: `{items}` filtered by name, appNamespace, project(s), selector and repo. */
  @AnyAuthenticated('lists only the applications the caller may get')
  @Get()
  list(@Query() raw: Record<string, unknown>, @CurrentIdentity() who: Identity) {
    return this.apps.list(who, parseListQuery(raw));
  }

  /** Argo CD's Get; `refresh=normal|hard` asks for a compare first (recorded, as POST .../refresh). */
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name')
  async get(
    @Param('name') name: string,
    @ValidQuery(GET_QUERY) query: { refresh?: string },
    @Req() req: Request,
  ) {
    if (query.refresh) return this.apps.refresh(name, query.refresh === 'hard', requestActor(req));
    return this.apps.get(name);
  }

  @Authorize('applications', 'update', { application: 'name' })
  @Put(':name')
  async update(
    @Param('name') name: string,
    @Body() body: unknown,
    @ValidQuery(UPDATE_QUERY) _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { application, warnings } = await this.apps.update(name, bodyText(body), requestActor(req));
    appendWarningHeaders(res, warnings);
    return application;
  }

  /** Argo CD's Patch (ApplicationPatchRequest): a JSON patch or a JSON merge patch of the Application. */
  @Authorize('applications', 'update', { application: 'name' })
  @Patch(':name')
  async patch(
    @Param('name') name: string,
    @Body(new JsonBody(PATCH_REQUEST)) body: PatchRequestBody,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    assertSameName('Patch request', name, body.name);
    if (body.project !== undefined) await this.apps.assertProject(name, body.project);
    const { application, warnings } = await this.apps.patch(name, body, requestActor(req));
    appendWarningHeaders(res, warnings);
    return application;
  }

  /** Argo CD's UpdateSpec: the body is an ApplicationSpec; answers the spec stored. */
  @Authorize('applications', 'update', { application: 'name' })
  @Put(':name/spec')
  async updateSpec(
    @Param('name') name: string,
    @Body() body: unknown,
    @ValidQuery(UPDATE_QUERY) query: { project?: string },
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (query.project !== undefined) await this.apps.assertProject(name, query.project);
    const { spec, warnings } = await this.apps.updateSpec(
      name,
      parseSpecBody(bodyText(body)),
      requestActor(req),
    );
    appendWarningHeaders(res, warnings);
    return spec;
  }

  /** Argo CD's Delete answers `200 {}` (ApplicationResponse). */
  @Authorize('applications', 'delete', { application: 'name' })
  @Delete(':name')
  async delete(
    @Param('name') name: string,
    @ValidQuery(DELETE_QUERY) query: { cascade?: string },
    @Req() req: Request,
  ) {
    await this.apps.delete(name, query.cascade !== 'false', requestActor(req));
    return {};
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

  /** Argo CD's Sync: answers the Application, its `operation` the one started (id also in a header). */
  @Authorize('applications', 'sync', { application: 'name' })
  @Post(':name/sync')
  @HttpCode(200)
  async sync(
    @Param('name') name: string,
    @Body(new JsonBody(SYNC_REQUEST)) body: SyncRequestBody,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    assertSameName('Sync request', name, body.name);
    const syncOptions = syncOptionsOf(body);
    const { operationId, application } = await this.apps.sync(
      name,
      {
        ...(body.revision ? { revision: body.revision } : {}),
        ...(body.prune !== undefined && body.prune !== null ? { prune: body.prune } : {}),
        ...(body.dryRun !== undefined && body.dryRun !== null ? { dryRun: body.dryRun } : {}),
        ...(body.resources ? { resources: body.resources } : {}),
        ...(syncOptions ? { syncOptions } : {}),
        ...(body.strategy?.apply
          ? { syncStrategy: { apply: body.strategy.apply.force ? { force: true } : {} } }
          : {}),
        ...(body.strategy?.hook?.force ? { syncStrategy: { hook: { force: true } } } : {}),
        ...(body.infos && body.infos.length > 0 ? { info: body.infos } : {}),
        ...(body.retryStrategy ? { retry: body.retryStrategy } : {}),
        ...(body.project ? { project: body.project } : {}),
      },
      requestActor(req),
    );
    res.setHeader(OPERATION_ID_HEADER, operationId);
    return application;
  }

  /** Argo CD's Rollback: answers the Application, its `operation` the rollback started. */
  @Authorize('applications', 'sync', { application: 'name' })
  @Post(':name/rollback')
  @HttpCode(200)
  async rollback(
    @Param('name') name: string,
    @Body(new JsonBody(ROLLBACK_REQUEST)) body: RollbackRequestBody,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    assertSameName('Rollback request', name, body.name);
    const { operationId, application } = await this.apps.rollback(
      name,
      { ...body, id: historyIdOf(body) },
      requestActor(req),
      async (revision) => (await this.rendered.objects(name, revision)) as KubeObject[],
    );
    res.setHeader(OPERATION_ID_HEADER, operationId);
    return application;
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
   * Argo CD's ManagedResources: each resource of the app with its target, live, normalized live and
   * predicted live state (JSON strings, Secret values masked), filtered as Argo CD filters them.
   */
  @Authorize('applications', 'get', { application: 'name' })
  @Get(':name/managed-resources')
  managedResources(
    @Param('name') name: string,
    @ValidQuery(MANAGED_RESOURCES_QUERY) query: ManagedResourcesQuery,
  ) {
    return this.managed.list(name, query);
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
    openLineStream(res);
    const { stop, done } = start((entry) => writeResultLine(res, entry));
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

/** UpdateSpec's body: one ApplicationSpec object, JSON or YAML as every application body. */
function parseSpecBody(text: string): unknown {
  const parsed = parseApplicationDocument(text);
  const value = parsed.ok && parsed.documents.length === 1 ? parsed.documents[0]!.value : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationFailedError('ApplicationSpec', undefined, [
      {
        path: '',
        message: 'expected one ApplicationSpec object',
        fix: 'send the spec: {"source": ..., "destination": ..., "project": ...}',
      },
    ]);
  }
  return value;
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
