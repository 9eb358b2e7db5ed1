import { describe, expect, it } from '@jest/globals';
import type { HealthStatusCode } from '../health/health-status';
import { type AutoRollbackInput, decideAutoRollback } from './auto-rollback.decision';
import { StreamBuilder } from './stream-builder.testing';

const GOOD = 'a'.repeat(40);
const BAD = 'b'.repeat(40);
const OTHER = 'c'.repeat(40);
const TIMEOUT = 60_000;

/** GOOD deployed and Healthy, then BAD deployed; `now` is `secondsAfterBad` after BAD's sync. */
function input(
  options: {
    health?: HealthStatusCode;
    secondsAfterBad?: number;
    build?: (s: StreamBuilder) => StreamBuilder;
    over?: Partial<AutoRollbackInput>;
  } = {},
): AutoRollbackInput {
  const s = new StreamBuilder().created();
  (options.build ?? ((b: StreamBuilder) => b.deploy('1', GOOD).health('Healthy').deploy('2', BAD)))(s);
  const deployments = s.state().deployments;
  const history = deployments.map((d, id) => ({
    id,
    revision: d.revision,
    deployedAt: d.deployedAt,
  }));
  const latest = deployments[deployments.length - 1];
  return {
    policy: { healthTimeoutMs: TIMEOUT },
    deployments,
    history,
    health: { status: options.health ?? 'Progressing' },
    operationInProgress: false,
    now: new Date((latest ? Date.parse(latest.deployedAt) : 0) + (options.secondsAfterBad ?? 1) * 1000),
    ...options.over,
  };
}

describe('decideAutoRollback', () => {
  const table: Array<
    [string, AutoRollbackInput, { kind: string; reason?: RegExp; delayMs?: number; to?: string }]
  > = [
    ['off', input({ over: { policy: undefined } }), { kind: 'none', reason: /off/ }],
    [
      'Degraded: rolled back at once',
      input({ health: 'Degraded' }),
      { kind: 'rollback', to: GOOD, reason: /Degraded/ },
    ],
    [
      'Progressing before the deadline: wait for the rest of it',
      input({ secondsAfterBad: 20 }),
      { kind: 'wait', delayMs: 40_000 },
    ],
    [
      'still Progressing at the deadline: rolled back',
      input({ secondsAfterBad: 60 }),
      { kind: 'rollback', to: GOOD, reason: /still Progressing 60 s after its sync \(healthTimeout 60 s\)/ },
    ],
    [
      'Missing at the deadline: rolled back',
      input({ health: 'Missing', secondsAfterBad: 61 }),
      { kind: 'rollback' },
    ],
    [
      'Healthy: kept',
      input({ health: 'Healthy', secondsAfterBad: 600 }),
      { kind: 'none', reason: /Healthy/ },
    ],
    ['Suspended counts as fine', input({ health: 'Suspended', secondsAfterBad: 600 }), { kind: 'none' }],
    [
      'seen Healthy once, Degraded later: not a failed deployment (self-heal and retries handle it)',
      input({
        health: 'Degraded',
        build: (s) => s.deploy('1', GOOD).health('Healthy').deploy('2', BAD).health('Healthy'),
      }),
      { kind: 'none', reason: /Healthy/ },
    ],
    [
      'nothing while an operation runs',
      input({ health: 'Degraded', over: { operationInProgress: true } }),
      { kind: 'none', reason: /in progress/ },
    ],
    [
      'a rollback is never rolled back',
      input({
        health: 'Degraded',
        build: (s) => s.deploy('1', GOOD).health('Healthy').deploy('2', BAD, { trigger: 'auto-rollback' }),
      }),
      { kind: 'none', reason: /is a rollback/ },
    ],
    [
      'nothing Healthy before: nothing to roll back to',
      input({ health: 'Degraded', build: (s) => s.deploy('1', GOOD).health('Degraded').deploy('2', BAD) }),
      { kind: 'none', reason: /no earlier Healthy revision/ },
    ],
    [
      'the newest Healthy revision other than the failed one',
      input({
        health: 'Degraded',
        build: (s) =>
          s
            .deploy('1', OTHER)
            .health('Healthy')
            .deploy('2', GOOD)
            .health('Progressing')
            .health('Healthy')
            .deploy('3', BAD)
            .health('Degraded')
            .deploy('4', BAD),
      }),
      { kind: 'rollback', to: GOOD },
    ],
    [
      'a first deployment that fails has nothing to go back to',
      input({ health: 'Degraded', build: (s) => s.deploy('1', BAD) }),
      { kind: 'none', reason: /no earlier Healthy/ },
    ],
  ];

  it.each(table)('%s', (_name, given, expected) => {
    const decision = decideAutoRollback(given);
    expect(decision.kind).toBe(expected.kind);
    if (expected.reason) expect(decision.reason).toMatch(expected.reason);
    if (expected.delayMs !== undefined) expect(decision).toMatchObject({ delayMs: expected.delayMs });
    if (expected.to) expect(decision).toMatchObject({ rollbackTo: expected.to, failedRevision: BAD });
  });

  it('names the history entry of the revision it rolls back to, and only one still in the history', () => {
    const given = input({ health: 'Degraded' });
    expect(decideAutoRollback(given)).toMatchObject({ kind: 'rollback', historyId: 0 });
    // revisionHistoryLimit trimmed GOOD out of the history.
    const trimmed = { ...given, history: given.history.slice(1) };
    expect(decideAutoRollback(trimmed)).toMatchObject({
      kind: 'none',
      reason: expect.stringMatching(/no earlier Healthy/),
    });
  });
});
