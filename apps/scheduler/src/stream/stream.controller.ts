import { AnyAuthenticated, Authorizer, CurrentIdentity, type Identity } from '@berth/auth';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { DEFAULT_PROJECT_NAME } from '@berth/domain';
import type { Request, Response } from 'express';
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
    res.status(200);
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache');
    // Proxies (nginx) would otherwise buffer the lines.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    // Judged per event with the policy in force then, as Argo CD's Watch does: a revoked right stops the lines.
    const sink = lineSink(res);
    const visible: WatchSink = async (event) => {
      const { name } = event.application.metadata;
      const project = event.application.spec.project || DEFAULT_PROJECT_NAME;
      if (await this.authorizer.may(who, 'applications', 'get', `${project}/${name}`)) await sink(event);
    };
    const { stop, done } = await this.watches.run(query, prepared, visible);
    req.on('close', stop);
    void done.then(() => {
      if (!res.writableEnded) res.end();
    });
  }
}

/** Writes each event as a line, waiting while the socket is full; refuses once the client is gone. */
function lineSink(res: Response): WatchSink {
  return (event) =>
    new Promise<void>((resolve, reject) => {
      if (res.writableEnded || res.destroyed) {
        reject(new Error('the client left'));
        return;
      }
      if (res.write(`${JSON.stringify({ result: event })}\n`)) {
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
