import { canonicalJson } from '../application/application.decide';
import { DomainError } from '../errors/domain-error';
import type { Aggregate } from '../events/aggregate';
import {
  applicationSetStreamId,
  type ApplicationSetCondition,
  type ApplicationSetEvent,
} from '../events/applicationset.events';
import type { RecordedEvent } from '../events/event-envelope';
import { schemaVersionOf } from '../events/event-catalog';
import type { ApplicationSet } from './applicationset.types';

/** One ApplicationSet as its stream tells it. */
export interface ApplicationSetState {
  name: string;
  exists: boolean;
  manifest: ApplicationSet | null;
  /** The template's project (Argo CD's RBAC object is `<project>/<name>`). */
  project: string;
  /** What the last reconciliation generated (sorted) and its conditions. */
  applications: string[];
  conditions: ApplicationSetCondition[];
  createdAt: string | null;
  updatedAt: string | null;
  streamVersion: number;
}

export type ApplicationSetCommand =
  | { type: 'UpsertApplicationSet'; applicationSet: ApplicationSet; upsert: boolean }
  | { type: 'DeleteApplicationSet' }
  | { type: 'RecordReconciliation'; applications: string[]; conditions: ApplicationSetCondition[] };

const PREFIX = applicationSetStreamId('');

export function initialApplicationSetState(name: string): ApplicationSetState {
  return {
    name,
    exists: false,
    manifest: null,
    project: '',
    applications: [],
    conditions: [],
    createdAt: null,
    updatedAt: null,
    streamVersion: 0,
  };
}

/** The template's project; a templated one (`{{...}}`) is named as written. */
export function projectOfApplicationSet(appSet: ApplicationSet): string {
  const project = appSet.spec.template.spec?.['project'];
  return typeof project === 'string' && project !== '' ? project : 'default';
}

export function evolveApplicationSet(
  state: ApplicationSetState,
  recorded: RecordedEvent,
): ApplicationSetState {
  const event = recorded as unknown as ApplicationSetEvent;
  const at = recorded.recordedAt.toISOString();
  const next = { ...state, streamVersion: recorded.streamVersion, updatedAt: at };
  switch (event.type) {
    case 'ApplicationSetCreated':
      return {
        ...next,
        exists: true,
        manifest: event.data.manifest as unknown as ApplicationSet,
        project: event.data.project,
        applications: [],
        conditions: [],
        createdAt: at,
      };
    case 'ApplicationSetSpecChanged':
      return {
        ...next,
        exists: true,
        manifest: event.data.manifest as unknown as ApplicationSet,
        project: event.data.project,
      };
    case 'ApplicationSetDeleted':
      return { ...next, exists: false, manifest: null, applications: [], conditions: [] };
    case 'ApplicationSetReconciled':
      return { ...next, applications: event.data.applications, conditions: event.data.conditions };
    default:
      return next;
  }
}

/**
 * Creating an existing set without `upsert` is refused unless the spec is the same (Argo CD's Create);
 * an equal spec records nothing. A reconciliation is recorded only when its outcome changed, so the
 * periodic requeue does not grow the log.
 */
export function decideApplicationSet(
  command: ApplicationSetCommand,
  state: ApplicationSetState,
): ApplicationSetEvent[] {
  switch (command.type) {
    case 'UpsertApplicationSet': {
      const manifest = command.applicationSet as unknown as Record<string, unknown>;
      const project = projectOfApplicationSet(command.applicationSet);
      if (!state.exists)
        return [
          {
            type: 'ApplicationSetCreated',
            schemaVersion: schemaVersionOf('ApplicationSetCreated'),
            data: { applicationSet: state.name, project, manifest },
          },
        ];
      if (canonicalJson(state.manifest?.spec) === canonicalJson(command.applicationSet.spec)) return [];
      if (!command.upsert)
        throw new DomainError(
          'AlreadyExists',
          `existing ApplicationSet spec is different, use upsert flag to force update (${state.name}); pass upsert=true (berth appset create --upsert)`,
        );
      return [
        {
          type: 'ApplicationSetSpecChanged',
          schemaVersion: schemaVersionOf('ApplicationSetSpecChanged'),
          data: { applicationSet: state.name, project, manifest },
        },
      ];
    }
    case 'DeleteApplicationSet':
      if (!state.exists)
        throw new DomainError(
          'NotFound',
          `applicationset "${state.name}" not found; list them with GET /api/v1/applicationsets`,
        );
      return [
        {
          type: 'ApplicationSetDeleted',
          schemaVersion: schemaVersionOf('ApplicationSetDeleted'),
          data: { applicationSet: state.name },
        },
      ];
    case 'RecordReconciliation': {
      if (!state.exists) return [];
      const applications = [...command.applications].sort();
      if (
        canonicalJson(applications) === canonicalJson(state.applications) &&
        canonicalJson(command.conditions) === canonicalJson(state.conditions)
      )
        return [];
      return [
        {
          type: 'ApplicationSetReconciled',
          schemaVersion: schemaVersionOf('ApplicationSetReconciled'),
          data: { applicationSet: state.name, applications, conditions: command.conditions },
        },
      ];
    }
  }
}

/** The ApplicationSet aggregate: one stream per set (`applicationset-<name>`). */
export const applicationSetAggregate: Aggregate<ApplicationSetState> = {
  name: 'applicationset',
  streamPrefix: PREFIX,
  stateVersion: 1,
  initial: (streamId) => initialApplicationSetState(streamId.slice(PREFIX.length)),
  evolve: evolveApplicationSet,
};
