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

export type ProjectEvent = ProjectCreated | ProjectSpecChanged | ProjectDeleted;

export function projectStreamId(name: string): string {
  return `project-${name}`;
}
