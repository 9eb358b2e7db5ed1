import { describe, expect, it } from '@jest/globals';
import {
  decideApplication,
  decideOperationStep,
  decideRefreshOutcome,
  type ApplicationCommand,
} from '../application/application.decide';
import type { AppComparison } from '../diff/compare-app';
import { DomainError } from '../errors/domain-error';
import type { ApplicationEvent } from '../events/application.events';
import type { SyncApprovalRequirement } from '../project/sync-approvals';
import { manifestOf, StreamBuilder } from '../rollback/stream-builder.testing';
import { awaitsApproval } from './operation-approval';

// given a stream, when a person (or a refresh) acts at a fixed time, then: the events, and what people see.
const H = 3_600_000;
const TWO_OF_24H: SyncApprovalRequirement = { requiredApprovals: 2, expiresAfterMs: 24 * H, policies: [0] };
/** StreamBuilder's clock starts here; the request is decided at this time. */
const REQUESTED_AT = new Date('2026-01-01T00:00:00Z');
const EXPIRES_AT = '2026-01-02T00:00:00.000Z';

/** Decides `command` on the stream's state and appends what it records (one event per second). */
function when(stream: StreamBuilder, command: ApplicationCommand): ApplicationEvent[] {
  const events = decideApplication(command, stream.state());
  for (const event of events) stream.add(event);
  return events;
}

const at = (iso: string) => new Date(iso);
const approve = (
  approvedBy: string,
  now = at('2026-01-01T01:00:00Z'),
  reason?: string,
): ApplicationCommand => ({
  type: 'ApproveSync',
  approvedBy,
  ...(reason ? { reason } : {}),
  now,
});

/** An app whose sync (operation op-1, by alice) waits for 2 approvals. */
function waiting(requirement = TWO_OF_24H): StreamBuilder {
  const stream = new StreamBuilder('api').created();
  when(stream, {
    type: 'RequestSync',
    operationId: 'op-1',
    revision: 'abc',
    prune: false,
    dryRun: false,
    initiatedBy: { username: 'alice', automated: false },
    trigger: 'manual',
    approval: { requirement, now: REQUESTED_AT },
  });
  return stream;
}

