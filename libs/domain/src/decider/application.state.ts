import type { ApplicationEvent, ApplicationManifest } from '../events/application.events';

/** What the decider needs to know about one application: folded from its stream. */
export interface ApplicationState {
  name: string;
  /** True between ApplicationCreated and ApplicationDeleted. */
  exists: boolean;
  project: string;
  manifest: ApplicationManifest | null;
  /** The operation requested and not yet finished, if any (sync, rollback). */
  pendingOperation: { operationId: string } | null;
  /** Refreshes asked for by people since the app was created (periodic refreshes are not events). */
  refreshRequests: number;
}

export function initialApplicationState(name: string): ApplicationState {
  return {
    name,
    exists: false,
    project: 'default',
    manifest: null,
    pendingOperation: null,
    refreshRequests: 0,
  };
}

/** The fold: the state after one more event. Pure; never throws on a known event. */
export function evolveApplication(state: ApplicationState, event: ApplicationEvent): ApplicationState {
  switch (event.type) {
    case 'ApplicationCreated':
      return {
        ...initialApplicationState(state.name),
        exists: true,
        project: event.data.project,
        manifest: event.data.manifest,
      };
    case 'ApplicationSpecChanged':
      return { ...state, project: event.data.project, manifest: event.data.manifest };
    case 'ApplicationDeleted':
      return { ...state, exists: false, manifest: null, pendingOperation: null };
    case 'RefreshRequested':
      return { ...state, refreshRequests: state.refreshRequests + 1 };
    case 'SyncRequested':
      return { ...state, pendingOperation: { operationId: event.data.operationId } };
    case 'SyncOperationSucceeded':
    case 'SyncOperationTerminated':
      return { ...state, pendingOperation: null };
    case 'SyncOperationFailed':
      // A failure with a retry scheduled keeps the operation open: the retry is the same operation.
      return event.data.retryInMs === undefined ? { ...state, pendingOperation: null } : state;
    default:
      return state;
  }
}

export function foldApplication(name: string, events: Iterable<ApplicationEvent>): ApplicationState {
  let state = initialApplicationState(name);
  for (const event of events) state = evolveApplication(state, event);
  return state;
}
