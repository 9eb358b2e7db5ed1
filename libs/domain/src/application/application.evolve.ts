import { approvalMessage } from '../approval/operation-approval';
import type { ApplicationEvent, ApplicationManifest } from '../events/application.events';
import type { EventMetadata } from '../events/event-envelope';
import type { ResourceIdentity, ResourceSynced } from '../events/reconcile.events';
import type { HealthStatusCode } from '../health/health-status';
import { CREATE_NAMESPACE_REASON } from '../sync/create-namespace';
import {
  historyLimitOf,
  initialApplicationState,
  type ApplicationState,
  type Deployment,
  type FinishedOperation,
  type OpenOperation,
  type OperationOutcome,
} from './application.state';
import type {
  ApplicationStatus,
  Operation,
  OperationApproval,
  OperationState,
  ResourceStatus,
  RevisionHistory,
  SyncStatus,
} from './application.status';

/** An application event as the log returns it: what `evolveApplication` folds. */
export type RecordedApplicationEvent = ApplicationEvent & {
  streamVersion: number;
  recordedAt: Date;
  metadata: Pick<EventMetadata, 'actor'>;
};

export { CREATE_NAMESPACE_REASON };

/** How many finished operation ids an app remembers (a late job for one of them is a no-op). */
const FINISHED_OPERATIONS_KEPT = 20;
/** Commit metadata kept for at most this many revisions. */
const COMMITS_KEPT = 20;
const APPLIED_RESULTS = new Set(['created', 'configured', 'unchanged', 'replaced']);

/**
 * The one fold of an application's stream: the state after one more event. Pure; time comes from the
 * event (`recordedAt`), never from a clock. Unknown event types leave the state as it was (but count), and
 * lists an event left out count as empty: a fold never throws on what the log holds.
 */
export function evolveApplication(
  state: ApplicationState,
  recorded: RecordedApplicationEvent,
): ApplicationState {
  const at = recorded.recordedAt.toISOString();
  const next = apply(state, recorded, at);
  return { ...next, streamVersion: recorded.streamVersion, updatedAt: at };
}

export function foldApplication(
  name: string,
  events: Iterable<RecordedApplicationEvent>,
  from: ApplicationState = initialApplicationState(name),
): ApplicationState {
  let state = from;
  for (const event of events) state = evolveApplication(state, event);
  return state;
}

