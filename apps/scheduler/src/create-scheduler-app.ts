import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { BerthConfig } from '@berth/infra';
import { BerthLogger, logLevelsFor } from '@berth/runtime';
import { requestLogContext } from './http/request-log-context';
import { schedulerOpenApiDocument } from './openapi/openapi-document';
import { OpenApiDocumentSource } from './openapi/openapi-document.source';
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
  const root = SchedulerModule.forRoot(ctx);
  const app = await NestFactory.create<NestExpressApplication>(root, {
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
  const openApi = app.get(OpenApiDocumentSource);
  openApi.buildWith(() => schedulerOpenApiDocument(app, root));
  // The docs page: Swagger UI from @nestjs/swagger's bundled assets (no CDN), reading the document above.
  // Served beside the controllers, so public like Argo CD's /swagger-ui; the JSON is OpenApiController's.
  SwaggerModule.setup('api/docs', app, () => openApi.document(), {
    raw: false,
    customSiteTitle: 'Berth API',
  });
  return { app, ctx };
}
