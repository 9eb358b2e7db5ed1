import { describe, expect, it } from '@jest/globals';
import type { DomainEvent, RecordedEvent } from '../events/event-envelope';
import type { ApplicationManifest } from '../events/application.events';
import {
  applicationSetAggregate,
  decideApplicationSet,
  type ApplicationSetCommand,
} from './applicationset.aggregate';
import type { ApplicationSet } from './applicationset.types';
import {
  decideGeneratedApplication,
  decideGeneratedDeletion,
  reconciliationConditions,
} from './generated-application.decide';

const set = (path: string): ApplicationSet => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'api-services' },
  spec: {
    generators: [{ list: { elements: [{ env: 'dev' }] } }],
    template: { metadata: { name: 'api-{{env}}' }, spec: { project: 'team-a', source: { path } } },
  },
});

function given(events: DomainEvent[]) {
  let state = applicationSetAggregate.initial('applicationset-api-services');
  events.forEach((e, i) => {
    const recorded = {
      ...e,
      streamId: 'applicationset-api-services',
      streamVersion: i + 1,
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      metadata: { actor: 'a' },
    };
    state = applicationSetAggregate.evolve(state, recorded as unknown as RecordedEvent);
  });
  return state;
}

const created = decideApplicationSet(
  { type: 'UpsertApplicationSet', applicationSet: set('a'), upsert: false },
  given([]),
)[0]!;
const upToDate = reconciliationConditions([]);
const reconciled = decideApplicationSet(
  { type: 'RecordReconciliation', applications: ['api-dev'], conditions: upToDate },
  given([created]),
)[0]!;

describe('decideApplicationSet: given(events).when(command).then(events | error)', () => {
  const cases: Array<[string, DomainEvent[], ApplicationSetCommand, string[] | string]> = [
    [
      'a new set is created',
      [],
      { type: 'UpsertApplicationSet', applicationSet: set('a'), upsert: false },
      ['ApplicationSetCreated'],
    ],
    [
      'the same spec again records nothing',
      [created],
      { type: 'UpsertApplicationSet', applicationSet: set('a'), upsert: false },
      [],
    ],
    [
      'a different spec without upsert is refused as Argo CD does',
      [created],
      { type: 'UpsertApplicationSet', applicationSet: set('b'), upsert: false },
      'existing ApplicationSet spec is different, use upsert flag to force update',
    ],
    [
      'a different spec with upsert is changed',
      [created],
      { type: 'UpsertApplicationSet', applicationSet: set('b'), upsert: true },
      ['ApplicationSetSpecChanged'],
    ],
    [
      'deleting a missing set is NotFound',
      [],
      { type: 'DeleteApplicationSet' },
      'applicationset "api-services" not found',
    ],
    ['deleting an existing set', [created], { type: 'DeleteApplicationSet' }, ['ApplicationSetDeleted']],
    [
      'a first outcome is recorded',
      [created],
      { type: 'RecordReconciliation', applications: ['api-dev'], conditions: upToDate },
      ['ApplicationSetReconciled'],
    ],
    [
      'the same outcome again records nothing',
      [created, reconciled],
      { type: 'RecordReconciliation', applications: ['api-dev'], conditions: upToDate },
      [],
    ],
    [
      'an error is recorded',
      [created, reconciled],
      {
        type: 'RecordReconciliation',
        applications: ['api-dev'],
        conditions: reconciliationConditions([{ reason: 'RenderTemplateParamsError', message: 'boom' }]),
      },
      ['ApplicationSetReconciled'],
    ],
  ];
  it.each(cases)('%s', (_name, events, command, expected) => {
    const state = given(events);
    if (typeof expected === 'string') expect(() => decideApplicationSet(command, state)).toThrow(expected);
    else expect(decideApplicationSet(command, state).map((e) => e.type)).toEqual(expected);
  });

  it('folds the project of the template and the last outcome', () => {
    const state = given([created, reconciled]);
    expect(state).toMatchObject({ exists: true, project: 'team-a', applications: ['api-dev'] });
    expect(state.conditions.find((c) => c.type === 'ResourcesUpToDate')?.status).toBe('True');
    expect(
      given([
        created,
        reconciled,
        decideApplicationSet({ type: 'DeleteApplicationSet' }, given([created]))[0]!,
      ]),
    ).toMatchObject({
      exists: false,
      applications: [],
    });
  });
});

const app = (path: string, owner?: string, finalizers?: string[]): ApplicationManifest => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {
    name: 'api-dev',
    ...(owner ? { annotations: { 'berth.dev/applicationset': owner } } : {}),
    ...(finalizers ? { finalizers } : {}),
  },
  spec: { project: 'team-a', source: { path } },
});

describe('decideGeneratedApplication and decideGeneratedDeletion: the applicationsSync policies', () => {
  const policies = ['sync', 'create-update', 'create-delete', 'create-only'] as const;
  it.each(policies)('%s creates a missing app', (policy) => {
    expect(
      decideGeneratedApplication('api-services', policy, app('a', 'api-services'), undefined).result,
    ).toBe('created');
  });
  it.each([
    ['sync', 'configured'],
    ['create-update', 'configured'],
    ['create-delete', 'skipped'],
    ['create-only', 'skipped'],
  ] as const)('%s on a changed app: %s', (policy, result) => {
    expect(
      decideGeneratedApplication('api-services', policy, app('b', 'api-services'), app('a', 'api-services'))
        .result,
    ).toBe(result);
  });
  it.each([
    ['sync', true],
    ['create-update', false],
    ['create-delete', true],
    ['create-only', false],
  ] as const)('%s deletes an app no longer generated: %s', (policy, deletes) => {
    expect(
      decideGeneratedDeletion('api-services', policy, app('a', 'api-services'), false) !== undefined,
    ).toBe(deletes);
    // Deleting the set deletes its apps whatever the policy.
    expect(decideGeneratedDeletion('api-services', policy, app('a', 'api-services'), true)).toBeDefined();
  });
  it('never touches an app it does not own', () => {
    const decision = decideGeneratedApplication('api-services', 'sync', app('b', 'api-services'), app('a'));
    expect(decision).toEqual({
      result: 'not-owned',
      message:
        'application "api-dev" already exists and is not generated by any ApplicationSet; it is left alone: delete it or change spec.template.metadata.name of api-services',
    });
    expect(
      decideGeneratedApplication('api-services', 'sync', app('b', 'api-services'), app('a', 'other')).result,
    ).toBe('not-owned');
    expect(decideGeneratedDeletion('api-services', 'sync', app('a'), true)).toBeUndefined();
    expect(decideGeneratedDeletion('api-services', 'sync', app('a', 'other'), true)).toBeUndefined();
  });
  it('deletes with cascade exactly when the app carries the resources finalizer', () => {
    expect(
      decideGeneratedDeletion(
        'api-services',
        'sync',
        app('a', 'api-services', ['resources-finalizer.argocd.argoproj.io']),
        false,
      )?.data.cascade,
    ).toBe(true);
    expect(
      decideGeneratedDeletion('api-services', 'sync', app('a', 'api-services'), false)?.data.cascade,
    ).toBe(false);
  });
});