function apply(state: ApplicationState, recorded: RecordedApplicationEvent, at: string): ApplicationState {
  const event = recorded as ApplicationEvent;
  switch (event.type) {
    case 'ApplicationCreated': {
      const fresh = initialApplicationState(state.name);
      return {
        ...fresh,
        // What earlier incarnations of the name left in the cluster is still found; their decisions carry on.
        inventory: state.inventory,
        finishedOperations: state.finishedOperations,
        lastFinishedSync: state.lastFinishedSync,
        selfHealAttempts: state.selfHealAttempts,
        exists: true,
        project: event.data.project,
        manifest: event.data.manifest,
        createdAt: at,
      };
    }
    case 'ApplicationSpecChanged':
      return { ...state, project: event.data.project, manifest: event.data.manifest };
    case 'ApplicationDeleted':
      return {
        ...state,
        exists: false,
        deletion: { at, cascade: event.data.cascade, resourcesDeleted: false },
        operation: null,
        openOperation: null,
      };
    case 'ApplicationResourcesDeleted':
      return state.deletion ? { ...state, deletion: { ...state.deletion, resourcesDeleted: true } } : state;
    case 'RefreshRequested':
      return { ...state, refreshRequests: state.refreshRequests + 1 };
    case 'SyncRequested': {
      const data = event.data;
      const trigger = data.trigger ?? (data.initiatedBy.automated ? 'auto-sync' : 'manual');
      const operation: Operation = {
        sync: {
          ...(data.revision !== undefined ? { revision: data.revision } : {}),
          prune: data.prune,
          dryRun: data.dryRun,
          ...(data.resources ? { resources: data.resources } : {}),
          ...(data.syncOptions ? { syncOptions: data.syncOptions } : {}),
          ...(data.syncStrategy ? { syncStrategy: data.syncStrategy } : {}),
        },
        initiatedBy: {
          username: data.initiatedBy.username ?? recorded.metadata.actor,
          automated: data.initiatedBy.automated,
        },
        operationId: data.operationId,
        trigger,
        ...(data.rollbackOf !== undefined ? { rollbackOf: data.rollbackOf } : {}),
        ...(data.info ? { info: data.info } : {}),
        ...(data.retry ? { retry: data.retry } : {}),
      };
      return {
        ...state,
        operation,
        openOperation: {
          operationId: data.operationId,
          request: data,
          requestedAt: at,
          synced: [],
          retries: 0,
          terminateRequested: false,
          ...(data.revision ? { revision: data.revision } : {}),
        },
        selfHealAttempts: state.selfHealAttempts + (trigger === 'self-heal' ? 1 : 0),
      };
    }
    case 'TerminateRequested': {
      const open = state.openOperation;
      if (!open || open.operationId !== event.data.operationId) return state;
      const running = state.status.operationState;
      return {
        ...state,
        openOperation: { ...open, terminateRequested: true },
        status:
          running && running.phase === 'Running' && running.operation.operationId === open.operationId
            ? { ...state.status, operationState: { ...running, phase: 'Terminating' } }
            : state.status,
      };
    }
    case 'RevisionResolved':
      return withCommits(
        {
          ...state,
          status: {
            ...state.status,
            sync: { ...state.status.sync, ...revisionFields(state, event.data.revision) },
          },
        },
        event.data.commit ? { [event.data.revision]: event.data.commit } : {},
      );
    case 'SyncStatusChanged': {
      const revision = event.data.revision ?? undefined;
      return {
        ...state,
        selfHealAttempts: event.data.to === 'Synced' ? 0 : state.selfHealAttempts,
        status: {
          ...state.status,
          sync: {
            ...state.status.sync,
            status: event.data.to,
            ...(revision ? revisionFields(state, revision) : {}),
          },
          resources: event.data.resources
            ? inKeyOrder(event.data.resources)
            : withSyncOf(state.status.resources, event.data.outOfSync ?? []),
          reconciledAt: at,
        },
      };
    }
    case 'HealthStatusChanged': {
      const deployments =
        event.data.to === 'Healthy' ? markLatestHealthy(state.deployments) : state.deployments;
      return {
        ...state,
        deployments,
        status: {
          ...state.status,
          health: {
            status: event.data.to,
            ...(event.data.message ? { message: event.data.message } : {}),
            lastTransitionTime: at,
          },
          resources: event.data.resources
            ? inKeyOrder(event.data.resources)
            : withHealthOf(state.status.resources, event.data.unhealthy ?? []),
          reconciledAt: at,
        },
      };
    }
    case 'HealthDetailsChanged':
      // Same status, so lastTransitionTime stays: only what the health says is rewritten.
      return {
        ...state,
        status: {
          ...state.status,
          health: {
            ...withoutMessage(state.status.health),
            ...(event.data.message ? { message: event.data.message } : {}),
          },
          resources: inKeyOrder(event.data.resources),
          reconciledAt: at,
        },
      };
    case 'ConditionRaised':
      return {
        ...state,
        status: {
          ...state.status,
          conditions: [
            ...state.status.conditions.filter((c) => c.type !== event.data.conditionType),
            { type: event.data.conditionType, message: event.data.message, lastTransitionTime: at },
          ],
        },
      };
    case 'ConditionCleared':
      return {
        ...state,
        status: {
          ...state.status,
          conditions: state.status.conditions.filter((c) => c.type !== event.data.conditionType),
        },
      };
    case 'SyncOperationStarted': {
      const open = state.openOperation;
      const mine = open?.operationId === event.data.operationId ? open : undefined;
      // The deployment before this sync ends here: the health last seen counts for it.
      const deployments =
        !mine?.request.dryRun && state.status.health.status === 'Healthy'
          ? markLatestHealthy(state.deployments)
          : state.deployments;
      const previous = state.status.operationState;
      const pending = state.operation?.operationId === event.data.operationId ? state.operation : undefined;
      const operation = pending ?? previous?.operation;
      let operationState: OperationState | undefined = previous;
      if (operation) {
        const resumed = !pending && previous?.operation.operationId === event.data.operationId;
        operationState = {
          operation,
          phase: 'Running',
          message: '',
          // A retry or a resumed attempt keeps the operation's first start, as Argo CD does.
          startedAt: resumed && previous ? previous.startedAt : at,
          ...(resumed && previous?.retryCount !== undefined ? { retryCount: previous.retryCount } : {}),
          syncResult: revisionFields(state, event.data.revision),
          ...(mine?.approval ? { approval: mine.approval } : {}),
        };
      }
      return {
        ...state,
        deployments,
        operation: pending ? null : state.operation,
        openOperation: mine
          ? (() => {
              const { retryPending: _done, waiting: _waiting, ...rest } = mine;
              return {
                ...rest,
                started: event.data,
                startedAt: at,
                synced: [],
                revision: event.data.revision,
              };
            })()
          : open,
        status: operationState ? { ...state.status, operationState } : state.status,
      };
    }
    case 'ResourceSynced': {
      const open = state.openOperation;
      if (!open || open.operationId !== event.data.operationId) return state;
      const counts = !open.request.dryRun;
      const { waiting: _waiting, ...rest } = open;
      return {
        ...state,
        openOperation: { ...rest, synced: [...open.synced, event.data] },
        // Past whatever it waited for: gitops-engine's message while tasks run.
        status: open.waiting ? withRunningMessage(state, open.operationId, RUNNING_MESSAGE) : state.status,
        inventory: counts ? withInventory(state.inventory, event.data) : state.inventory,
        incarnationInventory: counts
          ? withInventory(state.incarnationInventory, event.data)
          : state.incarnationInventory,
      };
    }
    case 'SyncOperationSucceeded':
      return finish(state, event.data.operationId, 'Succeeded', 'Succeeded', event.data.message, at, {
        revision: event.data.revision,
        startedAt: event.data.startedAt,
        finishedAt: event.data.finishedAt,
      });
    case 'SyncOperationFailed': {
      if (event.data.retryInMs === undefined) {
        return finish(state, event.data.operationId, 'Failed', event.data.phase, event.data.message, at, {
          revision: event.data.revision ?? undefined,
          startedAt: event.data.startedAt,
          finishedAt: event.data.finishedAt,
        });
      }
      const open = state.openOperation;
      if (!open || open.operationId !== event.data.operationId) return state;
      const running = state.status.operationState;
      return {
        ...state,
        openOperation: {
          ...open,
          retries: open.retries + 1,
          retryPending: { retryInMs: event.data.retryInMs, failedAt: at },
          message: event.data.message,
          ...(event.data.revision ? { revision: event.data.revision } : {}),
        },
        status:
          running && running.operation.operationId === open.operationId
            ? {
                ...state.status,
                operationState: {
                  ...running,
                  phase: 'Running',
                  message: event.data.message,
                  retryCount: event.data.attempt,
                },
              }
            : state.status,
      };
    }
    case 'SyncOperationTerminated':
      return finish(state, event.data.operationId, 'Terminated', 'Failed', event.data.message, at, {
        finishedAt: event.data.finishedAt,
      });
    case 'SyncOperationWaiting': {
      const open = state.openOperation;
      if (!open || open.operationId !== event.data.operationId) return state;
      return {
        ...state,
        openOperation: {
          ...open,
          waiting: { waitingFor: event.data.waitingFor, message: event.data.message },
        },
        status: withRunningMessage(state, open.operationId, event.data.message),
      };
    }
    case 'SyncApprovalRequested': {
      const open = state.openOperation;
      if (!open || open.operationId !== event.data.operationId) return state;
      return withApproval(state, open, {
        phase: 'Pending',
        requiredApprovals: event.data.requiredApprovals,
        requestedBy: event.data.requestedBy,
        requestedAt: open.requestedAt,
        expiresAt: event.data.expiresAt,
        approvals: [],
      });
    }
    case 'SyncApproved': {
      const open = state.openOperation;
      const approval = open?.operationId === event.data.operationId ? open.approval : undefined;
      if (!open || !approval || approval.phase !== 'Pending') return state;
      if (approval.approvals.some((a) => a.approvedBy === event.data.approvedBy)) return state;
      const approvals = [
        ...approval.approvals,
        {
          approvedBy: event.data.approvedBy,
          ...(event.data.reason ? { reason: event.data.reason } : {}),
          approvedAt: at,
        },
      ];
      const approved = approvals.length >= approval.requiredApprovals;
      return withApproval(state, open, {
        ...approval,
        approvals,
        ...(approved ? { phase: 'Approved', decidedAt: at } : {}),
      });
    }
    case 'SyncRejected':
    case 'SyncApprovalExpired': {
      const open = state.openOperation;
      const approval = open?.operationId === event.data.operationId ? open.approval : undefined;
      if (!open || !approval || approval.phase !== 'Pending') return state;
      const decided: OperationApproval =
        event.type === 'SyncRejected'
          ? {
              ...approval,
              phase: 'Rejected',
              rejectedBy: event.data.rejectedBy,
              reason: event.data.reason,
              decidedAt: at,
            }
          : { ...approval, phase: 'Expired', decidedAt: at };
      // Nothing ran: the operation fails with the decision as its message, like a sync that could not start.
      return finish(
        { ...state, openOperation: { ...open, approval: decided } },
        open.operationId,
        'Failed',
        'Failed',
        approvalMessage(decided),
        at,
        { finishedAt: at },
      );
    }
    case 'PruneConfirmed': {
      const open = state.openOperation;
      if (!open || open.operationId !== event.data.operationId) return state;
      return { ...state, openOperation: { ...open, pruneConfirmed: { at, by: recorded.metadata.actor } } };
    }
    case 'AutoRollbackTriggered': {
      const latest = state.deployments[state.deployments.length - 1];
      return {
        ...state,
        deployments: latest ? [...state.deployments.slice(0, -1), { ...latest, rolledBack: true }] : [],
        rolledBackRevisions: state.rolledBackRevisions.includes(event.data.failedRevision)
          ? state.rolledBackRevisions
          : [...state.rolledBackRevisions, event.data.failedRevision],
      };
    }
    // A person changed a live object (an action, a patch, a deletion): the cluster changed, not the app's
    // spec or status; the next refresh sees the object as it now is.
    case 'ResourceActionRun':
    case 'LiveResourcePatched':
    case 'LiveResourceDeleted':
      return state;
    default:
      return state;
  }
}

