import {
  approvalRequestedEvents,
  decideSyncApproval,
  expiredApprovalEvents,
  pendingApprovalExpiry,
  type SyncApprovalCommand,
  type SyncApprovalGate,
} from '../approval/sync-approval.decide';
import { DomainError } from '../errors/domain-error';
import type { SyncApprovalRequirement } from '../project/sync-approvals';
import {
  applicationEvent,
  type ApplicationEvent,
  type ApplicationManifest,
  type LiveResourceDeleted,
  type LiveResourcePatched,
  type ResourceActionRun,
  type SyncRefused,
  type SyncRequested,
} from '../events/application.events';
import type {
  ApplicationResourcesDeleted,
  ResourceSynced,
  SyncOperationFailed,
  SyncOperationStarted,
  SyncOperationWaiting,
} from '../events/reconcile.events';
import { decideAutoSync } from '../reconcile/auto-sync.decision';
import {
  autoSyncBlockedEvents,
  gateAutomatedSync,
  type AppSyncWindows,
} from '../reconcile/auto-sync-window.gate';
import { appHealthOf, decideRefresh, type RefreshOutcome } from '../reconcile/refresh.decision';
import { decideAutoRollback } from '../rollback/auto-rollback.decision';
import { autoRollbackPolicyOf } from '../rollback/auto-rollback.policy';
import type { Application } from './application.types';
import { evolveApplication, keyOf } from './application.evolve';
import type { ApplicationState, OpenOperation } from './application.state';

/** What people (through the API) ask of an application. */
export type ApplicationCommand =
  | { type: 'CreateApplication'; manifest: ApplicationManifest; /** Argo CD's upsert. */ upsert?: boolean }
  | {
      type: 'UpdateApplication';
      manifest: ApplicationManifest;
      /**
       * The `metadata.generation` the change was computed from (PATCH): a stream that moved on since is a
       * Conflict, so two concurrent patches cannot lose one another's change.
       */
      basedOnGeneration?: number;
    }
  | { type: 'DeleteApplication'; cascade: boolean }
  | { type: 'RequestRefresh'; hard: boolean }
  | ({
      type: 'RequestSync';
      /** The project gates the app (spec.syncApprovals): the sync waits for approval. */
      approval?: SyncApprovalGate;
    } & Omit<SyncRequested['data'], 'application'>)
  | {
      type: 'RequestRollback';
      approval?: SyncApprovalGate;
      operationId: string;
      /** The history entry to re-deploy (`status.history[].id`). */
      historyId: number;
      /** Partial rollback (only some kinds): the resources to re-deploy at that revision. */
      resources?: SyncRequested['data']['resources'];
      prune: boolean;
      dryRun: boolean;
      initiatedBy: SyncRequested['data']['initiatedBy'];
    }
  | { type: 'TerminateOperation' }
  /** A sync or rollback a person asked for, refused (a sync window forbids it): recorded for the audit log. */
  | { type: 'RefuseSync'; refused: Omit<SyncRefused['data'], 'application'> }
  /** Argo CD's "Confirm Pruning": the open operation may prune the resources marked Prune=confirm. */
  | { type: 'ConfirmPrune' }
  /** A person approves or rejects the sync waiting for approval (docs/approvals.md). */
  | SyncApprovalCommand
  /**
   * A person changed a live object of the app through the API (a resource action, a patch, a deletion):
   * the cluster took it, and the app's stream records who and what (docs/resource-actions.md).
   */
  | { type: 'RecordResourceAction'; run: Omit<ResourceActionRun['data'], 'application'> }
  | { type: 'RecordResourcePatch'; patch: Omit<LiveResourcePatched['data'], 'application'> }
  | { type: 'RecordResourceDeletion'; deletion: Omit<LiveResourceDeleted['data'], 'application'> };

