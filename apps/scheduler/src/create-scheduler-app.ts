import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { BerthConfig } from '@berth/infra';
import { BerthLogger, logLevelsFor, serveApiDocs } from '@berth/runtime';
import { requestLogContext } from './http/request-log-context';
import { schedulerApiDescription } from './openapi/scheduler-api.description';
import { SchedulerContext } from './scheduler.context';
import { SchedulerModule } from './scheduler.module';

/**
 * Builds the scheduler's HTTP app (used by main.ts and by the end-to-end tests). `now`: the clock its
 * decisions are judged at (default the system clock; tests of sync windows give a fixed one).
 */
export async function createSchedulerApp(
  config: BerthConfig,
  options: { now?: () => Date } = {},
): Promise<{ app: NestExpressApplication; ctx: SchedulerContext }> {
  const ctx = await SchedulerContext.open(config, options);
  const app = await NestFactory.create<NestExpressApplication>(SchedulerModule.forRoot(ctx), {
    bodyParser: false,
    // A failed start is reported by main (one line, exit 1); Nest's default is process.abort().
    abortOnError: false,
    logger: new BerthLogger('scheduler', config.logFormat, logLevelsFor(config.logLevel)),
  });
  // Application bodies are YAML or JSON, and `curl --data-binary @app.yaml` sends them as
  // application/x-www-form-urlencoded: read every body as text and parse it ourselves.
  app.useBodyParser('text', { type: () => true, limit: '2mb' });
  // After the body is read: a body parser's stream callbacks would not carry the context on.
  app.use(requestLogContext);
  // GET /api/openapi.json and its Swagger UI page at /api/docs, both public (docs/api.md).
  serveApiDocs(app, schedulerApiDescription());
  return { app, ctx };
}
