import type { AccountEvent } from './account.events';
import type { ApplicationEvent } from './application.events';
import type { ApplicationSetEvent } from './applicationset.events';
import type { DomainEvent } from './event-envelope';
import type { ProjectEvent } from './project.events';
import type { RegistryEvent } from './registry.events';

/** Every event Berth writes. */
export type BerthEvent = ApplicationEvent | ApplicationSetEvent | ProjectEvent | RegistryEvent | AccountEvent;
export type BerthEventType = BerthEvent['type'];

/**
 * One event type, declared once: the schema version Berth writes, how the audit log says it in words
 * (computed when the event is appended and stored beside it), and how data written by older versions is
 * brought up to the current shape when read.
 */
export interface EventDefinition<E extends DomainEvent> {
  /** The schema version this code writes; readers upcast older ones. */
  version: number;
  /** One line for the audit log: what happened, in words. Never a secret (events hold none). */
  summarize(data: E['data']): string;
  /** `upcast[v]` turns data written at version v into version v + 1. */
  upcast?: Record<number, (data: Record<string, unknown>) => Record<string, unknown>>;
}

type Catalog = { [T in BerthEventType]: EventDefinition<Extract<BerthEvent, { type: T }>> };

const short = (sha: string | null | undefined, length = 7): string => (sha ?? '').slice(0, length);
const noUserInfo = (url: string): string => url.replace(/\/\/[^/@\s]*@/g, '//');
/** `apps/Deployment 'web' in shop`, as Argo CD's audit messages name a resource (`<group>/<kind> '<name>'`). */
const liveResourceOf = (r: { group: string; kind: string; namespace: string; name: string }): string =>
  `${r.group ? `${r.group}/` : ''}${r.kind} '${r.name}'${r.namespace ? ` in ${r.namespace}` : ''}`;
const credentialsOf = (type: string): string => (type === 'none' ? 'no credentials' : `${type} credentials`);
/** Version 1 of project and registry events carried the audit summary in their data; it now lives beside the event. */
const dropSummary = ({ summary: _summary, ...rest }: Record<string, unknown>) => rest;

/**
 * The event catalog. The compiler checks it names every event type; `summarize` is the audit log's
 * `summary` column (docs/audit-log.md).
 */