/**
 * Command + state -> the events to record, or a DomainError saying why not. An empty list means nothing
 * changed (an update with the same spec records nothing).
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
        applicationEvent('ApplicationCreated', {
          application: state.name,
          project: projectOf(command.manifest),
          manifest: command.manifest,
        }),
      ];
    }
    case 'UpdateApplication': {
      requireExists(state);
      if (command.basedOnGeneration !== undefined && command.basedOnGeneration !== state.streamVersion)
        throw new DomainError(
          'Conflict',
          `application "${state.name}" changed while this change was being made (read at generation ${command.basedOnGeneration}, now ${state.streamVersion}); read it again and retry`,
        );
      const changedPaths = changedTopLevelPaths(state.manifest, command.manifest);
      if (changedPaths.length === 0) return [];
      return [
        applicationEvent('ApplicationSpecChanged', {
          application: state.name,
          project: projectOf(command.manifest),
          manifest: command.manifest,
          changedPaths,
        }),
        ...deletionApprovedBy(state, command.manifest),
      ];
    }
    case 'DeleteApplication':
      requireExists(state);
      return [applicationEvent('ApplicationDeleted', { application: state.name, cascade: command.cascade })];
    case 'RequestRefresh':
      requireExists(state);
      return [applicationEvent('RefreshRequested', { application: state.name, hard: command.hard })];
    case 'RequestSync': {
      requireExists(state);
      requireNoOperation(state);
      const { type: _type, approval, ...data } = command;
      const request: SyncRequested['data'] = { application: state.name, ...data };
      return [
        applicationEvent<SyncRequested>('SyncRequested', request),
        ...approvalRequestedEvents(state, request, requesterOf(request), approval),
      ];
    }
    case 'RequestRollback': {
      requireExists(state);
      const automated = (
        state.manifest?.spec['syncPolicy'] as { automated?: { enabled?: boolean } | null } | undefined
      )?.automated;
      if (automated !== undefined && automated !== null && automated.enabled !== false) {
        // Argo CD refuses too: auto-sync would immediately sync back to the target revision.
        throw new DomainError(
          'Invalid',
          `rollback of "${state.name}" is not allowed while auto-sync is enabled: it would sync straight back to the target revision; remove spec.syncPolicy.automated first`,
        );
      }
      const entry = state.status.history.find((h) => h.id === command.historyId);
      if (!entry) {
        throw new DomainError(
          'NotFound',
          `application "${state.name}" has no history entry ${command.historyId}; list them with GET /api/v1/applications/${state.name}/history`,
        );
      }
      requireNoOperation(state);
      const request: SyncRequested['data'] = {
        application: state.name,
        operationId: command.operationId,
        revision: entry.revision,
        ...(command.resources ? { resources: command.resources } : {}),
        prune: command.prune,
        dryRun: command.dryRun,
        initiatedBy: command.initiatedBy,
        trigger: 'rollback',
        rollbackOf: entry.id,
      };
      return [
        applicationEvent<SyncRequested>('SyncRequested', request),
        ...approvalRequestedEvents(state, request, requesterOf(request), command.approval),
      ];
    }
    case 'ConfirmPrune': {
      requireExists(state);
      const open = state.openOperation;
      if (!open) {
        throw new DomainError(
          'Invalid',
          `application "${state.name}" has no operation in progress whose pruning could be confirmed`,
        );
      }
      // Confirming twice changes nothing.
      if (open.pruneConfirmed) return [];
      return [
        applicationEvent('PruneConfirmed', {
          application: state.name,
          operationId: open.operationId,
          via: 'api',
        }),
      ];
    }
    case 'ApproveSync':
    case 'RejectSync':
      return decideSyncApproval(command, state);
    case 'RefuseSync':
      requireExists(state);
      return [applicationEvent<SyncRefused>('SyncRefused', { application: state.name, ...command.refused })];
    case 'RecordResourceAction':
      requireExists(state);
      return [
        applicationEvent<ResourceActionRun>('ResourceActionRun', { application: state.name, ...command.run }),
      ];
    case 'RecordResourcePatch':
      requireExists(state);
      return [
        applicationEvent<LiveResourcePatched>('LiveResourcePatched', {
          application: state.name,
          ...command.patch,
        }),
      ];
    case 'RecordResourceDeletion':
      requireExists(state);
      return [
        applicationEvent<LiveResourceDeleted>('LiveResourceDeleted', {
          application: state.name,
          ...command.deletion,
        }),
      ];
    case 'TerminateOperation':
      requireExists(state);
      if (!state.openOperation) {
        throw new DomainError(
          'Invalid',
          `application "${state.name}" has no operation in progress to terminate`,
        );
      }
      return [
        applicationEvent('TerminateRequested', {
          application: state.name,
          operationId: state.openOperation.operationId,
        }),
      ];
  }
}

/** What one refresh job found and what it may start, for `decideRefreshOutcome`. */
export interface RefreshFindings {
  outcome: RefreshOutcome;
  now: Date;
  /** The id an operation started by this refresh (auto-sync, auto-rollback) gets. */
  newOperationId: string;
  /** Self-heal backoff per attempt; default Argo CD's. */
  selfHealBackoff?: (attempt: number) => number;
  /**
   * The sync windows of the app's project: an automated sync (or auto-rollback) they forbid now is not
   * started; the app carries the AutoSyncBlocked condition until it is. Absent = no windows.
   */
  syncWindows?: AppSyncWindows;
  /**
   * What the app's project asks of its syncs (spec.syncApprovals): an automated sync (or auto-rollback) it
   * starts waits for approval. Absent = no approval needed.
   */
  syncApproval?: SyncApprovalRequirement;
}

