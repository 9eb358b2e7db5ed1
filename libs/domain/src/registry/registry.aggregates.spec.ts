import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../events/event-envelope';
import type { RegistryEvent } from '../events/registry.events';
import {
  clusterAggregate,
  decideCluster,
  decideRepository,
  repositoryAggregate,
  type ClusterCommand,
  type RepositoryCommand,
  type RepositoryRegistration,
} from './registry.aggregates';

const fold = <S>(
  aggregate: { initial(id: string): S; evolve(s: S, e: RecordedEvent): S },
  id: string,
  events: RegistryEvent[],
) =>
  events.reduce(
    (s, e, i) =>
      aggregate.evolve(s, {
        ...e,
        streamId: id,
        streamVersion: i + 1,
        recordedAt: new Date(0),
        metadata: { actor: 'a' },
      } as unknown as RecordedEvent),
    aggregate.initial(id),
  );

const repo = (over: Partial<RepositoryRegistration> = {}): RepositoryRegistration => ({
  repository: 'https://git.example.com/deploy.git',
  type: 'git',
  credentialType: 'https',
  username: 'ci',
  ...over,
});
const added = (r: RepositoryRegistration): RegistryEvent => ({
  type: 'RepositoryAdded',
  schemaVersion: 2,
  data: r,
});
const register = (r: RepositoryRegistration, upsert = false, sameCredentials = true): RepositoryCommand => ({
  type: 'RegisterRepository',
  registration: r,
  upsert,
  sameCredentials,
});

describe('decideRepository', () => {
  const id = 'repository-git.example.com/deploy';
  it('registers a new repository', () => {
    expect(decideRepository(register(repo()), fold(repositoryAggregate, id, []))).toEqual([added(repo())]);
  });
  it('the same registration with the same credentials records nothing', () => {
    expect(decideRepository(register(repo()), fold(repositoryAggregate, id, [added(repo())]))).toEqual([]);
  });
  it.each([
    ['another user', register(repo({ username: 'bot' }))],
    ['other credentials', register(repo(), false, false)],
  ])('replacing it (%s) without upsert is refused: 409 naming the field', (_why, command) => {
    expect(() => decideRepository(command, fold(repositoryAggregate, id, [added(repo())]))).toThrow(
      expect.objectContaining({ code: 'AlreadyExists', details: expect.objectContaining({ field: 'repo' }) }),
    );
  });
  it('upsert replaces it and the event records what it replaced', () => {
    const events = decideRepository(
      register(repo({ username: 'bot' }), true),
      fold(repositoryAggregate, id, [added(repo())]),
    );
    expect(events).toEqual([
      { ...added(repo({ username: 'bot' })), data: { ...repo({ username: 'bot' }), replaced: repo() } },
    ]);
  });
  it('removing one that is not registered is NotFound; a removed one can be registered again', () => {
    expect(() => decideRepository({ type: 'RemoveRepository' }, fold(repositoryAggregate, id, []))).toThrow(
      expect.objectContaining({ code: 'NotFound' }),
    );
    const removed: RegistryEvent = {
      type: 'RepositoryRemoved',
      schemaVersion: 2,
      data: { repository: repo().repository },
    };
    expect(
      decideRepository(register(repo()), fold(repositoryAggregate, id, [added(repo()), removed])),
    ).toEqual([added(repo())]);
  });
});

describe('decideCluster', () => {
  const command = (
    over: Partial<Extract<ClusterCommand, { type: 'RegisterCluster' }>> = {},
  ): ClusterCommand => ({
    type: 'RegisterCluster',
    registration: { cluster: 'prod', server: 'https://10.0.0.1:6443', authType: 'token' },
    upsert: false,
    sameCredentials: true,
    serverField: 'server',
    ...over,
  });
  const prod: RegistryEvent = {
    type: 'ClusterAdded',
    schemaVersion: 2,
    data: { cluster: 'prod', server: 'https://10.0.0.1:6443', authType: 'token' },
  };
  it('a server registered under another name is refused, naming that name', () => {
    expect(() =>
      decideCluster(command({ serverTakenBy: 'staging' }), fold(clusterAggregate, 'cluster-prod', [])),
    ).toThrow(/already registered as cluster "staging"/);
  });
  it('upsert to another server records the server it replaced', () => {
    const events = decideCluster(
      command({
        upsert: true,
        registration: { cluster: 'prod', server: 'https://10.0.0.2:6443', authType: 'token' },
      }),
      fold(clusterAggregate, 'cluster-prod', [prod]),
    );
    expect(events[0]).toMatchObject({
      type: 'ClusterAdded',
      data: { server: 'https://10.0.0.2:6443', replaced: { server: 'https://10.0.0.1:6443' } },
    });
  });
  it('a project-scoped cluster: the event carries its project; moving it to another project needs upsert and records the old one', () => {
    const scoped = (project: string) =>
      command({
        registration: { cluster: 'prod', server: 'https://10.0.0.1:6443', authType: 'token', project },
      });
    const [added] = decideCluster(scoped('team-a'), fold(clusterAggregate, 'cluster-prod', []));
    expect(added).toMatchObject({ type: 'ClusterAdded', data: { cluster: 'prod', project: 'team-a' } });
    const state = fold(clusterAggregate, 'cluster-prod', [added!]);
    expect(state.registration?.project).toBe('team-a');
    expect(decideCluster(scoped('team-a'), state)).toEqual([]);
    expect(() => decideCluster(scoped('team-b'), state)).toThrow(
      /cluster "prod" is already registered \(https:\/\/10\.0\.0\.1:6443, token, project team-a\)/,
    );
    expect(() => decideCluster(command(), state)).toThrow(/already registered/);
    const [moved] = decideCluster({ ...scoped('team-b'), upsert: true } as ClusterCommand, state);
    expect(moved).toMatchObject({
      data: {
        project: 'team-b',
        replaced: { server: 'https://10.0.0.1:6443', authType: 'token', project: 'team-a' },
      },
    });
  });
  it('the same registration records nothing; other credentials without upsert are refused', () => {
    expect(decideCluster(command(), fold(clusterAggregate, 'cluster-prod', [prod]))).toEqual([]);
    expect(() =>
      decideCluster(command({ sameCredentials: false }), fold(clusterAggregate, 'cluster-prod', [prod])),
    ).toThrow(/cluster "prod" is already registered/);
  });
});
