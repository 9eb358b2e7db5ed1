import { describe, expect, it } from '@jest/globals';
import { aggregateHealth, type HealthStatusCode, isWorse } from './health-status';

describe('health ordering (gitops-engine IsWorse)', () => {
  it.each<[HealthStatusCode, HealthStatusCode, boolean]>([
    ['Healthy', 'Progressing', true],
    ['Healthy', 'Degraded', true],
    ['Degraded', 'Progressing', false],
    ['Suspended', 'Progressing', true],
    ['Progressing', 'Missing', true],
    ['Missing', 'Degraded', true],
    ['Degraded', 'Unknown', true],
    ['Healthy', 'Healthy', false],
  ])('%s -> %s worse: %s', (a, b, worse) => {
    expect(isWorse(a, b)).toBe(worse);
  });
});

describe('aggregateHealth', () => {
  it('is the worst status, keeping its message', () => {
    expect(
      aggregateHealth([
        { status: 'Healthy' },
        { status: 'Degraded', message: 'boom' },
        { status: 'Progressing' },
        undefined,
      ]),
    ).toEqual({ status: 'Degraded', message: 'boom' });
  });

  it('is Healthy for no resources, and counts a suspended Job as Healthy', () => {
    expect(aggregateHealth([])).toEqual({ status: 'Healthy' });
    expect(
      aggregateHealth([{ status: 'Suspended', aggregateAs: 'Healthy' }, { status: 'Healthy' }]).status,
    ).toBe('Healthy');
    expect(aggregateHealth([{ status: 'Suspended' }, { status: 'Healthy' }]).status).toBe('Suspended');
  });
});
