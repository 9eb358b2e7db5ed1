import type { DomainEvent } from './event-envelope';

/** AppProjects: the guard rails (source repos, destinations, kinds) applications must stay within. */
export type ProjectCreated = DomainEvent<
  'ProjectCreated',
  { project: string; manifest: Record<string, unknown> }
>;
export type ProjectSpecChanged = DomainEvent<
  'ProjectSpecChanged',
  { project: string; manifest: Record<string, unknown> }
>;
export type ProjectDeleted = DomainEvent<'ProjectDeleted', { project: string }>;

/** A token was issued for a project role (Argo CD's CreateToken): its id, issue and expiry times, never the token. */
export type ProjectRoleTokenIssued = DomainEvent<
  'ProjectRoleTokenIssued',
  { project: string; role: string; token: { id: string; iat: number; exp?: number } }
>;
/** A project role's token was revoked (Argo CD's DeleteToken): from then on it is refused. */
export type ProjectRoleTokenRevoked = DomainEvent<
  'ProjectRoleTokenRevoked',
  { project: string; role: string; token: { id?: string; iat: number } }
>;

export type ProjectEvent =
  ProjectCreated | ProjectSpecChanged | ProjectDeleted | ProjectRoleTokenIssued | ProjectRoleTokenRevoked;

export function projectStreamId(name: string): string {
  return `project-${name}`;
}
