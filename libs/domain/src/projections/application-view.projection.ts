import type { ApplicationEvent, ApplicationManifest } from '../events/application.events';

/**
 * The application read model (`applications` table) as a pure function of the events.
 * Shaped like the parts of an Argo CD Application's status that the API returns.
 */
export interface ApplicationView {
  name: string;
  project: string;
  manifest: ApplicationManifest;
  syncStatus: string;
  healthStatus: string;
  revision: string | null;
  status: Record<string, unknown>;
  operation: Record<string, unknown> | null;
  streamVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Returns the next view, or null when the application no longer exists. */
export function projectApplicationView(
  view: ApplicationView | null,
  event: ApplicationEvent,
  meta: { streamVersion: number; recordedAt: Date; actor: string },
): ApplicationView | null {
  switch (event.type) {
    case 'ApplicationCreated':
      return {
        name: event.data.application,
        project: event.data.project,
        manifest: event.data.manifest,
        syncStatus: 'Unknown',
        healthStatus: 'Unknown',
        revision: null,
        status: {},
        operation: null,
        streamVersion: meta.streamVersion,
        createdAt: meta.recordedAt,
        updatedAt: meta.recordedAt,
      };
    case 'ApplicationDeleted':
      return null;
    default:
      if (!view) return null;
  }
  const next: ApplicationView = { ...view, streamVersion: meta.streamVersion, updatedAt: meta.recordedAt };
  switch (event.type) {
    case 'ApplicationSpecChanged':
      return { ...next, project: event.data.project, manifest: event.data.manifest };
    case 'RefreshRequested':
      return next;
    case 'SyncRequested':
      return {
        ...next,
        operation: {
          id: event.data.operationId,
          phase: 'Pending',
          requestedAt: meta.recordedAt.toISOString(),
          initiatedBy: { ...event.data.initiatedBy, username: event.data.initiatedBy.username ?? meta.actor },
          sync: {
            revision: event.data.revision,
            prune: event.data.prune,
            dryRun: event.data.dryRun,
            resources: event.data.resources,
            syncOptions: event.data.syncOptions,
          },
        },
      };
  }
}