/**
 * The operation is over: it becomes Argo CD's finished `status.operationState`, and a real (not dry-run)
 * success adds a history entry and a deployment, both trimmed to the app's revisionHistoryLimit.
 */
function finish(
  state: ApplicationState,
  operationId: string,
  outcome: OperationOutcome,
  phase: OperationState['phase'],
  message: string,
  at: string,
  times: { revision?: string; startedAt?: string; finishedAt: string },
): ApplicationState {
  const open = state.openOperation?.operationId === operationId ? state.openOperation : undefined;
  const previous = state.status.operationState;
  const operation =
    (previous?.operation.operationId === operationId ? previous.operation : undefined) ??
    (state.operation?.operationId === operationId ? state.operation : undefined);
  const revision = times.revision || open?.revision || operation?.sync.revision || undefined;
  const dryRun = open?.request.dryRun ?? operation?.sync.dryRun ?? false;
  let status: ApplicationStatus = state.status;
  if (operation) {
    const startedAt =
      times.startedAt ?? (previous?.operation.operationId === operationId ? previous.startedAt : undefined);
    const operationState: OperationState = {
      operation,
      phase,
      message,
      startedAt: startedAt ?? times.finishedAt,
      finishedAt: times.finishedAt,
      ...(previous?.operation.operationId === operationId && previous.retryCount !== undefined
        ? { retryCount: previous.retryCount }
        : {}),
      syncResult: revision ? revisionFields(state, revision) : {},
      ...(open?.approval ? { approval: finishedApproval(open.approval, at) } : {}),
    };
    status = { ...status, operationState };
    if (outcome === 'Succeeded' && !dryRun && revision) {
      status = { ...status, history: withHistoryEntry(state, status.history, operationState, revision, at) };
    }
  }
  const limit = historyLimitOf(state.manifest);
  const deployments: Deployment[] =
    outcome === 'Succeeded' && !dryRun && revision && open
      ? [
          ...state.deployments,
          {
            operationId,
            revision,
            trigger: operation?.trigger ?? open.request.trigger ?? 'manual',
            deployedAt: at,
            wasHealthy: false,
            rolledBack: false,
          },
        ].slice(-limit)
      : state.deployments;
  const finished: FinishedOperation = {
    operationId,
    outcome,
    ...(revision ? { revision } : {}),
    finishedAt: at,
    dryRun,
  };
  return withCommits(
    {
      ...state,
      operation: state.operation?.operationId === operationId ? null : state.operation,
      openOperation: open ? null : state.openOperation,
      finishedOperations: [...state.finishedOperations, finished].slice(-FINISHED_OPERATIONS_KEPT),
      lastFinishedSync: dryRun ? state.lastFinishedSync : finished,
      deployments,
      status,
    },
    {},
  );
}

