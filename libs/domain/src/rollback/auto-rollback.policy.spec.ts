import { describe, expect, it } from '@jest/globals';
import type { Application } from '../application/application.types';
import { autoRollbackPolicyOf, DEFAULT_HEALTH_TIMEOUT_MS } from './auto-rollback.policy';

const app = (spec: Record<string, unknown>) => ({ spec }) as unknown as Pick<Application, 'spec'>;

describe('autoRollbackPolicyOf', () => {
  const table: Array<[string, Record<string, unknown>, number | undefined]> = [
    ['off without autoRollback or healthChecks', { syncPolicy: { automated: {} } }, undefined],
    ['autoRollback with healthTimeout', { syncPolicy: { autoRollback: { healthTimeout: '90s' } } }, 90_000],
    [
      'autoRollback without a timeout: 3 min',
      { syncPolicy: { autoRollback: {} } },
      DEFAULT_HEALTH_TIMEOUT_MS,
    ],
    [
      "the seed's healthChecks[].timeout turns it on; the longest one is the deadline",
      { healthChecks: [{ name: 'a', timeout: '3m' }, { name: 'b', timeout: '5m' }, { name: 'c' }] },
      300_000,
    ],
    [
      'healthTimeout wins over healthChecks',
      { syncPolicy: { autoRollback: { healthTimeout: '1m' } }, healthChecks: [{ timeout: '5m' }] },
      60_000,
    ],
    ['healthChecks without timeout: off', { healthChecks: [{ name: 'probe', interval: '5m' }] }, undefined],
  ];

  it.each(table)('%s', (_name, spec, expected) => {
    expect(autoRollbackPolicyOf(app(spec))?.healthTimeoutMs).toBe(expected);
  });
});
