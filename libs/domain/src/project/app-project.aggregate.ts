import { DomainError } from '../errors/domain-error';
import type { Aggregate } from '../events/aggregate';
import type { RecordedEvent } from '../events/event-envelope';
import { schemaVersionOf } from '../events/event-catalog';
import { projectStreamId, type ProjectEvent } from '../events/project.events';
import { canonicalJson } from '../application/application.decide';
import type { AppProject } from './app-project.types';

/** One AppProject as its stream tells it. */
export interface AppProjectState {
  name: string;
  exists: boolean;
  manifest: AppProject | null;
  /** When it was (last) created. */
  createdAt: string | null;
  updatedAt: string | null;
  streamVersion: number;
}

export type AppProjectCommand =
  | { type: 'UpsertProject'; project: AppProject }
  /** `usedBy`: some applications of the project (a project in use is not deleted). */
  | { type: 'DeleteProject'; usedBy: readonly string[] };

const PREFIX = projectStreamId('');

export function initialAppProjectState(name: string): AppProjectState {
  return { name, exists: false, manifest: null, createdAt: null, updatedAt: null, streamVersion: 0 };
}

export function evolveAppProject(state: AppProjectState, recorded: RecordedEvent): AppProjectState {
  const event = recorded as unknown as ProjectEvent;
  const at = recorded.recordedAt.toISOString();
  const next = { ...state, streamVersion: recorded.streamVersion, updatedAt: at };
  switch (event.type) {
    case 'ProjectCreated':
      return { ...next, exists: true, manifest: event.data.manifest as unknown as AppProject, createdAt: at };
    case 'ProjectSpecChanged':
      return { ...next, exists: true, manifest: event.data.manifest as unknown as AppProject };
    case 'ProjectDeleted':
      return { ...next, exists: false, manifest: null };
    default:
      return next;
  }
}

/** Creating or changing a project records it (nothing when the spec is the same); deleting one in use is refused. */
export function decideAppProject(command: AppProjectCommand, state: AppProjectState): ProjectEvent[] {
  switch (command.type) {
    case 'UpsertProject': {
      const manifest = command.project as unknown as Record<string, unknown>;
      if (state.exists && canonicalJson(state.manifest) === canonicalJson(command.project)) return [];
      return state.exists
        ? [
            {
              type: 'ProjectSpecChanged',
              schemaVersion: schemaVersionOf('ProjectSpecChanged'),
              data: { project: state.name, manifest },
            },
          ]
        : [
            {
              type: 'ProjectCreated',
              schemaVersion: schemaVersionOf('ProjectCreated'),
              data: { project: state.name, manifest },
            },
          ];
    }
    case 'DeleteProject':
      if (!state.exists)
        throw new DomainError(
          'NotFound',
          `project "${state.name}" not found; list them with GET /api/v1/projects`,
        );
      if (command.usedBy.length > 0)
        throw new DomainError(
          'Invalid',
          `project "${state.name}" is used by ${command.usedBy.join(', ')}${command.usedBy.length >= 5 ? ' and more' : ''}; move or delete those applications first`,
        );
      return [
        {
          type: 'ProjectDeleted',
          schemaVersion: schemaVersionOf('ProjectDeleted'),
          data: { project: state.name },
        },
      ];
  }
}

/** The AppProject aggregate: one stream per project (`project-<name>`). */
export const appProjectAggregate: Aggregate<AppProjectState> = {
  name: 'project',
  streamPrefix: PREFIX,
  stateVersion: 1,
  initial: (streamId) => initialAppProjectState(streamId.slice(PREFIX.length)),
  evolve: evolveAppProject,
};