/** A gated operation that ends while its approval is still pending was terminated before anyone decided. */
function finishedApproval(approval: OperationApproval, at: string): OperationApproval {
  return approval.phase === 'Pending' ? { ...approval, phase: 'Terminated', decidedAt: at } : approval;
}

/**
 * The open operation with `approval`, and Argo CD's `status.operationState` saying so: a gated sync shows as
 * Running (Argo CD's UI: "Syncing") with "waiting for approval: k of n" from its request on, so people see
 * why nothing happens. Argo CD's phases have no "pending"; Berth does the same for a sync window's wait.
 */
function withApproval(
  state: ApplicationState,
  open: OpenOperation,
  approval: OperationApproval,
): ApplicationState {
  const message = approvalMessage(approval);
  const current = state.status.operationState;
  let operationState: OperationState | undefined;
  if (current?.operation.operationId === open.operationId) {
    operationState = { ...current, message, approval };
  } else if (state.operation?.operationId === open.operationId) {
    operationState = {
      operation: state.operation,
      phase: 'Running',
      message,
      startedAt: open.requestedAt,
      approval,
    };
  }
  return {
    ...state,
    openOperation: { ...open, approval },
    status: operationState ? { ...state.status, operationState } : state.status,
  };
}

function withHistoryEntry(
  state: ApplicationState,
  history: readonly RevisionHistory[],
  operationState: OperationState,
  revision: string,
  at: string,
): RevisionHistory[] {
  const spec = state.manifest?.spec ?? {};
  const id = history.length === 0 ? 0 : Math.max(...history.map((h) => h.id)) + 1;
  const entry: RevisionHistory = {
    id,
    revision,
    deployedAt: at,
    deployStartedAt: operationState.startedAt,
    initiatedBy: operationState.operation.initiatedBy,
    trigger: operationState.operation.trigger,
    ...(spec['sources'] !== undefined
      ? { sources: spec['sources'] as unknown[] }
      : spec['source'] !== undefined
        ? { source: spec['source'] }
        : {}),
  };
  return [...history, entry].slice(-historyLimitOf(state.manifest));
}

