import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from '@berth/auth';
import { ObservabilityModule } from '@berth/runtime';
import { AccountController } from './accounts/account.controller';
import { SessionController } from './accounts/session.controller';
import { SsoController } from './accounts/sso.controller';
import { ApplicationsController } from './applications/applications.controller';
import { ApplicationsService } from './applications/applications.service';
import { ApprovalsController } from './approvals/approvals.controller';
import { ApprovalsService } from './approvals/approvals.service';
import { ManifestsService } from './applications/manifests.service';
import { ResourceEventsService } from './applications/resource-events.service';
import { RevisionDetailsService } from './applications/revision-details.service';
import { SchedulerSources } from './applications/scheduler-sources';
import { DestinationClusters } from './clusters/destination-clusters';
import { AuditController } from './audit/audit.controller';
import { DomainErrorFilter } from './http/domain-error.filter';
import { StorablePathParameter } from './http/request-pipes';
import { unstorableText } from './http/storable-value';
import { ClustersController, RepositoriesController } from './registries/registries.controller';
import { RegistriesService } from './registries/registries.service';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsService } from './projects/projects.service';
import { PublicInfoController } from './public/public-info.controller';
import { ServerInfoService } from './public/server-info.service';
import { StatusBadgeService } from './public/status-badge.service';
import { PeriodicRefreshService } from './refresh/periodic-refresh.service';
import { ApplicationWatchService } from './stream/application-watch.service';
import { EventLogWakeups } from './stream/event-log-wakeups';
import { StreamController } from './stream/stream.controller';
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
          beforeScrape: async () => {
            const depths = await ctx.queues.depths();
            for (const [queue, depth] of Object.entries(depths)) ctx.metrics.queueDepth.set({ queue }, depth);
          },
        }),
      ],
      controllers: [
        ApplicationsController,
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
      ],
      providers: [
        { provide: SchedulerContext, useValue: ctx },
        ApplicationsService,
        ApprovalsService,
        ManifestsService,
        ResourceEventsService,
        RevisionDetailsService,
        SchedulerSources,
        DestinationClusters,
        ServerInfoService,
        StatusBadgeService,
        EventLogWakeups,
        ApplicationWatchService,
        PeriodicRefreshService,
        RegistriesService,
        ProjectsService,
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_PIPE, useClass: StorablePathParameter },
      ],
    };
  }
}
