import { DomainError } from '../errors/domain-error';
import type { Aggregate } from '../events/aggregate';
import type { RecordedEvent } from '../events/event-envelope';
import { schemaVersionOf } from '../events/event-catalog';
import { projectStreamId, type ProjectEvent } from '../events/project.events';
import { canonicalJson } from '../application/application.decide';
import type { AppProject, ProjectRole, ProjectRoleToken } from './app-project.types';

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
  | { type: 'DeleteProject'; usedBy: readonly string[] }
  /** Argo CD's CreateToken: a token for `role`, recorded by id (the token itself is never stored). */
  | { type: 'IssueRoleToken'; role: string; token: ProjectRoleToken & { id: string } }
  /** Argo CD's DeleteToken: by `iat`, and by `id` when given. */
  | { type: 'RevokeRoleToken'; role: string; iat: number; id?: string };

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
    case 'ProjectRoleTokenIssued':
      return {
        ...next,
        manifest: withRoleTokens(state.manifest, event.data.role, (tokens) => [...tokens, event.data.token]),
      };
    case 'ProjectRoleTokenRevoked': {
      const { id, iat } = event.data.token;
      return {
        ...next,
        manifest: withRoleTokens(state.manifest, event.data.role, (tokens) =>
          tokens.filter((t) => !(t.iat === iat && (id === undefined || t.id === id))),
        ),
      };
    }
    default:
      return next;
  }
}

/** Creating or changing a project records it (nothing when the spec is the same); deleting one in use is refused. */
export function decideAppProject(command: AppProjectCommand, state: AppProjectState): ProjectEvent[] {
  switch (command.type) {
    case 'UpsertProject': {
      const project = keepIssuedTokens(command.project, state.manifest);
      const manifest = project as unknown as Record<string, unknown>;
      if (state.exists && canonicalJson(state.manifest) === canonicalJson(project)) return [];
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
    case 'IssueRoleToken': {
      const role = existingRole(state, command.role);
      if ((role.jwtTokens ?? []).some((t) => t.id === command.token.id))
        throw new DomainError(
          'AlreadyExists',
          `role ${command.role} of project ${state.name} already has a token with id ${command.token.id}; choose another id or leave it out`,
        );
      return [
        {
          type: 'ProjectRoleTokenIssued',
          schemaVersion: schemaVersionOf('ProjectRoleTokenIssued'),
          data: { project: state.name, role: command.role, token: command.token },
        },
      ];
    }
    case 'RevokeRoleToken': {
      const role = existingRole(state, command.role);
      const found = (role.jwtTokens ?? []).some(
        (t) => t.iat === command.iat && (command.id === undefined || t.id === command.id),
      );
      if (!found)
        throw new DomainError(
          'NotFound',
          `role ${command.role} of project ${state.name} has no token issued at ${command.iat}${command.id ? ` with id ${command.id}` : ''}; list them with GET /api/v1/projects/${state.name}`,
        );
      return [
        {
          type: 'ProjectRoleTokenRevoked',
          schemaVersion: schemaVersionOf('ProjectRoleTokenRevoked'),
          data: {
            project: state.name,
            role: command.role,
            token: { iat: command.iat, ...(command.id !== undefined ? { id: command.id } : {}) },
          },
        },
      ];
    }
  }
}

function existingRole(state: AppProjectState, name: string): ProjectRole {
  if (!state.exists || !state.manifest)
    throw new DomainError(
      'NotFound',
      `project "${state.name}" not found; list them with GET /api/v1/projects`,
    );
  const role = state.manifest.spec.roles?.find((r) => r.name === name);
  if (!role)
    throw new DomainError(
      'NotFound',
      `project ${state.name} has no role ${name}; add it under spec.roles with PUT /api/v1/projects/${state.name}`,
    );
  return role;
}

/**
 * A project written without a role's `jwtTokens` keeps the tokens issued for that role (Argo CD users edit
 * projects without the token list, and `argocd proj edit` must not revoke CI's tokens); `jwtTokens: []`
 * written on purpose revokes them all.
 */
function keepIssuedTokens(project: AppProject, current: AppProject | null): AppProject {
  const roles = project.spec.roles;
  if (!roles || !current?.spec.roles) return project;
  const issued = new Map(current.spec.roles.map((r) => [r.name, r.jwtTokens]));
  return {
    ...project,
    spec: {
      ...project.spec,
      roles: roles.map((role) => {
        const tokens = issued.get(role.name);
        return role.jwtTokens === undefined && tokens && tokens.length > 0
          ? { ...role, jwtTokens: tokens }
          : role;
      }),
    },
  };
}

function withRoleTokens(
  manifest: AppProject | null,
  roleName: string,
  change: (tokens: ProjectRoleToken[]) => ProjectRoleToken[],
): AppProject | null {
  if (!manifest) return manifest;
  return {
    ...manifest,
    spec: {
      ...manifest.spec,
      roles: (manifest.spec.roles ?? []).map((role) => {
        if (role.name !== roleName) return role;
        const tokens = change(role.jwtTokens ?? []);
        const { jwtTokens: _old, ...rest } = role;
        return tokens.length > 0 ? { ...rest, jwtTokens: tokens } : rest;
      }),
    },
  };
}

/** The AppProject aggregate: one stream per project (`project-<name>`). */
export const appProjectAggregate: Aggregate<AppProjectState> = {
  name: 'project',
  streamPrefix: PREFIX,
  stateVersion: 1,
  initial: (streamId) => initialAppProjectState(streamId.slice(PREFIX.length)),
  evolve: evolveAppProject,
};
