import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../errors/domain-error';
import type { DomainEvent, RecordedEvent } from '../events/event-envelope';
import type { AppProject } from './app-project.types';
import { appProjectAggregate, decideAppProject, type AppProjectCommand } from './app-project.aggregate';

const project = (sourceRepos: string[]): AppProject =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'payments', namespace: 'argocd' },
    spec: { sourceRepos, destinations: [{ server: '*', namespace: 'payments' }] },
  }) as unknown as AppProject;

function given(events: DomainEvent[]) {
  let state = appProjectAggregate.initial('project-payments');
  events.forEach((e, i) => {
    const recorded = {
      ...e,
      streamId: 'project-payments',
      streamVersion: i + 1,
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      metadata: { actor: 'a' },
    };
    state = appProjectAggregate.evolve(state, recorded as unknown as RecordedEvent);
  });
  return state;
}
const created: DomainEvent = {
  type: 'ProjectCreated',
  schemaVersion: 2,
  data: { project: 'payments', manifest: project(['*']) },
};

describe('decideAppProject: given(events).when(command).then(events | error)', () => {
  const cases: Array<[string, DomainEvent[], AppProjectCommand, string[] | string]> = [
    ['a new project is created', [], { type: 'UpsertProject', project: project(['*']) }, ['ProjectCreated']],
    [
      'the same spec again records nothing',
      [created],
      { type: 'UpsertProject', project: project(['*']) },
      [],
    ],
    [
      'a changed spec is recorded',
      [created],
      { type: 'UpsertProject', project: project(['https://git/a']) },
      ['ProjectSpecChanged'],
    ],
    ['deleting an unused project', [created], { type: 'DeleteProject', usedBy: [] }, ['ProjectDeleted']],
    [
      'deleting a project in use is refused',
      [created],
      { type: 'DeleteProject', usedBy: ['web'] },
      'Invalid',
    ],
    ['deleting a missing project is NotFound', [], { type: 'DeleteProject', usedBy: [] }, 'NotFound'],
    [
      'two concurrent creates: the second decides on the first and records a change only if it differs',
      [created],
      { type: 'UpsertProject', project: project(['*']) },
      [],
    ],
  ];
  it.each(cases)('%s', (_name, history, command, then) => {
    const state = given(history);
    if (typeof then === 'string') {
      expect(() => decideAppProject(command, state)).toThrow(DomainError);
      try {
        decideAppProject(command, state);
      } catch (e) {
        expect((e as DomainError).code).toBe(then);
      }
      return;
    }
    expect(decideAppProject(command, state).map((e) => e.type)).toEqual(then);
  });

  it('folds existence and the manifest; a deleted project is gone', () => {
    expect(given([created])).toMatchObject({ exists: true, manifest: { metadata: { name: 'payments' } } });
    expect(
      given([created, { type: 'ProjectDeleted', schemaVersion: 2, data: { project: 'payments' } }]),
    ).toMatchObject({
      exists: false,
      manifest: null,
    });
  });
});
