import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { type Observable, tap } from 'rxjs';
import { identityOf } from '@berth/auth';
import { extendLogContext, withLogContext } from '@berth/infra';

/** The routes about one app: their `:name` is the app's (projects, clusters and accounts have names too). */
const APP_ROUTE = /^\/api\/v1\/applications\/:name\b/;

/** What a correlation id may be: it is echoed in a header, written to logs and stored in events. */
const CORRELATION_ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/;

/**
 * Express middleware: the request's log context, with its correlation id (the caller's
 * `X-Correlation-Id`, else a new one), answered in `X-Correlation-Id` so a caller can find the lines and
 * events of its request. requestActor records the same id in the events' metadata.
 */
export function requestLogContext(req: Request, res: Response, next: NextFunction): void {
  const header = req.headers['x-correlation-id'];
  const given = (Array.isArray(header) ? header[0] : header)?.trim();
  if (given && !CORRELATION_ID.test(given)) {
    const message = 'X-Correlation-Id must be 1 to 128 letters, digits or ._:@+=/- characters';
    res.status(400).json({
      error: 'Invalid',
      code: 3,
      message: `${message}; send a UUID or leave it out`,
      issues: [{ field: 'X-Correlation-Id', message, fix: 'send a UUID or leave it out' }],
    });
    return;
  }
  const correlationId = given || randomUUID();
  res.setHeader('X-Correlation-Id', correlationId);
  withLogContext({ correlationId }, next);
}

/**
 * After authentication: adds the actor and, on an app's routes, the app to the request's log context.
 * A change to an app (any method but GET/HEAD) is logged when it is answered, one line naming the route
 * pattern (never the raw URL: its query may carry anything), so the log shows who changed which app.
 */
@Injectable()
export class RequestLogContextInterceptor implements NestInterceptor {
  private readonly logger = new Logger('api');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const route = (req.route as { path?: unknown } | undefined)?.path;
    const name = req.params['name'];
    const application =
      typeof route === 'string' && APP_ROUTE.test(route) && typeof name === 'string' ? name : undefined;
    extendLogContext({ actor: identityOf(req)?.subject, application });
    if (!application || req.method === 'GET' || req.method === 'HEAD') return next.handle();
    const started = Date.now();
    const what = `${req.method} ${String(route)}`;
    return next.handle().pipe(
      tap({
        next: () => this.logger.log(`${what}: done in ${Date.now() - started} ms`),
        error: (error: unknown) =>
          this.logger.log(`${what}: refused in ${Date.now() - started} ms (${(error as Error).name})`),
      }),
    );
  }
}
