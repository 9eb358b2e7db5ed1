import type { DomainEvent } from './event-envelope';

/**
 * Repositories and clusters Berth may use. Credentials are never part of an event: the event
 * says that credentials of a kind were stored; the sealed values live in the read model only.
 */
export type RepositoryAdded = DomainEvent<
  'RepositoryAdded',
  {
    repository: string;
    name?: string;
    type: 'git' | 'helm';
    project?: string;
    credentialType: 'none' | 'https' | 'ssh';
    username?: string;
    /** Set when this registration replaced an existing one (`?upsert=true`): what it replaced. */
    replaced?: {
      repository: string;
      type: 'git' | 'helm';
      credentialType: 'none' | 'https' | 'ssh';
      username?: string;
      name?: string;
      project?: string;
    };
  }
>;

export type RepositoryRemoved = DomainEvent<'RepositoryRemoved', { repository: string }>;

export type ClusterAdded = DomainEvent<
  'ClusterAdded',
  {
    cluster: string;
    server: string;
    /** How Berth authenticates: a kubeconfig, a bearer token, basic auth or a client certificate (Argo CD's ClusterConfig). */
    authType: 'kubeconfig' | 'token' | 'basic' | 'client-certificate' | 'in-cluster';
    /** Argo CD's project-scoped cluster: only this project's Applications may deploy to it. */
    project?: string;
    /** Set when this registration replaced an existing one (`?upsert=true`): what it replaced. */
    replaced?: { server: string; authType: string; project?: string };
  }
>;

export type ClusterRemoved = DomainEvent<'ClusterRemoved', { cluster: string; server: string }>;

export type RegistryEvent = RepositoryAdded | RepositoryRemoved | ClusterAdded | ClusterRemoved;

export function repositoryStreamId(normalizedUrl: string): string {
  return `repository-${normalizedUrl}`;
}

export function clusterStreamId(name: string): string {
  return `cluster-${name}`;
}