/** Multi-source apps report `revisions` (Argo CD leaves `revision` empty for them). */
function revisionFields(
  state: ApplicationState,
  revision: string,
): Pick<SyncStatus, 'revision' | 'revisions'> {
  return isMultiSource(state.manifest) ? { revisions: [revision] } : { revision };
}

function isMultiSource(manifest: ApplicationManifest | null): boolean {
  return Array.isArray(manifest?.spec['sources']);
}

function markLatestHealthy(deployments: readonly Deployment[]): Deployment[] {
  const latest = deployments[deployments.length - 1];
  if (!latest || latest.wasHealthy) return deployments as Deployment[];
  return [...deployments.slice(0, -1), { ...latest, wasHealthy: true }];
}

/** gitops-engine's operation message while tasks run (after a wait is over). */
const RUNNING_MESSAGE = 'one or more tasks are running';

/** `status.operationState.message` of the running operation `operationId`, when it is the one shown. */
function withRunningMessage(
  state: ApplicationState,
  operationId: string,
  message: string,
): ApplicationStatus {
  const running = state.status.operationState;
  if (!running || running.phase !== 'Running' || running.operation.operationId !== operationId)
    return state.status;
  return { ...state.status, operationState: { ...running, message } };
}

function withInventory(inventory: readonly string[], synced: ResourceSynced['data']): string[] {
  // Hooks are never inventory. Events written before `hook` was recorded: only Sync-phase results counted.
  const hook = synced.hook ?? synced.phase !== 'Sync';
  if (hook || synced.message === CREATE_NAMESPACE_REASON) return inventory as string[];
  const key = keyOf(synced.resource);
  if (synced.result === 'pruned') return inventory.filter((k) => k !== key);
  if (APPLIED_RESULTS.has(synced.result) && !inventory.includes(key)) return [...inventory, key].sort();
  return inventory as string[];
}

