import { describe, expect, it } from '@jest/globals';
import type { Application } from '../format/application';
import { comparedSinceOperation, stillWaiting, waitForOf } from './wait-conditions';

const app = (sync: string, health: string, phase?: string, pending = false): Application => ({
  metadata: { name: 'a' },
  spec: {},
  ...(pending ? { operation: {} } : {}),
  status: {
    sync: { status: sync },
    health: { status: health },
    ...(phase
      ? {
          operationState: {
            phase,
            message: 'waiting for healthy state of apps/Deployment/ui',
            ...(phase === 'Running' ? {} : { finishedAt: '2026-12-04T10:00:00Z' }),
          },
        }
      : {}),
    reconciledAt: '2026-12-04T10:00:01Z',
  },
});

describe('app wait conditions', () => {
  it('waits for sync, health and operation when no flag is given', () => {
    const all = waitForOf({});
    expect(stillWaiting(app('Synced', 'Healthy', 'Succeeded'), all)).toBeUndefined();
    expect(stillWaiting(app('OutOfSync', 'Progressing', 'Running'), all)).toBe(
      'operation: Running (waiting for healthy state of apps/Deployment/ui), sync: OutOfSync, health: Progressing',
    );
    expect(stillWaiting(app('Synced', 'Healthy', 'Succeeded', true), all)).toBe(
      'operation: requested (waiting for healthy state of apps/Deployment/ui)',
    );
  });

  it('an operation counts until the app was compared after it finished (Argo CD)', () => {
    const finished = app('Synced', 'Healthy', 'Succeeded');
    finished.status!.reconciledAt = '2026-12-04T09:59:59Z';
    expect(stillWaiting(finished, waitForOf({ operation: true }))).toMatch(/^operation: Succeeded/);
    expect(comparedSinceOperation(finished)).toBe(false);
    finished.status!.reconciledAt = '2026-12-04T10:00:00Z';
    expect(stillWaiting(finished, waitForOf({ operation: true }))).toBeUndefined();
  });

  it('checks only what the flags name; --degraded and --suspended accept those healths', () => {
    expect(stillWaiting(app('OutOfSync', 'Healthy'), waitForOf({ health: true }))).toBeUndefined();
    expect(stillWaiting(app('Synced', 'Degraded'), waitForOf({ health: true }))).toBe('health: Degraded');
    expect(
      stillWaiting(app('Synced', 'Degraded'), waitForOf({ health: true, degraded: true })),
    ).toBeUndefined();
    expect(stillWaiting(app('Synced', 'Suspended'), waitForOf({ suspended: true }))).toBeUndefined();
  });
});
