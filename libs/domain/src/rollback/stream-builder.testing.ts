import {
  applicationEvent,
  type ApplicationEvent,
  type ApplicationManifest,
  type SyncRequested,
} from '../events/application.events';
import type { HealthStatusCode } from '../health/health-status';
import { foldApplication, type RecordedApplicationEvent } from '../application/application.evolve';
import type { ApplicationState } from '../application/application.state';

/** Builds an application stream for table tests: one event per second from `start`. */
export class StreamBuilder {
  readonly entries: RecordedApplicationEvent[] = [];
  private seconds = 0;

  constructor(
    readonly application = 'web',
    private readonly start = new Date('2026-01-01T00:00:00Z'),
  ) {}

  at(secondsFromStart: number): this {
    this.seconds = secondsFromStart;
    return this;
  }

  time(): Date {
    return new Date(this.start.getTime() + this.seconds * 1000);
  }

  add(event: ApplicationEvent): this {
    this.entries.push({
      ...event,
      streamVersion: this.entries.length + 1,
      recordedAt: this.time(),
      metadata: { actor: 'test' },
    });
    this.seconds++;
    return this;
  }

  /** The application's state after every event added so far. */
  state(): ApplicationState {
    return foldApplication(this.application, this.entries);
  }

  created(manifest: ApplicationManifest = manifestOf(this.application)): this {
    return this.add(
      applicationEvent('ApplicationCreated', { application: this.application, project: 'default', manifest }),
    );
  }

  /** A whole successful sync of `revision`; resources as `kind/name` (core group unless `group/kind/name`). */
  deploy(
    operationId: string,
    revision: string,
    options: { trigger?: string; dryRun?: boolean; resources?: string[]; pruned?: string[] } = {},
  ): this {
    this.add(
      applicationEvent<SyncRequested>('SyncRequested', {
        application: this.application,
        operationId,
        revision,
        prune: true,
        dryRun: options.dryRun ?? false,
        initiatedBy: { automated: options.trigger !== 'manual', username: 'test' },
        trigger: options.trigger ?? 'auto-sync',
      }),
    );
    this.add(
      applicationEvent('SyncOperationStarted', {
        application: this.application,
        operationId,
        revision,
        planId: 'p',
        attempt: 1,
        dryRun: options.dryRun ?? false,
        taskCount: 1,
      }),
    );
    const synced = (spec: string, result: string) => {
      const parts = spec.split('/');
      const [group, kind, name] = parts.length === 3 ? parts : ['', parts[0]!, parts[1]!];
      this.add(
        applicationEvent('ResourceSynced', {
          application: this.application,
          operationId,
          taskId: `${kind}-${name}`,
          resource: { group: group!, kind: kind!, name: name!, namespace: 'web' },
          phase: 'Sync',
          wave: 0,
          result,
        }),
      );
    };
    for (const r of options.resources ?? []) synced(r, 'configured');
    for (const r of options.pruned ?? []) synced(r, 'pruned');
    return this.add(
      applicationEvent('SyncOperationSucceeded', {
        application: this.application,
        operationId,
        revision,
        message: 'ok',
        startedAt: this.time().toISOString(),
        finishedAt: this.time().toISOString(),
      }),
    );
  }

  health(to: HealthStatusCode, from: HealthStatusCode = 'Unknown'): this {
    return this.add(
      applicationEvent('HealthStatusChanged', { application: this.application, from, to, unhealthy: [] }),
    );
  }

  /** The time of the n-th (0-based) SyncOperationSucceeded. */
  deployedAt(n: number): Date {
    return this.entries.filter((e) => e.type === 'SyncOperationSucceeded')[n]!.recordedAt;
  }
}

export function manifestOf(name: string, finalizers?: string[]): ApplicationManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', ...(finalizers ? { finalizers } : {}) },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/example/apps.git', path: name, targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
    },
  };
}