/** Commit metadata for the revisions the state still mentions, newest kept when over the bound. */
function withCommits(state: ApplicationState, added: ApplicationState['commits']): ApplicationState {
  if (Object.keys(added).length === 0 && Object.keys(state.commits).length <= COMMITS_KEPT) return state;
  const wanted = new Set<string>([
    ...(state.status.sync.revision ? [state.status.sync.revision] : []),
    ...(state.status.sync.revisions ?? []),
    ...state.status.history.map((h) => h.revision),
    ...(state.openOperation?.revision ? [state.openOperation.revision] : []),
  ]);
  const merged = { ...state.commits, ...added };
  const kept = Object.entries(merged).filter(([revision]) => wanted.has(revision) || revision in added);
  return { ...state, commits: Object.fromEntries(kept.slice(-COMMITS_KEPT)) };
}

function withoutMessage<H extends { message?: string }>(health: H): Omit<H, 'message'> {
  const { message: _message, ...rest } = health;
  return rest;
}

export function keyOf(r: ResourceIdentity): string {
  return `${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

type ResourceMap = Map<string, ResourceStatus>;

function byKey(resources: readonly ResourceStatus[]): ResourceMap {
  return new Map(resources.map((r) => [keyOf(r), r]));
}

function identity(r: ResourceIdentity): ResourceStatus {
  return {
    group: r.group,
    kind: r.kind,
    ...(r.namespace ? { namespace: r.namespace } : {}),
    name: r.name,
    status: 'Synced',
  };
}

/** The sync half of `status.resources` from a SyncStatusChanged; health already known is kept. */
function withSyncOf(
  resources: readonly ResourceStatus[],
  outOfSync: ReadonlyArray<
    ResourceIdentity & { status: ResourceStatus['status']; requiresPruning?: boolean }
  >,
): ResourceStatus[] {
  const map = byKey(resources);
  for (const [key, r] of map) {
    const { requiresPruning: _p, ...rest } = r;
    map.set(key, { ...rest, status: 'Synced' });
  }
  for (const o of outOfSync) {
    const key = keyOf(o);
    map.set(key, {
      ...(map.get(key) ?? identity(o)),
      status: o.status,
      ...(o.requiresPruning ? { requiresPruning: true } : {}),
    });
  }
  return settled(map);
}

/** The health half of `status.resources` from a HealthStatusChanged; sync status already known is kept. */
function withHealthOf(
  resources: readonly ResourceStatus[],
  unhealthy: ReadonlyArray<ResourceIdentity & { status: HealthStatusCode; message?: string }>,
): ResourceStatus[] {
  const map = byKey(resources);
  for (const [key, r] of map) {
    const { health: _h, ...rest } = r;
    map.set(key, rest);
  }
  for (const u of unhealthy) {
    const key = keyOf(u);
    map.set(key, {
      ...(map.get(key) ?? identity(u)),
      health: { status: u.status, ...(u.message ? { message: u.message } : {}) },
    });
  }
  return settled(map);
}

/** A comparison's full list (Argo CD's status.resources), as recorded: every resource, by key. */
function inKeyOrder(resources: readonly ResourceStatus[]): ResourceStatus[] {
  return [...resources].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** Events recorded before the full list: drops resources with nothing to report (Synced and no known problem), in a stable order. */
function settled(map: ResourceMap): ResourceStatus[] {
  return [...map.entries()]
    .filter(([, r]) => r.status !== 'Synced' || r.health !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
}
