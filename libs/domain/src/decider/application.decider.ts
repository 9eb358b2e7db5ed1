import { DomainError } from '../errors/domain-error';
import {
  applicationEvent,
  type ApplicationCreated,
  type ApplicationDeleted,
  type ApplicationEvent,
  type ApplicationManifest,
  type ApplicationSpecChanged,
  type RefreshRequested,
  type SyncRequested,
  type TerminateRequested,
} from '../events/application.events';
import type { ApplicationState } from './application.state';

export type ApplicationCommand =
  | {
      type: 'CreateApplication';
      manifest: ApplicationManifest;
      /** Argo CD's `upsert`: update if it exists. */ upsert?: boolean;
    }
  | { type: 'UpdateApplication'; manifest: ApplicationManifest }
  | { type: 'DeleteApplication'; cascade: boolean }
  | { type: 'RequestRefresh'; hard: boolean }
  | {
      type: 'RequestSync';
      operationId: string;
      revision?: string;
      prune: boolean;
      dryRun: boolean;
      resources?: SyncRequested['data']['resources'];
      syncOptions?: string[];
      initiatedBy: SyncRequested['data']['initiatedBy'];
      trigger?: string;
    }
  | {
      type: 'RequestRollback';
      operationId: string;
      /** The history entry to re-deploy. */
      historyId: number;
      history: ReadonlyArray<{ id: number; revision: string }>;
      /** Partial rollback (only some kinds): the resources to re-deploy at that revision. */
      resources?: SyncRequested['data']['resources'];
      prune: boolean;
      dryRun: boolean;
      initiatedBy: SyncRequested['data']['initiatedBy'];
    }
  | { type: 'TerminateOperation' };

/**
 * Command + current state -> new events, or a DomainError that says why not.
 * An empty list means "nothing changed" (an update with the same spec appends nothing).
 */
export function decideApplication(command: ApplicationCommand, state: ApplicationState): ApplicationEvent[] {
  switch (command.type) {
    case 'CreateApplication': {
      if (state.exists) {
        if (command.upsert)
          return decideApplication({ type: 'UpdateApplication', manifest: command.manifest }, state);
        throw new DomainError(
          'AlreadyExists',
          `application "${state.name}" already exists; use PUT /api/v1/applications/${state.name} to change it, or pass ?upsert=true`,
        );
      }
      return [
        applicationEvent<ApplicationCreated>('ApplicationCreated', {
          application: state.name,
          project: projectOf(command.manifest),
          manifest: command.manifest,
        }),
      ];
    }
    case 'UpdateApplication': {
      requireExists(state);
      const changedPaths = changedTopLevelPaths(state.manifest, command.manifest);
      if (changedPaths.length === 0) return [];
      return [
        applicationEvent<ApplicationSpecChanged>('ApplicationSpecChanged', {
          application: state.name,
          project: projectOf(command.manifest),
          manifest: command.manifest,
          changedPaths,
        }),
      ];
    }
    case 'DeleteApplication':
      requireExists(state);
      return [
        applicationEvent<ApplicationDeleted>('ApplicationDeleted', {
          application: state.name,
          cascade: command.cascade,
        }),
      ];
    case 'RequestRefresh':
      requireExists(state);
      return [
        applicationEvent<RefreshRequested>('RefreshRequested', {
          application: state.name,
          hard: command.hard,
        }),
      ];
    case 'RequestSync': {
      requireExists(state);
      if (state.pendingOperation) {
        throw new DomainError(
          'OperationInProgress',
          `another operation is already in progress on "${state.name}" (operation ${state.pendingOperation.operationId}); wait for it or terminate it first`,
          { operationId: state.pendingOperation.operationId },
        );
      }
      const { type: _type, ...data } = command;
      return [applicationEvent<SyncRequested>('SyncRequested', { application: state.name, ...data })];
    }
    case 'RequestRollback': {
      requireExists(state);
      const automated = (state.manifest?.spec['syncPolicy'] as { automated?: unknown } | undefined)
        ?.automated;
      if (
        automated !== undefined &&
        automated !== null &&
        (automated as { enabled?: boolean }).enabled !== false
      ) {
        // Argo CD refuses too: auto-sync would immediately sync back to the target revision.
        throw new DomainError(
          'Invalid',
          `rollback of "${state.name}" is not allowed while auto-sync is enabled: it would sync straight back to the target revision; remove spec.syncPolicy.automated first`,
        );
      }
      const entry = command.history.find((h) => h.id === command.historyId);
      if (!entry) {
        throw new DomainError(
          'NotFound',
          `application "${state.name}" has no history entry ${command.historyId}; list them with GET /api/v1/applications/${state.name}/history`,
        );
      }
      return decideApplication(
        {
          type: 'RequestSync',
          operationId: command.operationId,
          revision: entry.revision,
          ...(command.resources ? { resources: command.resources } : {}),
          prune: command.prune,
          dryRun: command.dryRun,
          initiatedBy: command.initiatedBy,
          trigger: 'rollback',
        },
        state,
      ).map((e) => ({ ...e, data: { ...e.data, rollbackOf: entry.id } }) as ApplicationEvent);
    }
    case 'TerminateOperation':
      requireExists(state);
      if (!state.pendingOperation) {
        throw new DomainError(
          'Invalid',
          `application "${state.name}" has no operation in progress to terminate`,
        );
      }
      return [
        applicationEvent<TerminateRequested>('TerminateRequested', {
          application: state.name,
          operationId: state.pendingOperation.operationId,
        }),
      ];
  }
}

function requireExists(state: ApplicationState): void {
  if (!state.exists) {
    throw new DomainError(
      'NotFound',
      `application "${state.name}" not found; list them with GET /api/v1/applications`,
    );
  }
}

function projectOf(manifest: ApplicationManifest): string {
  const project = manifest.spec['project'];
  return typeof project === 'string' && project !== '' ? project : 'default';
}

/**
 * Paths (two levels deep: `spec.source`, `metadata.labels`) whose JSON differs, for a readable audit trail.
 * Key order does not count as a change.
 */
export function changedTopLevelPaths(
  before: ApplicationManifest | null,
  after: ApplicationManifest,
): string[] {
  const changed: string[] = [];
  const b = (before ?? {}) as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of unionKeys(b, a)) {
    const bv = b[key];
    const av = a[key];
    if (isPlainObject(bv) && isPlainObject(av)) {
      for (const sub of unionKeys(bv, av)) {
        if (canonicalJson(bv[sub]) !== canonicalJson(av[sub])) changed.push(`${key}.${sub}`);
      }
    } else if (canonicalJson(bv) !== canonicalJson(av)) {
      changed.push(key);
    }
  }
  return changed;
}

function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with sorted keys, so two equal documents written in another key order compare equal. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
