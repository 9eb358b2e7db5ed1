import { DomainError } from '../errors/domain-error';
import type { Aggregate } from '../events/aggregate';
import type { RecordedEvent } from '../events/event-envelope';
import { schemaVersionOf } from '../events/event-catalog';
import {
  clusterStreamId,
  repositoryStreamId,
  type ClusterAdded,
  type RegistryEvent,
  type RepositoryAdded,
} from '../events/registry.events';

/**
 * Repositories and clusters Berth may use, one stream each. Their credentials never enter the log: the
 * service stores them sealed beside the event, in the same transaction, and tells the decider whether the
 * stored ones equal the new ones (`sameCredentials`).
 */

export type RepositoryRegistration = Omit<RepositoryAdded['data'], 'replaced'>;
export type ClusterRegistration = Omit<ClusterAdded['data'], 'replaced'>;

export interface RegistrationState<R> {
  /** The stream's key: the normalized repository URL, or the cluster name. */
  key: string;
  exists: boolean;
  registration: R | null;
  streamVersion: number;
}

export type RepositoryCommand =
  | {
      type: 'RegisterRepository';
      registration: RepositoryRegistration;
      upsert: boolean;
      sameCredentials: boolean;
    }
  | { type: 'RemoveRepository' };

export type ClusterCommand =
  | {
      type: 'RegisterCluster';
      registration: ClusterRegistration;
      upsert: boolean;
      sameCredentials: boolean;
      /** Another cluster name already registered with this server, if any (workers find clusters by server too). */
      serverTakenBy?: string;
      /** The field the server came from (`server` or `kubeconfig`), for the error. */
      serverField: string;
    }
  | { type: 'RemoveCluster' };

const noUserInfo = (url: string): string => url.replace(/\/\/[^/@\s]*@/g, '//');
const credentialsOf = (type: string) => (type === 'none' ? 'no credentials' : `${type} credentials`);

function sameFields(a: object | null, b: object): boolean {
  if (!a) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

function alreadyExists(message: string, field: string): DomainError {
  return new DomainError('AlreadyExists', message, {
    field,
    issues: [{ field, message: 'is already registered', fix: 'pass ?upsert=true to replace it' }],
  });
}

/**
 * Registering a URL that is registered is refused unless the caller asks to replace it (`upsert`); the
 * same registration again records nothing; a replacement records what it replaced.
 */
export function decideRepository(
  command: RepositoryCommand,
  state: RegistrationState<RepositoryRegistration>,
): RegistryEvent[] {
  const existing = state.exists ? state.registration : null;
  switch (command.type) {
    case 'RegisterRepository': {
      if (existing && !command.upsert) {
        if (sameFields(existing, command.registration) && command.sameCredentials) return [];
        throw alreadyExists(
          `repository ${noUserInfo(existing.repository)} is already registered (${existing.type}, ${credentialsOf(existing.credentialType)}); pass ?upsert=true to replace it`,
          'repo',
        );
      }
      return [
        {
          type: 'RepositoryAdded',
          schemaVersion: schemaVersionOf('RepositoryAdded'),
          data: { ...command.registration, ...(existing ? { replaced: existing } : {}) },
        },
      ];
    }
    case 'RemoveRepository':
      if (!existing)
        throw new DomainError(
          'NotFound',
          `repository ${noUserInfo(state.key)} is not registered; list them with GET /api/v1/repositories`,
        );
      return [
        {
          type: 'RepositoryRemoved',
          schemaVersion: schemaVersionOf('RepositoryRemoved'),
          data: { repository: existing.repository },
        },
      ];
  }
}

export function decideCluster(
  command: ClusterCommand,
  state: RegistrationState<ClusterRegistration>,
): RegistryEvent[] {
  const existing = state.exists ? state.registration : null;
  switch (command.type) {
    case 'RegisterCluster': {
      const { registration } = command;
      if (command.serverTakenBy && command.serverTakenBy !== state.key) {
        throw new DomainError(
          'AlreadyExists',
          `${registration.server} is already registered as cluster "${command.serverTakenBy}"; register it under that name (with ?upsert=true to replace it) or remove that one first`,
          {
            field: command.serverField,
            issues: [
              {
                field: command.serverField,
                message: `is already registered as cluster "${command.serverTakenBy}"`,
              },
            ],
          },
        );
      }
      if (existing && !command.upsert) {
        if (sameFields(existing, registration) && command.sameCredentials) return [];
        throw alreadyExists(
          `cluster "${state.key}" is already registered (${existing.server}, ${existing.authType}${existing.project ? `, project ${existing.project}` : ''}); pass ?upsert=true to replace it`,
          'name',
        );
      }
      return [
        {
          type: 'ClusterAdded',
          schemaVersion: schemaVersionOf('ClusterAdded'),
          data: {
            ...registration,
            ...(existing
              ? {
                  replaced: {
                    server: existing.server,
                    authType: existing.authType,
                    ...(existing.project !== undefined ? { project: existing.project } : {}),
                  },
                }
              : {}),
          },
        },
      ];
    }
    case 'RemoveCluster':
      if (!existing)
        throw new DomainError(
          'NotFound',
          `cluster "${state.key}" is not registered; list them with GET /api/v1/clusters`,
        );
      return [
        {
          type: 'ClusterRemoved',
          schemaVersion: schemaVersionOf('ClusterRemoved'),
          data: { cluster: state.key, server: existing.server },
        },
      ];
  }
}

function registrationAggregate<R>(
  name: string,
  prefix: string,
  fold: (event: RegistryEvent) => { exists: boolean; registration: R | null } | undefined,
): Aggregate<RegistrationState<R>> {
  return {
    name,
    streamPrefix: prefix,
    stateVersion: 1,
    initial: (streamId) => ({
      key: streamId.slice(prefix.length),
      exists: false,
      registration: null,
      streamVersion: 0,
    }),
    evolve: (state, recorded: RecordedEvent) => ({
      ...state,
      ...(fold(recorded as unknown as RegistryEvent) ?? {}),
      streamVersion: recorded.streamVersion,
    }),
  };
}

export const repositoryAggregate = registrationAggregate<RepositoryRegistration>(
  'repository',
  repositoryStreamId(''),
  (event) => {
    if (event.type === 'RepositoryAdded') {
      const { replaced: _replaced, ...registration } = event.data;
      return { exists: true, registration };
    }
    return event.type === 'RepositoryRemoved' ? { exists: false, registration: null } : undefined;
  },
);

export const clusterAggregate = registrationAggregate<ClusterRegistration>(
  'cluster',
  clusterStreamId(''),
  (event) => {
    if (event.type === 'ClusterAdded') {
      const { replaced: _replaced, ...registration } = event.data;
      return { exists: true, registration };
    }
    return event.type === 'ClusterRemoved' ? { exists: false, registration: null } : undefined;
  },
);