export const EVENT_CATALOG: Catalog = {
  ApplicationCreated: {
    version: 1,
    summarize: (d) => `created application ${d.application} in project ${d.project}`,
  },
  ApplicationSpecChanged: {
    version: 1,
    summarize: (d) => `changed ${d.changedPaths.length > 0 ? d.changedPaths.join(', ') : 'the spec'}`,
  },
  ApplicationDeleted: {
    version: 1,
    summarize: (d) => `deleted application${d.cascade ? ' and its resources' : ' (resources kept)'}`,
  },
  RefreshRequested: {
    version: 1,
    summarize: (d) => (d.hard ? 'requested a hard refresh' : 'requested a refresh'),
  },
  SyncRequested: {
    version: 1,
    summarize: (d) => {
      let text: string;
      if (d.trigger === 'rollback')
        text = `requested rollback to history ${d.rollbackOf} (${short(d.revision)})`;
      else if (d.trigger === 'auto-rollback')
        text = `auto-rollback: requested sync back to ${short(d.revision)}`;
      else text = `requested sync to ${d.revision ? short(d.revision, 12) : 'the target revision'}`;
      if (Array.isArray(d.resources)) text += ` (${d.resources.length} selected resources)`;
      return d.dryRun ? `${text} (dry run)` : text;
    },
  },
  TerminateRequested: {
    version: 1,
    summarize: (d) => `asked to terminate operation ${d.operationId}`,
  },
  SyncRefused: {
    version: 1,
    summarize: (d) =>
      `refused ${d.trigger === 'rollback' ? 'rollback' : 'sync'}${d.revision ? ` to ${short(d.revision, 12)}` : ''}${d.dryRun ? ' (dry run)' : ''}: ${d.message}`,
  },
  ResourceActionRun: {
    version: 1,
    summarize: (d) =>
      `ran action ${d.action} on ${liveResourceOf(d.resource)}${d.changed ? '' : ' (the object already had the result)'}`,
  },
  LiveResourcePatched: {
    version: 1,
    summarize: (d) => `patched ${liveResourceOf(d.resource)} (${d.patchType} patch)`,
  },
  LiveResourceDeleted: {
    version: 1,
    summarize: (d) =>
      `deleted ${liveResourceOf(d.resource)}${d.force ? ' (force)' : ''}${d.propagationPolicy === 'Orphan' ? ' (dependents orphaned)' : ''}`,
  },
  RevisionResolved: {
    version: 1,
    summarize: (d) =>
      `target ${d.targetRevision} now resolves to ${short(d.revision)}${d.commit?.message ? `: ${d.commit.message}` : ''}`,
  },
  SyncStatusChanged: {
    version: 1,
    summarize: (d) => {
      const drifted = d.outOfSync ?? [];
      const listed = drifted
        .slice(0, 5)
        .map((r) => `${r.kind}/${r.name}`)
        .join(', ');
      return `sync status ${d.from} -> ${d.to}${drifted.length > 0 ? ` (${drifted.length} resources out of sync: ${listed})` : ''}`;
    },
  },
  HealthStatusChanged: {
    version: 1,
    summarize: (d) => `health ${d.from} -> ${d.to}${d.message ? `: ${d.message}` : ''}`,
  },
  HealthDetailsChanged: {
    version: 1,
    summarize: (d) => {
      const listed = d.unhealthy
        .slice(0, 5)
        .map((r) => `${r.kind}/${r.name} ${r.status}${r.message ? `: ${r.message}` : ''}`)
        .join(', ');
      return `health ${d.status}${d.message ? `: ${d.message}` : ''}${listed ? ` (${listed})` : ''}`;
    },
  },
  ConditionRaised: {
    version: 1,
    summarize: (d) => `${d.conditionType}: ${d.message}`,
  },
  ConditionCleared: {
    version: 1,
    summarize: (d) => `${d.conditionType} cleared`,
  },
  SyncOperationStarted: {
    version: 1,
    summarize: (d) =>
      `started sync to ${short(d.revision)} (${d.taskCount} tasks${d.attempt > 1 ? `, attempt ${d.attempt}` : ''})`,
  },
  ResourceSynced: {
    version: 1,
    summarize: (d) => `${d.resource.kind}/${d.resource.name} ${d.result} (${d.phase}, wave ${d.wave})`,
  },
  SyncOperationSucceeded: {
    version: 1,
    summarize: (d) => `synced to ${short(d.revision)}: ${d.message}`,
  },
  SyncOperationFailed: {
    version: 1,
    summarize: (d) =>
      `sync ${d.phase.toLowerCase()}: ${d.message}${d.retryInMs !== undefined ? ` (retry in ${Math.trunc(d.retryInMs / 1000)} s)` : ''}`,
  },
  SyncOperationTerminated: {
    version: 1,
    summarize: (d) => `sync terminated: ${d.message}`,
  },
  AutoRollbackTriggered: {
    version: 1,
    summarize: (d) => `auto-rollback: ${d.reason}`,
  },
  SyncOperationWaiting: {
    version: 1,
    summarize: (d) => `sync ${d.message}`,
  },
  PruneConfirmed: {
    version: 1,
    summarize: (d) =>
      `confirmed pruning for operation ${d.operationId}${d.via === 'deletion-approved-annotation' ? ' (deletion-approved annotation)' : ''}`,
  },
  SyncApprovalRequested: {
    version: 1,
    summarize: (d) =>
      `sync ${d.operationId} requested by ${d.requestedBy} waits for ${d.requiredApprovals} approval${d.requiredApprovals === 1 ? '' : 's'} (project ${d.project}, syncApprovals[${d.policies.join(', ')}]) until ${d.expiresAt}`,
  },
  SyncApproved: {
    version: 1,
    summarize: (d) =>
      `${d.approvedBy} approved sync ${d.operationId} (${d.approvals} of ${d.requiredApprovals})${d.reason ? `: ${d.reason}` : ''}`,
  },
  SyncRejected: {
    version: 1,
    summarize: (d) => `${d.rejectedBy} rejected sync ${d.operationId}: ${d.reason}`,
  },
  SyncApprovalExpired: {
    version: 1,
    summarize: (d) =>
      `sync ${d.operationId} was not approved by ${d.expiresAt} (${d.approvedBy.length} of ${d.requiredApprovals}${d.approvedBy.length > 0 ? `: ${d.approvedBy.join(', ')}` : ''}); it ends without running`,
  },
  ApplicationResourcesDeleted: {
    version: 1,
    summarize: (d) => {
      const count = (result: string) => d.resources.filter((r) => r.result === result).length;
      return `deleted the resources of the deleted application: ${count('deleted')} deleted, ${count('failed')} failed`;
    },
  },
  ProjectCreated: {
    version: 2,
    summarize: (d) => `created project ${d.project}`,
    upcast: { 1: dropSummary },
  },
  ProjectSpecChanged: {
    version: 2,
    summarize: (d) => `changed project ${d.project}`,
    upcast: { 1: dropSummary },
  },
  ApplicationSetCreated: {
    version: 1,
    summarize: (d) => `created ApplicationSet ${d.applicationSet} (project ${d.project})`,
  },
  ApplicationSetSpecChanged: {
    version: 1,
    summarize: (d) => `changed ApplicationSet ${d.applicationSet}`,
  },
  ApplicationSetDeleted: {
    version: 1,
    summarize: (d) => `deleted ApplicationSet ${d.applicationSet} and its applications`,
  },
  ApplicationSetReconciled: {
    version: 1,
    summarize: (d) => {
      const error = d.conditions.find((c) => c.type === 'ErrorOccurred' && c.status === 'True');
      const apps = `${d.applications.length} application${d.applications.length === 1 ? '' : 's'}`;
      return error ? `generates ${apps}; error: ${error.message}` : `generates ${apps}`;
    },
  },
  ProjectDeleted: {
    version: 2,
    summarize: (d) => `deleted project ${d.project}`,
    upcast: { 1: dropSummary },
  },
  ProjectRoleTokenIssued: {
    version: 1,
    summarize: (d) =>
      `issued token ${d.token.id} for role ${d.role} of project ${d.project}${d.token.exp !== undefined ? `, expiring ${new Date(d.token.exp * 1000).toISOString()}` : ''}`,
  },
  ProjectRoleTokenRevoked: {
    version: 1,
    summarize: (d) =>
      `revoked token ${d.token.id ?? `issued at ${d.token.iat}`} of role ${d.role} of project ${d.project}`,
  },
  RepositoryAdded: {
    version: 2,
    summarize: (d) => {
      const added = `${d.type} repository ${noUserInfo(d.repository)} (${credentialsOf(d.credentialType)})`;
      const was = d.replaced;
      return was
        ? `replaced ${was.type} repository ${noUserInfo(was.repository)} (${credentialsOf(was.credentialType)}) with ${added}`
        : `added ${added}`;
    },
    upcast: { 1: dropSummary },
  },
  RepositoryRemoved: {
    version: 2,
    summarize: (d) => `removed repository ${noUserInfo(d.repository)}`,
    upcast: { 1: dropSummary },
  },
  ClusterAdded: {
    version: 2,
    // `project` is optional in version 2 (events written before it had none: not project-scoped).
    summarize: (d) => {
      const scope = (project: string | undefined) => (project ? `, project ${project}` : '');
      return d.replaced
        ? `replaced cluster ${d.cluster} (${d.replaced.server}, ${d.replaced.authType}${scope(d.replaced.project)}) with ${d.server}, ${d.authType}${scope(d.project)}`
        : `added cluster ${d.cluster} (${d.server}, ${d.authType}${scope(d.project)})`;
    },
    upcast: { 1: dropSummary },
  },
  ClusterRemoved: {
    version: 2,
    summarize: (d) => `removed cluster ${d.cluster} (${d.server})`,
    upcast: { 1: dropSummary },
  },
  AccountPasswordChanged: {
    version: 1,
    summarize: (d) =>
      d.initial
        ? `generated the initial password of account ${d.account}`
        : `changed the password of account ${d.account} (its earlier tokens are refused)`,
  },
  AccountTokenCreated: {
    version: 1,
    summarize: (d) =>
      `issued API key ${d.id} of account ${d.account}${d.expiresAt !== undefined ? `, expiring ${new Date(d.expiresAt * 1000).toISOString()}` : ', not expiring'}`,
  },
  AccountTokenDeleted: {
    version: 1,
    summarize: (d) => `deleted API key ${d.id} of account ${d.account}`,
  },
  SessionTokenRevoked: {
    version: 1,
    summarize: (d) => `logged out: revoked session token ${d.id} of account ${d.account}`,
  },
};

