import { describe, expect, it } from '@jest/globals';
import { applicationEvent } from '../events/application.events';
import { StreamBuilder } from '../rollback/stream-builder.testing';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('deployments in the folded state', () => {
  const table: Array<[string, (s: StreamBuilder) => StreamBuilder, string[]]> = [
    ['nothing deployed', (s) => s.created(), []],
    ['a deployment seen Healthy', (s) => s.created().deploy('1', A).health('Healthy'), [`${A}:healthy`]],
    [
      'a deployment never seen Healthy',
      (s) => s.created().deploy('1', A).health('Progressing'),
      [`${A}:not`],
    ],
    [
      'Healthy before the next sync started (no health change after the sync: still Healthy)',
      (s) => s.created().health('Healthy').deploy('1', A).deploy('2', B),
      [`${A}:healthy`, `${B}:not`],
    ],
    [
      'Degraded when the next sync started',
      (s) => s.created().deploy('1', A).health('Degraded').deploy('2', B),
      [`${A}:not`, `${B}:not`],
    ],
    ['dry runs are not deployments', (s) => s.created().deploy('1', A, { dryRun: true }), []],
    [
      're-creating the app starts over',
      (s) => s.created().deploy('1', A).health('Healthy').created().deploy('2', C),
      [`${C}:not`],
    ],
  ];

  it.each(table)('%s', (_name, build, expected) => {
    const deployments = build(new StreamBuilder()).state().deployments;
    expect(deployments.map((d) => `${d.revision}:${d.wasHealthy ? 'healthy' : 'not'}`)).toEqual(expected);
  });

  it('records trigger and the time the sync succeeded (= the history entry deployedAt)', () => {
    const s = new StreamBuilder().created().deploy('1', A, { trigger: 'manual' });
    expect(s.state().deployments).toEqual([
      expect.objectContaining({
        operationId: '1',
        trigger: 'manual',
        deployedAt: s.deployedAt(0).toISOString(),
        rolledBack: false,
      }),
    ]);
  });

  it('marks the deployment an AutoRollbackTriggered answered, and lists the revisions rolled back from', () => {
    const s = new StreamBuilder()
      .created()
      .deploy('1', A)
      .health('Healthy')
      .deploy('2', B)
      .health('Degraded')
      .add(
        applicationEvent('AutoRollbackTriggered', {
          application: 'web',
          failedRevision: B,
          rollbackTo: A,
          historyId: 0,
          operationId: '3',
          reason: 'Degraded',
        }),
      );
    expect(s.state().deployments.map((d) => d.rolledBack)).toEqual([false, true]);
    expect(s.state().rolledBackRevisions).toEqual([B]);
    expect(s.created().state().rolledBackRevisions).toEqual([]);
  });
});
