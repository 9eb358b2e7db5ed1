import { describe, expect, it } from '@jest/globals';
import { decideRefreshOutcome, type RefreshFindings } from '../application/application.decide';
import type { AppComparison } from '../diff/compare-app';
import type { ApplicationEvent } from '../events/application.events';
import type { SyncWindow } from '../project/app-project.types';
import { manifestOf, StreamBuilder } from '../rollback/stream-builder.testing';
import { AUTO_SYNC_BLOCKED_CONDITION } from './auto-sync-window.gate';

// given a stream, when a refresh finds drift at a fixed clock, then: started or held back by the windows.
const REVISION = 'c0ffee'.padEnd(40, '0');
const outOfSync: AppComparison = {
  status: 'OutOfSync',
  resources: [{ key: '/ConfigMap/web/web', status: 'OutOfSync' }],
  outOfSyncCount: 1,
};
const synced: AppComparison = {
  status: 'Synced',
  resources: [{ key: '/ConfigMap/web/web', status: 'Synced' }],
  outOfSyncCount: 0,
};

const nightlyDeny: SyncWindow = {
  kind: 'deny',
  schedule: '0 22 * * *',
  duration: '8h',
  applications: ['web'],
};
const officeAllow: SyncWindow = {
  kind: 'allow',
  schedule: '0 9 * * 1-5',
  duration: '8h',
  timeZone: 'Europe/Berlin',
  namespaces: ['*'],
  manualSync: true,
};

function automatedApp(): StreamBuilder {
  const manifest = manifestOf('web');
  manifest.spec['syncPolicy'] = { automated: { prune: true } };
  return new StreamBuilder('web').created(manifest);
}

function refresh(
  stream: StreamBuilder,
  now: string,
  windows: SyncWindow[],
  comparison: AppComparison = outOfSync,
): ReturnType<typeof decideRefreshOutcome> {
  const findings: RefreshFindings = {
    outcome: { kind: 'compared', revision: REVISION, targetRevision: 'main', comparison },
    now: new Date(now),
    newOperationId: 'op-1',
    syncWindows: { windows },
  };
  return decideRefreshOutcome(stream.state(), findings);
}

const types = (events: ApplicationEvent[]) =>
  events.map((e) =>
    e.type === 'ConditionRaised' || e.type === 'ConditionCleared'
      ? `${e.type}:${e.data.conditionType}`
      : e.type,
  );
const conditionMessage = (events: ApplicationEvent[]) =>
  events.flatMap((e) => (e.type === 'ConditionRaised' ? [e.data.message] : []))[0];

describe('automated sync and sync windows (decideRefreshOutcome)', () => {
  it('without windows, drift on a new revision starts an automated sync', () => {
    const decision = refresh(automatedApp(), '2026-06-15T23:00:00Z', []);
    expect(types(decision.events)).toContain('SyncRequested');
    expect(decision.started?.actor).toBe('system:auto-sync');
  });

  it('an open deny window holds it back: no operation, a condition saying why and until when', () => {
    const decision = refresh(automatedApp(), '2026-06-15T23:00:00Z', [nightlyDeny]);
    expect(types(decision.events)).toEqual([
      'RevisionResolved',
      'SyncStatusChanged',
      'HealthStatusChanged',
      `ConditionRaised:${AUTO_SYNC_BLOCKED_CONDITION}`,
    ]);
    expect(decision.started).toBeUndefined();
    expect(conditionMessage(decision.events)).toBe(
      'Sync prevented by sync window: automated sync to c0ffee0 waits; ' +
        'syncWindows[0] (deny "0 22 * * *" for 8h) is open until 2026-06-16T06:00Z',
    );
    // Compare again when the window closes, so the sync starts then rather than at the next period.
    expect(decision.compareAgain).toEqual([
      { reason: 'sync-window', delayMs: 7 * 3600_000, at: '2026-06-16T06:00:00.000Z' },
    ]);
  });

  it('says it once: the next refresh in the same window records nothing new', () => {
    const stream = automatedApp();
    for (const event of refresh(stream, '2026-06-15T23:00:00Z', [nightlyDeny]).events) stream.add(event);
    expect(refresh(stream, '2026-06-16T01:00:00Z', [nightlyDeny]).events).toEqual([]);
  });

  it('starts the sync when the window closes, clearing the condition in the same append', () => {
    const stream = automatedApp();
    for (const event of refresh(stream, '2026-06-15T23:00:00Z', [nightlyDeny]).events) stream.add(event);
    const decision = refresh(stream, '2026-06-16T06:00:00Z', [nightlyDeny]);
    expect(types(decision.events)).toEqual([
      `ConditionCleared:${AUTO_SYNC_BLOCKED_CONDITION}`,
      'SyncRequested',
    ]);
    expect(decision.started?.operationId).toBe('op-1');
  });

  it('clears the condition when nothing is held back any more (the app became Synced by hand)', () => {
    const stream = automatedApp();
    for (const event of refresh(stream, '2026-06-15T23:00:00Z', [nightlyDeny]).events) stream.add(event);
    const decision = refresh(stream, '2026-06-15T23:30:00Z', [nightlyDeny], synced);
    expect(types(decision.events)).toEqual([
      'SyncStatusChanged',
      `ConditionCleared:${AUTO_SYNC_BLOCKED_CONDITION}`,
    ]);
  });

  it('an allow window: held back outside it (manualSync does not help automated syncs), started inside', () => {
    // 2026-06-13 is a Saturday; 2026-06-15 a Monday (09:00 CEST = 07:00 UTC).
    const saturday = refresh(automatedApp(), '2026-06-13T12:00:00Z', [officeAllow]);
    expect(saturday.started).toBeUndefined();
    expect(conditionMessage(saturday.events)).toBe(
      'Sync prevented by sync window: automated sync to c0ffee0 waits; no allow window is open ' +
        '(syncWindows[0] (allow "0 9 * * 1-5" for 8h, Europe/Berlin) opens 2026-06-15T07:00Z)',
    );
    expect(refresh(automatedApp(), '2026-06-15T07:00:00Z', [officeAllow]).started?.trigger).toBe('auto-sync');
  });

  it('deny beats allow when both are open', () => {
    const allDay: SyncWindow = { kind: 'allow', schedule: '0 0 * * *', duration: '24h', applications: ['*'] };
    expect(refresh(automatedApp(), '2026-06-15T23:00:00Z', [allDay, nightlyDeny]).started).toBeUndefined();
    expect(refresh(automatedApp(), '2026-06-15T12:00:00Z', [allDay, nightlyDeny]).started).toBeDefined();
  });

  it('a window that does not select the app does not hold it back', () => {
    const otherApp: SyncWindow = { ...nightlyDeny, applications: ['api-*'] };
    expect(refresh(automatedApp(), '2026-06-15T23:00:00Z', [otherApp]).started).toBeDefined();
  });

  it('andOperator: a window for web in another namespace does not hold it back', () => {
    const elsewhere: SyncWindow = { ...nightlyDeny, namespaces: ['prod'], andOperator: true };
    expect(refresh(automatedApp(), '2026-06-15T23:00:00Z', [elsewhere]).started).toBeDefined();
    expect(
      refresh(automatedApp(), '2026-06-15T23:00:00Z', [{ ...elsewhere, andOperator: false }]).started,
    ).toBeUndefined();
  });
});
