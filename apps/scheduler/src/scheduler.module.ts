import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuthModule } from '@berth/auth';
import { ObservabilityModule, OpenApiController, OpenApiDocumentSource } from '@berth/runtime';
import { AccountController } from './accounts/account.controller';
import { SessionController } from './accounts/session.controller';
import { SsoController } from './accounts/sso.controller';
import { ApplicationsController } from './applications/applications.controller';
import { ApplicationSetsController } from './applicationsets/applicationsets.controller';
import { ApplicationSetsService } from './applicationsets/applicationsets.service';
import { ApplicationsService } from './applications/applications.service';
import { ApprovalsController } from './approvals/approvals.controller';
import { ApprovalsService } from './approvals/approvals.service';
import { ManagedResourcesService } from './applications/managed-resources.service';
import { ManifestsService } from './applications/manifests.service';
import { ApplicationLogsService } from './applications/application-logs.service';
import { ResourceEventsService } from './applications/resource-events.service';
import { ResourceTreeService } from './applications/resource-tree.service';
import { RevisionDetailsService } from './applications/revision-details.service';
import { SchedulerSources } from './applications/scheduler-sources';
import { DestinationClusters } from './clusters/destination-clusters';
import { AuditController } from './audit/audit.controller';
import { DomainErrorFilter } from './http/domain-error.filter';
import { RequestLogContextInterceptor } from './http/request-log-context';
import { StorablePathParameter } from './http/request-pipes';
import { unstorableText } from './http/storable-value';
import { ClustersController, RepositoriesController } from './registries/registries.controller';
import { RegistriesService } from './registries/registries.service';
import { ProjectsController } from './projects/projects.controller';
import { LiveResourcesService } from './resources/live-resources.service';
import { ResourceActionsService } from './resources/resource-actions.service';
import { ResourcesController } from './resources/resources.controller';
import { ProjectsService } from './projects/projects.service';
import { PublicInfoController } from './public/public-info.controller';
import { ServerInfoService } from './public/server-info.service';
import { StatusBadgeService } from './public/status-badge.service';
import { PeriodicRefreshService } from './refresh/periodic-refresh.service';
import { ApplicationWatchService } from './stream/application-watch.service';
import { EventLogWakeups } from './stream/event-log-wakeups';
import { StreamController } from './stream/stream.controller';
import { ResourceTreeWatchService } from './stream/resource-tree-watch.service';
import { appInfoLabelsOf } from './app-info.metrics';
import { SchedulerContext } from './scheduler.context';
import { WebhookController } from './webhook/webhook.controller';

@Module({})
export class SchedulerModule {
  static forRoot(ctx: SchedulerContext): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        AuthModule.forRoot(ctx.auth, {
          authorizer: ctx.authorizer,
          // A name Postgres cannot hold is no application's: the route's pipe answers 400 for it.
          applications: {
            projectOf: async (name) => (unstorableText(name) ? undefined : ctx.applications.projectOf(name)),
          },
        }),
        ObservabilityModule.forRoot(ctx.metrics, {
          dataSource: ctx.dataSource,
          redis: ctx.redis,
          // Each from its own store: Redis away leaves argocd_app_info fresh, and Postgres away the depths.
          beforeScrape: async () => {
            await Promise.allSettled([
              Promise.all([ctx.queues.depths(), ctx.queues.oldestWaitingAgeSeconds()]).then(
                ([depths, ages]) => ctx.metrics.setQueueState(depths, ages),
              ),
              ctx.applications.infoRows().then((rows) => ctx.metrics.setAppInfo(rows.map(appInfoLabelsOf))),
            ]);
          },
        }),
      ],
      controllers: [
        ApplicationsController,
        ApplicationSetsController,
        ResourcesController,
        ApprovalsController,
        AuditController,
        WebhookController,
        RepositoriesController,
        ClustersController,
        ProjectsController,
        SessionController,
        AccountController,
        SsoController,
        PublicInfoController,
        StreamController,
        OpenApiController,
      ],
      providers: [
        { provide: SchedulerContext, useValue: ctx },
        ApplicationsService,
        ApplicationSetsService,
        ApprovalsService,
        ManifestsService,
        ManagedResourcesService,
        ResourceEventsService,
        LiveResourcesService,
        ResourceActionsService,
        ResourceTreeService,
        ApplicationLogsService,
        RevisionDetailsService,
        SchedulerSources,
        DestinationClusters,
        ServerInfoService,
        StatusBadgeService,
        EventLogWakeups,
        ApplicationWatchService,
        ResourceTreeWatchService,
        PeriodicRefreshService,
        RegistriesService,
        ProjectsService,
        OpenApiDocumentSource,
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_PIPE, useClass: StorablePathParameter },
        { provide: APP_INTERCEPTOR, useClass: RequestLogContextInterceptor },
      ],
    };
  }
}