export type CompareAgain =
  | { reason: 'self-heal'; delayMs: number }
  /** A sync window opens or closes then: an automated sync it held back may start. `at` names the job. */
  | { reason: 'sync-window'; delayMs: number; at: string }
  /** One per deployment: `deploymentId` is the operation that deployed it. */
  | { reason: 'auto-rollback-deadline'; delayMs: number; deploymentId: string }
  /** The pending approval of operation `operationId` expires then (`at`): record its expiry. */
  | { reason: 'approval-expiry'; delayMs: number; operationId: string; at: string };

export interface RefreshDecision {
  /** Recorded together, in one append. */
  events: ApplicationEvent[];
  /**
   * The operation these events request (enqueue its sync once they are recorded), with who started it and
   * why: the metadata of the events that request it.
   */
  started?: {
    operationId: string;
    trigger: 'auto-sync' | 'self-heal' | 'auto-rollback';
    actor: 'system:auto-sync' | 'system:auto-rollback';
    reason: string;
  };
  /** Compare again then, even if nothing asks: self-heal backoff, the latest deployment's health deadline. */
  compareAgain: CompareAgain[];
}

/**
 * One refresh, one decision: a gated sync whose approvals did not come in time expires first; then the
 * transitions the comparison found (revision, sync and health status, conditions), then (on a comparison
 * that worked) auto-rollback when the latest deployment missed its health deadline, else auto-sync by Argo
 * CD's rules, judged on the state *after* the transitions. A sync still waiting for approval afterwards asks
 * to be compared again when it expires.
 */
export function decideRefreshOutcome(state: ApplicationState, findings: RefreshFindings): RefreshDecision {
  const expired = expiredApprovalEvents(state, findings.now);
  const decision = decideOnComparison(foldDecided(state, expired, findings.now), findings);
  const events = [...expired, ...decision.events];
  const expiry = pendingApprovalExpiry(foldDecided(state, events, findings.now));
  if (!expiry) return { ...decision, events };
  return {
    ...decision,
    events,
    compareAgain: [
      ...decision.compareAgain,
      {
        reason: 'approval-expiry',
        delayMs: Math.max(0, expiry.at.getTime() - findings.now.getTime()),
        operationId: expiry.operationId,
        at: expiry.at.toISOString(),
      },
    ],
  };
}

/** The state after `events` a decision is about to record (as the fold will see them). */
function foldDecided(
  state: ApplicationState,
  events: readonly ApplicationEvent[],
  now: Date,
): ApplicationState {
  let after = state;
  events.forEach((event, i) => {
    after = evolveApplication(after, {
      ...event,
      streamVersion: state.streamVersion + i + 1,
      recordedAt: now,
      metadata: { actor: 'system:refresh' },
    });
  });
  return after;
}

