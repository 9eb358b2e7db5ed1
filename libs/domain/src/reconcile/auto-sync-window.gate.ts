import type { Application } from '../application/application.types';
import type { ApplicationState } from '../application/application.state';
import { applicationEvent, type ApplicationEvent } from '../events/application.events';
import type { SyncWindow } from '../project/app-project.types';
import type { ClusterRef } from '../project/known-cluster';
import { syncWindowsVerdictFor } from '../project/sync-windows';

/**
 * The condition an app carries while a sync window holds back an automated sync (auto-sync, self-heal,
 * auto-rollback). Argo CD only logs "Sync prevented by sync window"; Berth says it where people look, in
 * `status.conditions`, raised once and cleared when the sync starts or is no longer due.
 */
export const AUTO_SYNC_BLOCKED_CONDITION = 'AutoSyncBlocked';

/** The sync windows an app's automated syncs answer to: its project's, and the clusters Berth knows. */
export interface AppSyncWindows {
  windows: readonly SyncWindow[];
  /** Known clusters, so a window naming a cluster holds an app that writes its server, and back. */
  clusters?: readonly ClusterRef[];
}

export type AutomatedSyncGate =
  | { open: true }
  | {
      open: false;
      /** The condition's message: what waits, and which windows hold it. */
      message: string;
      /** The next time a window opens or closes: compare again then. */
      changesAt?: Date;
    };

/** Argo CD's `CanSync(false)` for one automated sync of `app` (`what`: "automated sync to 1a2b3c4"). */
export function gateAutomatedSync(
  app: Application,
  windows: AppSyncWindows | undefined,
  now: Date,
  what: string,
): AutomatedSyncGate {
  if (!windows || windows.windows.length === 0) return { open: true };
  const verdict = syncWindowsVerdictFor(
    windows.windows,
    { name: app.metadata.name, destination: app.spec.destination },
    now,
    { manual: false, ...(windows.clusters ? { clusters: windows.clusters } : {}) },
  );
  if (verdict.canSync) return { open: true };
  return {
    open: false,
    message: `Sync prevented by sync window: ${what} waits; ${verdict.reason ?? 'a window forbids it'}`,
    ...(verdict.changesAt ? { changesAt: verdict.changesAt } : {}),
  };
}

/**
 * The condition events that make `state` say `message` (raised once, with a new message when it changes),
 * or say nothing (cleared) when `message` is undefined.
 */
export function autoSyncBlockedEvents(
  state: ApplicationState,
  message: string | undefined,
): ApplicationEvent[] {
  const existing = state.status.conditions.find((c) => c.type === AUTO_SYNC_BLOCKED_CONDITION);
  if (message === undefined)
    return existing
      ? [
          applicationEvent('ConditionCleared', {
            application: state.name,
            conditionType: AUTO_SYNC_BLOCKED_CONDITION,
          }),
        ]
      : [];
  if (existing?.message === message) return [];
  return [
    applicationEvent('ConditionRaised', {
      application: state.name,
      conditionType: AUTO_SYNC_BLOCKED_CONDITION,
      message,
    }),
  ];
}