function refused(stream: StreamBuilder, command: ApplicationCommand): DomainError {
  try {
    decideApplication(command, stream.state());
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the command was not refused');
}

describe('a gated sync waits for its approvals', () => {
  it('is recorded with its approval request: who asked, how many approvals, until when', () => {
    const stream = new StreamBuilder('api').created();
    const events = when(stream, {
      type: 'RequestSync',
      operationId: 'op-1',
      prune: false,
      dryRun: false,
      initiatedBy: { username: 'alice', automated: false },
      trigger: 'manual',
      approval: { requirement: TWO_OF_24H, now: REQUESTED_AT },
    });
    expect(events.map((e) => e.type)).toEqual(['SyncRequested', 'SyncApprovalRequested']);
    expect(events[1]!.data).toEqual({
      application: 'api',
      operationId: 'op-1',
      project: 'default',
      requestedBy: 'alice',
      requiredApprovals: 2,
      expiresAt: EXPIRES_AT,
      policies: [0],
    });
  });

  it("shows as Argo CD's Running operation saying what it waits for; the worker leaves it alone", () => {
    const state = waiting().state();
    expect(awaitsApproval(state.openOperation)).toBe(true);
    expect(state.status.operationState).toMatchObject({
      phase: 'Running',
      message: `waiting for approval: 0 of 2 (requested by alice, expires ${EXPIRES_AT})`,
      operation: { operationId: 'op-1', initiatedBy: { username: 'alice' } },
      approval: { phase: 'Pending', requiredApprovals: 2, requestedBy: 'alice', approvals: [] },
    });
    // Argo CD's `operation` (requested, not started) stays until a worker starts it.
    expect(state.operation?.operationId).toBe('op-1');
  });

  it('a dry run never waits: it changes nothing', () => {
    const stream = new StreamBuilder('api').created();
    const events = when(stream, {
      type: 'RequestSync',
      operationId: 'op-1',
      prune: false,
      dryRun: true,
      initiatedBy: { username: 'alice', automated: false },
      approval: { requirement: TWO_OF_24H, now: REQUESTED_AT },
    });
    expect(events.map((e) => e.type)).toEqual(['SyncRequested']);
  });

  it('a rollback waits too', () => {
    const stream = new StreamBuilder('api').created().deploy('op-0', 'old', { trigger: 'manual' });
    const events = when(stream, {
      type: 'RequestRollback',
      operationId: 'op-1',
      historyId: 0,
      prune: false,
      dryRun: false,
      initiatedBy: { username: 'alice', automated: false },
      approval: { requirement: TWO_OF_24H, now: REQUESTED_AT },
    });
    expect(events.map((e) => e.type)).toEqual(['SyncRequested', 'SyncApprovalRequested']);
  });

  it('another sync while one waits is refused, saying it waits for approval', () => {
    const error = refused(waiting(), {
      type: 'RequestSync',
      operationId: 'op-2',
      prune: false,
      dryRun: false,
      initiatedBy: { username: 'bob', automated: false },
    });
    expect(error.code).toBe('OperationInProgress');
    expect(error.message).toMatch(/already waits for approval \(0 of 2\); approve or reject it/);
  });
});

describe('approvals: distinct people holding the right, never the requester', () => {
  it('the requester cannot approve their own sync (403)', () => {
    const error = refused(waiting(), approve('alice'));
    expect(error.code).toBe('Forbidden');
    expect(error.message).toBe(
      'alice requested operation op-1 of "api" and cannot approve it: 2 other people holding the approve right must',
    );
  });

  it('counts each approver once, with their reason, and is approved at N', () => {
    const stream = waiting();
    const first = when(stream, approve('bob', undefined, 'change reviewed'));
    expect(first).toEqual([
      {
        type: 'SyncApproved',
        schemaVersion: 1,
        data: {
          application: 'api',
          operationId: 'op-1',
          approvedBy: 'bob',
          reason: 'change reviewed',
          approvals: 1,
          requiredApprovals: 2,
        },
      },
    ]);
    expect(stream.state().status.operationState?.message).toBe(
      `waiting for approval: 1 of 2 (approved by bob; requested by alice, expires ${EXPIRES_AT})`,
    );
    const twice = refused(stream, approve('bob'));
    expect(twice.code).toBe('Conflict');
    expect(twice.message).toMatch(/^bob already approved operation op-1 of "api" \(1 of 2\)/);

    when(stream, approve('carol'));
    const state = stream.state();
    expect(awaitsApproval(state.openOperation)).toBe(false);
    expect(state.status.operationState).toMatchObject({
      phase: 'Running',
      message: 'approved by bob, carol (2 of 2): the sync starts',
      approval: {
        phase: 'Approved',
        approvals: [{ approvedBy: 'bob', reason: 'change reviewed' }, { approvedBy: 'carol' }],
      },
    });
    const late = refused(stream, approve('dave'));
    expect(late.code).toBe('Conflict');
    expect(late.message).toMatch(/is already approved \(bob, carol\); it runs$/);
  });

  it('once approved it runs as any sync, and the finished operation still says who approved it', () => {
    const stream = waiting({ ...TWO_OF_24H, requiredApprovals: 1 });
    when(stream, approve('bob'));
    const step = (s: Parameters<typeof decideOperationStep>[2]) => {
      for (const event of decideOperationStep(stream.state(), 'op-1', s)) stream.add(event);
    };
    step({
      type: 'Start',
      started: { revision: 'abc', planId: 'p', attempt: 1, dryRun: false, taskCount: 0 },
    });
    expect(stream.state().status.operationState).toMatchObject({ phase: 'Running', message: '' });
    step({ type: 'Succeed', revision: 'abc', message: 'ok', startedAt: '', finishedAt: '' });
    const state = stream.state();
    expect(state.status.operationState).toMatchObject({
      phase: 'Succeeded',
      approval: { phase: 'Approved', approvals: [{ approvedBy: 'bob' }] },
    });
    expect(state.status.history).toHaveLength(1);
  });

  it('nothing to approve: no operation, an operation that needs none, another operation', () => {
    const idle = new StreamBuilder('api').created();
    expect(refused(idle, approve('bob')).message).toBe(
      'application "api" has no operation waiting for approval',
    );
    const ungated = new StreamBuilder('api').created();
    when(ungated, {
      type: 'RequestSync',
      operationId: 'op-1',
      prune: false,
      dryRun: false,
      initiatedBy: { username: 'alice', automated: false },
    });
    expect(refused(ungated, approve('bob')).message).toMatch(/does not wait for approval/);
    const other = refused(waiting(), { ...approve('bob'), operationId: 'op-0' } as ApplicationCommand);
    expect(other.code).toBe('Conflict');
    expect(other.message).toMatch(/^operation op-0 of "api" is not the one waiting for approval \(op-1\)/);
    expect(refused(new StreamBuilder('api'), approve('bob')).code).toBe('NotFound');
  });
});

describe('a rejection or the time limit ends the operation without running it', () => {
  it('a rejection fails the operation with the reason; auto-sync does not retry that revision', () => {
    const stream = waiting();
    when(stream, approve('bob'));
    const events = when(stream, {
      type: 'RejectSync',
      rejectedBy: 'carol',
      reason: 'not during the sale',
      now: at('2026-01-01T02:00:00Z'),
    });
    expect(events.map((e) => e.type)).toEqual(['SyncRejected']);
    const state = stream.state();
    expect(state.openOperation).toBeNull();
    expect(state.operation).toBeNull();
    expect(state.status.operationState).toMatchObject({
      phase: 'Failed',
      message: 'sync rejected by carol: not during the sale',
      approval: { phase: 'Rejected', rejectedBy: 'carol', reason: 'not during the sale' },
    });
    expect(state.lastFinishedSync).toMatchObject({ operationId: 'op-1', outcome: 'Failed', revision: 'abc' });
    expect(state.status.history).toEqual([]);
  });

  it('the requester may reject (withdraw) their own request', () => {
    const stream = waiting();
    expect(
      when(stream, { type: 'RejectSync', rejectedBy: 'alice', reason: 'wrong revision', now: REQUESTED_AT }),
    ).toHaveLength(1);
  });

  it('an answer after the time limit records the expiry instead', () => {
    const stream = waiting();
    when(stream, approve('bob'));
    const events = when(stream, approve('carol', at(EXPIRES_AT)));
    expect(events).toEqual([
      {
        type: 'SyncApprovalExpired',
        schemaVersion: 1,
        data: {
          application: 'api',
          operationId: 'op-1',
          expiresAt: EXPIRES_AT,
          approvedBy: ['bob'],
          requiredApprovals: 2,
        },
      },
    ]);
    expect(stream.state().status.operationState).toMatchObject({
      phase: 'Failed',
      message: `sync approval expired at ${EXPIRES_AT}: 1 of 2 approvals (bob)`,
      approval: { phase: 'Expired' },
    });
  });

  it('terminating a waiting sync ends it; its approval says so', () => {
    const stream = waiting();
    when(stream, { type: 'TerminateOperation' });
    expect(awaitsApproval(stream.state().openOperation)).toBe(false);
    expect(refused(stream, approve('bob')).message).toMatch(/is being terminated/);
    for (const event of decideOperationStep(stream.state(), 'op-1', {
      type: 'Terminate',
      message: 'Operation terminated',
      finishedAt: '2026-01-01T00:00:05Z',
    }))
      stream.add(event);
    expect(stream.state().status.operationState).toMatchObject({
      phase: 'Failed',
      message: 'Operation terminated',
      approval: { phase: 'Terminated' },
    });
  });
});

describe('automated syncs of a gated app (decideRefreshOutcome)', () => {
  const REVISION = 'c0ffee'.padEnd(40, '0');
  const outOfSync: AppComparison = {
    status: 'OutOfSync',
    resources: [{ key: '/ConfigMap/web/web', status: 'OutOfSync' }],
    outOfSyncCount: 1,
  };
  function automated(): StreamBuilder {
    const manifest = manifestOf('web');
    manifest.spec['syncPolicy'] = { automated: { prune: true } };
    return new StreamBuilder('web').created(manifest);
  }
  const refresh = (stream: StreamBuilder, now: string, syncApproval?: SyncApprovalRequirement) =>
    decideRefreshOutcome(stream.state(), {
      outcome: { kind: 'compared', revision: REVISION, targetRevision: 'main', comparison: outOfSync },
      now: at(now),
      newOperationId: 'auto-1',
      ...(syncApproval ? { syncApproval } : {}),
    });

  it('auto-sync requests the sync and waits: system:auto-sync is the requester; expiry is scheduled', () => {
    const decision = refresh(automated(), '2026-01-01T00:00:10Z', TWO_OF_24H);
    const requested = decision.events.filter(
      (e) => e.type === 'SyncRequested' || e.type === 'SyncApprovalRequested',
    );
    expect(requested.map((e) => e.type)).toEqual(['SyncRequested', 'SyncApprovalRequested']);
    expect(requested[1]!.data).toMatchObject({ requestedBy: 'system:auto-sync', operationId: 'auto-1' });
    expect(decision.started).toMatchObject({ operationId: 'auto-1', actor: 'system:auto-sync' });
    expect(decision.compareAgain).toEqual([
      {
        reason: 'approval-expiry',
        delayMs: 24 * H,
        operationId: 'auto-1',
        at: '2026-01-02T00:00:10.000Z',
      },
    ]);
  });

  it('while it waits, a refresh stacks no second request', () => {
    const stream = automated();
    for (const event of refresh(stream, '2026-01-01T00:00:10Z', TWO_OF_24H).events) stream.add(event);
    const again = refresh(stream, '2026-01-01T06:00:00Z', TWO_OF_24H);
    expect(again.events.map((e) => e.type)).toEqual([]);
    expect(again.started).toBeUndefined();
    expect(again.compareAgain).toEqual([
      expect.objectContaining({ reason: 'approval-expiry', operationId: 'auto-1', delayMs: 18 * H + 10_000 }),
    ]);
  });

  it('the refresh at the time limit records the expiry, and auto-sync does not ask for that revision again', () => {
    const stream = automated();
    for (const event of refresh(stream, '2026-01-01T00:00:10Z', TWO_OF_24H).events) stream.add(event);
    const expired = refresh(stream, '2026-01-02T00:00:10Z', TWO_OF_24H);
    expect(expired.events.map((e) => e.type)).toEqual(['SyncApprovalExpired']);
    expect(expired.started).toBeUndefined();
    expect(expired.compareAgain).toEqual([]);
  });

  it('a project that gates nothing: auto-sync starts at once', () => {
    const decision = refresh(automated(), '2026-01-01T00:00:10Z');
    expect(decision.events.map((e) => e.type)).not.toContain('SyncApprovalRequested');
    expect(decision.compareAgain).toEqual([]);
  });
});