function decideOnComparison(state: ApplicationState, findings: RefreshFindings): RefreshDecision {
  const events = decideRefresh(state.name, reconcileSnapshotOf(state), findings.outcome);
  const { outcome } = findings;
  if (outcome.kind !== 'compared' || !state.manifest) return { events, compareAgain: [] };
  const after = foldDecided(state, events, findings.now);
  const app = after.manifest as unknown as Application;
  const approvalGate: SyncApprovalGate | undefined = findings.syncApproval
    ? { requirement: findings.syncApproval, now: findings.now }
    : undefined;
  const health = appHealthOf(outcome.comparison).health;

  const rollback = decideAutoRollback({
    policy: autoRollbackPolicyOf(app),
    deployments: after.deployments,
    history: after.status.history,
    health,
    operationInProgress: after.openOperation !== null,
    now: findings.now,
  });
  /** Either the operation's events (the window lets it start) or the condition saying why it waits. */
  const gated = (what: string, started: ApplicationEvent[], compareAgain: CompareAgain[]) => {
    const gate = gateAutomatedSync(app, findings.syncWindows, findings.now, what);
    if (gate.open)
      return {
        open: true as const,
        events: [...events, ...autoSyncBlockedEvents(after, undefined), ...started],
      };
    const again: CompareAgain[] = gate.changesAt
      ? [
          ...compareAgain,
          {
            reason: 'sync-window',
            delayMs: Math.max(0, gate.changesAt.getTime() - findings.now.getTime()),
            at: gate.changesAt.toISOString(),
          },
        ]
      : compareAgain;
    return {
      open: false as const,
      decision: { events: [...events, ...autoSyncBlockedEvents(after, gate.message)], compareAgain: again },
    };
  };

  if (rollback.kind === 'rollback') {
    const operationId = findings.newOperationId;
    const request: SyncRequested['data'] = {
      application: state.name,
      operationId,
      revision: rollback.rollbackTo,
      // A rollback re-deploys what the old revision had; what only the failed one added stays unless pruning is on.
      prune: app.spec.syncPolicy?.automated?.prune === true,
      dryRun: false,
      ...(app.spec.syncPolicy?.syncOptions ? { syncOptions: app.spec.syncPolicy.syncOptions } : {}),
      initiatedBy: { username: 'system:auto-rollback', automated: true },
      trigger: 'auto-rollback',
      rollbackOf: rollback.historyId,
    };
    const gate = gated(
      `auto-rollback to ${rollback.rollbackTo.slice(0, 7)}`,
      [
        applicationEvent('AutoRollbackTriggered', {
          application: state.name,
          failedRevision: rollback.failedRevision,
          rollbackTo: rollback.rollbackTo,
          historyId: rollback.historyId,
          operationId,
          reason: rollback.reason,
        }),
        applicationEvent<SyncRequested>('SyncRequested', request),
        ...approvalRequestedEvents(after, request, 'system:auto-rollback', approvalGate),
      ],
      [],
    );
    if (!gate.open) return gate.decision;
    return {
      events: gate.events,
      started: {
        operationId,
        trigger: 'auto-rollback',
        actor: 'system:auto-rollback',
        reason: rollback.reason,
      },
      compareAgain: [],
    };
  }
  const compareAgain: CompareAgain[] =
    rollback.kind === 'wait'
      ? [
          {
            reason: 'auto-rollback-deadline',
            delayMs: rollback.delayMs,
            deploymentId: after.deployments[after.deployments.length - 1]?.operationId ?? '',
          },
        ]
      : [];

  const lastSync = after.lastFinishedSync;
  const sync = decideAutoSync({
    automated: app.spec.syncPolicy?.automated,
    revision: outcome.revision,
    comparison: outcome.comparison,
    operationInProgress: after.openOperation !== null,
    lastSync: lastSync
      ? {
          ...(lastSync.revision ? { revision: lastSync.revision } : {}),
          outcome: lastSync.outcome,
          finishedAt: new Date(lastSync.finishedAt),
        }
      : undefined,
    selfHealAttempts: after.selfHealAttempts,
    rolledBackRevisions: after.rolledBackRevisions,
    now: findings.now,
    ...(findings.selfHealBackoff ? { selfHealBackoff: findings.selfHealBackoff } : {}),
  });
  // Nothing to start now: nothing is held back either.
  const settled = [...events, ...autoSyncBlockedEvents(after, undefined)];
  if (sync.kind === 'wait') {
    return {
      events: settled,
      compareAgain: [...compareAgain, { reason: 'self-heal', delayMs: sync.delayMs }],
    };
  }
  if (sync.kind !== 'sync') return { events: settled, compareAgain };
  const operationId = findings.newOperationId;
  const request: SyncRequested['data'] = {
    application: state.name,
    operationId,
    revision: sync.revision,
    prune: sync.prune,
    dryRun: false,
    ...(app.spec.syncPolicy?.syncOptions ? { syncOptions: app.spec.syncPolicy.syncOptions } : {}),
    initiatedBy: { username: 'system:auto-sync', automated: true },
    trigger: sync.trigger,
  };
  const gate = gated(
    `${sync.trigger === 'self-heal' ? 'self-heal' : 'automated'} sync to ${sync.revision.slice(0, 7)}`,
    [
      applicationEvent<SyncRequested>('SyncRequested', request),
      ...approvalRequestedEvents(after, request, 'system:auto-sync', approvalGate),
    ],
    compareAgain,
  );
  if (!gate.open) return gate.decision;
  return {
    events: gate.events,
    started: { operationId, trigger: sync.trigger, actor: 'system:auto-sync', reason: sync.reason },
    compareAgain,
  };
}

