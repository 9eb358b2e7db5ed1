import { AnyAuthenticated, Authorize, Authorizer, CurrentIdentity, type Identity } from '@berth/auth';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { DEFAULT_PROJECT_NAME } from '@berth/domain';
import type { Request, Response } from 'express';
import { openLineStream, writeResultLine } from '../http/ndjson-lines';
import { ValidQuery } from '../http/request-pipes';
import { ResourceTreeWatchService } from './resource-tree-watch.service';
import { ApplicationWatchService, parseWatchQuery, type WatchSink } from './application-watch.service';

/**
 * Argo CD's streaming routes, in grpc-gateway's form: one JSON object per line, each
 * `{"result": <event>}`, the response open until the client leaves; a failure after the first line is a
 * last `{"error": {...}}` line, as grpc-gateway ends a stream.
 */
@Controller('api/v1/stream')
export class StreamController {
  constructor(
    private readonly watches: ApplicationWatchService,
    private readonly authorizer: Authorizer,
    private readonly trees: ResourceTreeWatchService,
  ) {}

  /** Argo CD's ApplicationService.Watch. */
  @AnyAuthenticated('streams only the applications the caller may get')
  @Get('applications')
  async applications(
    @Query() raw: Record<string, unknown>,
    @CurrentIdentity() who: Identity,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const query = parseWatchQuery(raw);
    // Refusals (a bad query, an unknown resourceVersion) answer as JSON errors, before the stream starts.
    const prepared = await this.watches.prepare(query);
    openLineStream(res);
    // Judged per event with the policy in force then, as Argo CD's Watch does: a revoked right stops the lines.
    const sink: WatchSink = (event) => writeResultLine(res, event);
    const visible: WatchSink = async (event) => {
      const { name } = event.application.metadata;
      const named = event.application.spec.project;
      const project = typeof named === 'string' && named !== '' ? named : DEFAULT_PROJECT_NAME;
      if (await this.authorizer.may(who, 'applications', 'get', `${project}/${name}`)) await sink(event);
    };
    const { stop, done } = await this.watches.run(query, prepared, visible);
    req.on('close', stop);
    void done.then(() => {
      if (!res.writableEnded) res.end();
    });
  }

  /**
   * Argo CD's ApplicationService.WatchResourceTree: `{"result": <ApplicationTree>}` now, then on each change
   * of the tree (ResourceTreeWatchService). Refusals (a bad name, a missing app, a cluster that cannot be
   * read) answer as JSON errors before the stream starts.
   */
  @Authorize('applications', 'get', { application: 'name' })
  @Get('applications/:name/resource-tree')
  async resourceTree(
    @Param('name') name: string,
    @ValidQuery() _query: object,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const first = await this.trees.prepare(name);
    openLineStream(res);
    const { stop, done } = await this.trees.run(name, first, (tree) => writeResultLine(res, tree));
    req.on('close', stop);
    void done.then(() => {
      if (!res.writableEnded) res.end();
    });
  }
}
