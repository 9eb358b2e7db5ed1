import { describe, expect, it } from '@jest/globals';
import { applicationEvent } from '../events/application.events';
import { StreamBuilder } from '../rollback/stream-builder.testing';
import { pendingCascadeOf } from './application.decide';

const A = 'a'.repeat(40);
const deleted = (cascade: boolean) => applicationEvent('ApplicationDeleted', { application: 'web', cascade });
const resourcesDeleted = applicationEvent('ApplicationResourcesDeleted', {
  application: 'web',
  resources: [],
});

describe('pendingCascadeOf', () => {
  const table: Array<[string, (s: StreamBuilder) => StreamBuilder, string[] | undefined]> = [
    [
      'an app that exists',
      (s) => s.created().deploy('1', A, { resources: ['apps/Deployment/web'] }),
      undefined,
    ],
    [
      'deleted with cascade: what it deployed and did not prune',
      (s) =>
        s
          .created()
          .deploy('1', A, { resources: ['apps/Deployment/web', 'ConfigMap/old'] })
          .deploy('2', A, { resources: ['apps/Deployment/web'], pruned: ['ConfigMap/old'] })
          .add(deleted(true)),
      ['apps/Deployment/web/web'],
    ],
    [
      'deleted without cascade',
      (s) =>
        s
          .created()
          .deploy('1', A, { resources: ['ConfigMap/c'] })
          .add(deleted(false)),
      undefined,
    ],
    [
      'already done',
      (s) =>
        s
          .created()
          .deploy('1', A, { resources: ['ConfigMap/c'] })
          .add(deleted(true))
          .add(resourcesDeleted),
      undefined,
    ],
    [
      'a re-created app only deletes its own incarnation',
      (s) =>
        s
          .created()
          .deploy('1', A, { resources: ['ConfigMap/first'] })
          .add(deleted(false))
          .created()
          .deploy('2', A, { resources: ['ConfigMap/second'] })
          .add(deleted(true)),
      ['/ConfigMap/web/second'],
    ],
    [
      're-created after a cascade delete: nothing pending',
      (s) => s.created().add(deleted(true)).created(),
      undefined,
    ],
  ];

  it.each(table)('%s', (_name, build, expected) => {
    const pending = pendingCascadeOf(build(new StreamBuilder()).state());
    expect(pending?.inventory).toEqual(expected);
    if (expected) expect(pending?.manifest.metadata.name).toBe('web');
  });
});
