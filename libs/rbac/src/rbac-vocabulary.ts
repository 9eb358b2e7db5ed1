import { PROJECT_SCOPED_RESOURCES } from '@berth/domain';

/**
 * Argo CD's RBAC resources and the actions each one has (util/rbac/rbac.go `Resources`, `Actions`; the table
 * of docs/operator-manual/rbac.md; cmd/argocd/commands/admin/settings_rbac.go `validRBACResourcesActions`).
 * Berth adds one action, `approve` on applications (the right to approve a gated sync), and one resource,
 * `notifications` (the notifier's delivery log and config: `get`, `update`; docs/rbac.md).
 */
export const RBAC_RESOURCES = [
  'applications',
  'applicationsets',
  'clusters',
  'repositories',
  'projects',
  'accounts',
  'certificates',
  'gpgkeys',
  'logs',
  'exec',
  'extensions',
  'notifications',
] as const;

export type RbacResource = (typeof RBAC_RESOURCES)[number];

/** Berth's action on applications: approve (or reject) a sync that waits for approval. */
export const APPROVE_ACTION = 'approve';

interface ActionSet {
  actions: readonly string[];
  /**
   * Actions that take a path: `update/<group>/<kind>/<ns>/<name>` and `delete/...` (one resource of an
   * application), `action/<group>/<kind>/<name>` (a resource action).
   */
  withPath: readonly string[];
}

const CRUD: ActionSet = { actions: ['get', 'create', 'update', 'delete'], withPath: [] };

/**
 * Per resource, as Argo CD documents it. Certificates also take `update`: Argo CD's built-in role:admin
 * grants it, although its table leaves it out.
 */
export const RESOURCE_ACTIONS: Readonly<Record<RbacResource, ActionSet>> = {
  applications: {
    actions: ['get', 'create', 'update', 'delete', 'sync', 'override', 'action', APPROVE_ACTION],
    withPath: ['update', 'delete', 'action'],
  },
  applicationsets: CRUD,
  clusters: CRUD,
  repositories: CRUD,
  projects: CRUD,
  accounts: { actions: ['get', 'update'], withPath: [] },
  certificates: { actions: ['get', 'create', 'update', 'delete'], withPath: [] },
  gpgkeys: { actions: ['get', 'create', 'delete'], withPath: [] },
  logs: { actions: ['get'], withPath: [] },
  exec: { actions: ['create'], withPath: [] },
  extensions: { actions: ['invoke'], withPath: [] },
  notifications: { actions: ['get', 'update'], withPath: [] },
};

export function isRbacResource(name: string): name is RbacResource {
  return (RBAC_RESOURCES as readonly string[]).includes(name);
}

/**
 * Argo CD's rbac.ProjectScoped: objects are `<project>/<name>` (or `<project>/<namespace>/<name>`), and a
 * request on them also consults the project's roles.
 */
export function isProjectScoped(resource: string): boolean {
  return PROJECT_SCOPED_RESOURCES.includes(resource);
}

/**
 * The project a request concerns (Argo CD's getProjectFromRequest): the first segment of the object for
 * project-scoped resources (when it has one), the object itself for `projects`.
 */
export function projectOfRequest(resource: string, object: string): string | undefined {
  if (resource === 'projects') return object;
  if (!isProjectScoped(resource)) return undefined;
  const parts = object.split('/');
  return parts.length >= 2 ? parts[0] : undefined;
}
