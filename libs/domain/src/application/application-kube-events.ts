import { summarizeEvent } from '../events/event-catalog';
import type { RecordedEvent } from '../events/event-envelope';
import { APPLICATION_API_VERSION, APPLICATION_KIND } from './application.types';

/** A core/v1 Event as the Kubernetes API serves it (the fields Argo CD's UI and CLI read). */
export interface KubernetesEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    annotations?: Record<string, string>;
  };
  involvedObject: { apiVersion: string; kind: string; name: string; namespace: string };
  reason: string;
  message: string;
  source: { component: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: 'Normal' | 'Warning';
  reportingComponent: string;
  reportingInstance: string;
}

/**
 * Argo CD's reasons for the Events it records on an Application (`util/argo/audit_logger.go`), by the
 * Berth event that says the same thing. Other events keep their own type as the reason.
 */
const ARGO_REASONS: Readonly<Record<string, string>> = {
  ApplicationCreated: 'ResourceCreated',
  ApplicationSpecChanged: 'ResourceUpdated',
  ApplicationDeleted: 'ResourceDeleted',
  SyncStatusChanged: 'ResourceUpdated',
  HealthStatusChanged: 'ResourceUpdated',
  RefreshRequested: 'StatusRefreshed',
  SyncRequested: 'OperationStarted',
  SyncOperationSucceeded: 'OperationCompleted',
  SyncOperationFailed: 'OperationCompleted',
  SyncOperationTerminated: 'OperationCompleted',
  ResourceActionRun: 'ResourceActionRan',
  LiveResourcePatched: 'ResourceUpdated',
  LiveResourceDeleted: 'ResourceDeleted',
  // An AppProject's (Argo CD's LogAppProjEvent).
  ProjectCreated: 'ResourceCreated',
  ProjectSpecChanged: 'ResourceUpdated',
  ProjectDeleted: 'ResourceDeleted',
};

/** What Argo CD records as a Warning: an operation that did not succeed, and Berth's refusals and problems. */
const WARNINGS: ReadonlySet<string> = new Set([
  'SyncOperationFailed',
  'SyncOperationTerminated',
  'SyncRefused',
  'ConditionRaised',
  'AutoRollbackTriggered',
]);

/** Kubernetes' Time: RFC 3339 in UTC, to the second. */
function kubeTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * An Application's event from Berth's log as the core/v1 Event Argo CD records on the Application
 * resource (what `GET /api/v1/applications/{name}/events` lists when no resource is named): the reason in
 * Argo CD's words, the audit summary as the message, who did it in the `user` annotation (Argo CD's
 * audit logger writes the same key). Name, uid and resourceVersion come from the event's position in the
 * log, so the same event always reads the same.
 */
export function kubernetesEventOf(
  app: {
    name: string;
    namespace: string;
    /** What the event is about when it is not an Application: an AppProject's events (`ProjectService.ListEvents`). */
    involved?: { apiVersion: string; kind: string };
  },
  event: Pick<RecordedEvent, 'position' | 'type' | 'data' | 'metadata' | 'recordedAt'>,
): KubernetesEvent {
  const time = kubeTime(event.recordedAt);
  const component = event.metadata.source ? `berth-${event.metadata.source}` : 'berth';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${app.name}.${event.position.toString(16)}`,
      namespace: app.namespace,
      uid: `berth-event-${event.position}`,
      resourceVersion: event.position.toString(),
      creationTimestamp: time,
      annotations: {
        user: event.metadata.actor,
        ...(event.metadata.reason ? { reason: event.metadata.reason } : {}),
      },
    },
    involvedObject: {
      apiVersion: app.involved?.apiVersion ?? APPLICATION_API_VERSION,
      kind: app.involved?.kind ?? APPLICATION_KIND,
      name: app.name,
      namespace: app.namespace,
    },
    reason: ARGO_REASONS[event.type] ?? event.type,
    message: summarizeEvent(event),
    source: { component },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    type: WARNINGS.has(event.type) ? 'Warning' : 'Normal',
    reportingComponent: component,
    reportingInstance: '',
  };
}