/** The refresh decision's view of what the log already says. */
export function reconcileSnapshotOf(state: ApplicationState): Parameters<typeof decideRefresh>[1] {
  return {
    revision: state.status.sync.revision ?? state.status.sync.revisions?.[0] ?? null,
    syncStatus: state.status.sync.status,
    healthStatus: state.status.health.status,
    // Hooks never make an app OutOfSync (decideRefresh leaves them out of its drift too).
    outOfSyncKeys: state.status.resources.filter((r) => !r.hook && r.status !== 'Synced').map(keyOf),
    conditions: state.status.conditions,
    healthDetails: {
      ...(state.status.health.message ? { message: state.status.health.message } : {}),
      resources: Object.fromEntries(state.status.resources.map((r) => [keyOf(r), r.health])),
    },
  };
}

/** A step of a running operation, recorded by the worker that runs it. */
export type OperationStep =
  | { type: 'Start'; started: Omit<SyncOperationStarted['data'], 'application' | 'operationId'> }
  | { type: 'TaskDone'; synced: Omit<ResourceSynced['data'], 'application' | 'operationId'> }
  | { type: 'Wait'; waiting: Omit<SyncOperationWaiting['data'], 'application' | 'operationId'> }
  | { type: 'Succeed'; revision: string; message: string; startedAt: string; finishedAt: string }
  | { type: 'Fail'; failure: Omit<SyncOperationFailed['data'], 'application' | 'operationId'> }
  | { type: 'Terminate'; message: string; finishedAt: string };

/** Thrown when a step would be recorded for an operation someone asked to terminate. */
export class OperationTerminatedError extends DomainError {
  constructor(application: string, operationId: string) {
    super('Conflict', `operation ${operationId} of "${application}" was terminated`, { operationId });
  }
}

/**
 * Records a step of the open operation `operationId`. Refuses a step for an operation that is not the
 * open one (it finished, or another worker took over and finished it) and, except the termination itself,
 * a step after termination was asked for: the worker stops there.
 */
