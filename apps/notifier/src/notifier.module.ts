import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TerminusModule } from '@nestjs/terminus';
import { type Authentication, type Authorizer, AuthModule } from '@berth/auth';
import { berthVersion, OpenApiController, OpenApiDocumentSource, serveApiDocs } from '@berth/runtime';
import { HealthController } from './http/health.controller';
import { NotificationsController } from './http/notifications.controller';
import { NotifierRuntime } from './notifier.runtime';

/**
 * The notifier's HTTP surface around a NotifierRuntime, behind AuthGuard and PermissionGuard (Berth's
 * `notifications` resource: `get` for deliveries and the config, `update` to replace it); closing the app
 * stops the runtime.
 */
@Module({})
export class NotifierModule implements OnApplicationShutdown {
  constructor(@Inject(NotifierRuntime) private readonly runtime: NotifierRuntime) {}

  static forRuntime(runtime: NotifierRuntime, auth: Authentication, authorizer: Authorizer): DynamicModule {
    return {
      module: NotifierModule,
      imports: [TerminusModule.forRoot({ logger: false }), AuthModule.forRoot(auth, { authorizer })],
      controllers: [NotificationsController, HealthController, OpenApiController],
      providers: [{ provide: NotifierRuntime, useValue: runtime }, OpenApiDocumentSource],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}

/**
 * Express settings the notifier's routes need (PUT config takes a YAML body), and its API's description:
 * GET /api/openapi.json and the Swagger UI page /api/docs, public as the scheduler's (docs/api.md).
 */
export function configureNotifierApp(app: NestExpressApplication): NestExpressApplication {
  app.useBodyParser('text', {
    type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'],
    limit: '2mb',
  });
  serveApiDocs(app, {
    title: 'Berth notifier API',
    description:
      "The notifier's own routes (Berth's; Argo CD's notifications controller has no REST API of this kind): " +
      'deliveries and the notifications config, plus health and metrics. Authenticate with ' +
      '`Authorization: Bearer <token>` from the scheduler (POST /api/v1/session, or an API key); errors answer ' +
      '`{error, code, message}`. See docs/api.md.',
    version: berthVersion(),
    tags: [{ name: 'berth', description: "Berth's notifier: deliveries, the notifications config, health" }],
    classify: () => ({ tag: 'berth' }),
  });
  return app;
}
