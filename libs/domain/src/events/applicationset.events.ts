import type { DomainEvent } from './event-envelope';

/** Argo CD's ApplicationSet status condition (`status.conditions[]`). */
export interface ApplicationSetCondition {
  type: 'ErrorOccurred' | 'ParametersGenerated' | 'ResourcesUpToDate';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** ApplicationSets: one stream per set (`applicationset-<name>`). */
export type ApplicationSetCreated = DomainEvent<
  'ApplicationSetCreated',
  { applicationSet: string; project: string; manifest: Record<string, unknown> }
>;
export type ApplicationSetSpecChanged = DomainEvent<
  'ApplicationSetSpecChanged',
  { applicationSet: string; project: string; manifest: Record<string, unknown> }
>;
/** Deleted; its generated Applications are deleted with it (cascade per their own finalizer). */
export type ApplicationSetDeleted = DomainEvent<'ApplicationSetDeleted', { applicationSet: string }>;
/**
 * A reconciliation's outcome, recorded when it differs from the last one: the Applications the set
 * generates (sorted), and Argo CD's conditions. The generated apps' own streams say what was created,
 * changed or deleted.
 */
export type ApplicationSetReconciled = DomainEvent<
  'ApplicationSetReconciled',
  { applicationSet: string; applications: string[]; conditions: ApplicationSetCondition[] }
>;

export type ApplicationSetEvent =
  ApplicationSetCreated | ApplicationSetSpecChanged | ApplicationSetDeleted | ApplicationSetReconciled;

export function applicationSetStreamId(name: string): string {
  return `applicationset-${name}`;
}