export function decideOperationStep(
  state: ApplicationState,
  operationId: string,
  step: OperationStep,
): ApplicationEvent[] {
  const open: OpenOperation | null = state.openOperation;
  if (!open || open.operationId !== operationId) {
    throw new DomainError(
      'Conflict',
      `operation ${operationId} of "${state.name}" is not in progress (it finished, or the app was deleted)`,
      { operationId },
    );
  }
  if (open.terminateRequested && step.type !== 'Terminate')
    throw new OperationTerminatedError(state.name, operationId);
  const application = state.name;
  switch (step.type) {
    case 'Start':
      return [applicationEvent('SyncOperationStarted', { application, operationId, ...step.started })];
    case 'TaskDone':
      return [applicationEvent('ResourceSynced', { application, operationId, ...step.synced })];
    case 'Wait':
      return [applicationEvent('SyncOperationWaiting', { application, operationId, ...step.waiting })];
    case 'Succeed': {
      const { type: _type, ...data } = step;
      return [applicationEvent('SyncOperationSucceeded', { application, operationId, ...data })];
    }
    case 'Fail':
      return [applicationEvent('SyncOperationFailed', { application, operationId, ...step.failure })];
    case 'Terminate':
      return [
        applicationEvent('SyncOperationTerminated', {
          application,
          operationId,
          message: step.message,
          finishedAt: step.finishedAt,
        }),
      ];
  }
}

/** Records what a cascade deletion did, once, for an app deleted with cascade whose resources are still there. */
export function decideCascadeDeletion(
  state: ApplicationState,
  resources: ApplicationResourcesDeleted['data']['resources'],
): ApplicationEvent[] {
  if (!pendingCascadeOf(state)) return [];
  return [applicationEvent('ApplicationResourcesDeleted', { application: state.name, resources })];
}

/** The resources a cascade deletion must delete, when one is due. */
export function pendingCascadeOf(
  state: ApplicationState,
): { manifest: ApplicationManifest; inventory: string[] } | undefined {
  const deletion = state.deletion;
  if (state.exists || !deletion || !deletion.cascade || deletion.resourcesDeleted || !state.manifest)
    return undefined;
  return { manifest: state.manifest, inventory: state.incarnationInventory };
}

/** Argo CD's confirmation annotation (`argocd app confirm-deletion` writes it on the Application). */
export const DELETION_APPROVED_ANNOTATION = 'argocd.argoproj.io/deletion-approved';

/**
 * An update that sets `argocd.argoproj.io/deletion-approved` to a time not before the open operation was
 * requested confirms its prunes, as Argo CD's Application.IsDeletionConfirmed(operation start) reads it.
 */
function deletionApprovedBy(state: ApplicationState, manifest: ApplicationManifest): ApplicationEvent[] {
  const open = state.openOperation;
  const value = manifest.metadata.annotations?.[DELETION_APPROVED_ANNOTATION];
  if (!open || open.pruneConfirmed || value === undefined) return [];
  if (state.manifest?.metadata.annotations?.[DELETION_APPROVED_ANNOTATION] === value) return [];
  const approvedAt = Date.parse(value);
  // Argo CD compares whole seconds (RFC 3339 without fractions): a time in the request's second counts.
  if (Number.isNaN(approvedAt) || approvedAt < Math.floor(Date.parse(open.requestedAt) / 1000) * 1000)
    return [];
  return [
    applicationEvent('PruneConfirmed', {
      application: state.name,
      operationId: open.operationId,
      via: 'deletion-approved-annotation',
    }),
  ];
}

function requireExists(state: ApplicationState): void {
  if (!state.exists) {
    throw new DomainError(
      'NotFound',
      `application "${state.name}" not found; list them with GET /api/v1/applications`,
    );
  }
}

/** Who asked for a sync: never one of its approvers. Automated syncs name their system actor. */
function requesterOf(request: SyncRequested['data']): string {
  return request.initiatedBy.username ?? (request.initiatedBy.automated ? 'system:auto-sync' : 'anonymous');
}

function requireNoOperation(state: ApplicationState): void {
  const approval = state.openOperation?.approval;
  if (state.openOperation && approval?.phase === 'Pending') {
    throw new DomainError(
      'OperationInProgress',
      `a sync of "${state.name}" (operation ${state.openOperation.operationId}) already waits for approval (${approval.approvals.length} of ${approval.requiredApprovals}); approve or reject it (POST .../operation/approve or .../reject), or terminate it first`,
      { operationId: state.openOperation.operationId },
    );
  }
  if (state.openOperation) {
    throw new DomainError(
      'OperationInProgress',
      `another operation is already in progress on "${state.name}" (operation ${state.openOperation.operationId}); wait for it or terminate it first`,
      { operationId: state.openOperation.operationId },
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