function definitionOf(type: string): EventDefinition<DomainEvent> | undefined {
  return (EVENT_CATALOG as Record<string, EventDefinition<DomainEvent> | undefined>)[type];
}

/** The schema version Berth writes for `type`. */
export function schemaVersionOf(type: BerthEventType): number {
  return EVENT_CATALOG[type].version;
}

/** The audit log's one-line summary of an event (its type, for a type this code does not know). */
export function summarizeEvent(event: Pick<DomainEvent, 'type' | 'data'>): string {
  const definition = definitionOf(event.type);
  if (!definition) return event.type;
  try {
    return definition.summarize(event.data);
  } catch {
    // Data that does not fit the declared shape (written by hand, or by a future version): say what it is.
    return event.type;
  }
}

/** An event read from the log, at the schema version this code writes; unknown types pass unchanged. */
export function upcastEvent<E extends Pick<DomainEvent, 'type' | 'schemaVersion' | 'data'>>(event: E): E {
  const definition = definitionOf(event.type);
  if (!definition || event.schemaVersion >= definition.version) return event;
  let data = event.data as Record<string, unknown>;
  for (let version = event.schemaVersion; version < definition.version; version++) {
    const step = definition.upcast?.[version];
    if (!step) {
      throw new Error(
        `${event.type} version ${version} cannot be read: no upcaster to version ${version + 1} in the event catalog`,
      );
    }
    data = step(data);
  }
  return { ...event, schemaVersion: definition.version, data };
}
