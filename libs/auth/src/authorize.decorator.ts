import { SetMetadata } from '@nestjs/common';

export const ROUTE_PERMISSION = 'berth:route-permission';

/** What an @Authorize route's RBAC object is made of. */
export type PermissionObject =
  /** `<project>/<app>` of the application named by this route parameter (Argo CD's `a.RBACName`). */
  | { application: string }
  /** The route parameter itself (a project's, an account's name). */
  | { param: string }
  /** A fixed object (`*`). */
  | { literal: string };

/** How a route is authorized; every route that is not @Public() declares one (PermissionGuard). */
export type RoutePermission =
  | { kind: 'rbac'; resource: string; action: string; object: PermissionObject }
  /** The object is only known from the body or a stored record: the handler asks the Authorizer itself. */
  | { kind: 'handler'; why: string }
  /** Any authenticated caller: the answer is filtered to what it may see, or concerns only itself. */
  | { kind: 'authenticated'; why: string };

/**
 * `@Authorize('applications', 'sync', { application: 'name' })`: PermissionGuard answers 403 unless the
 * caller holds that right on that object (Argo CD's resources and actions, docs/rbac.md).
 */
export const Authorize = (resource: string, action: string, object: PermissionObject) =>
  SetMetadata(ROUTE_PERMISSION, { kind: 'rbac', resource, action, object } satisfies RoutePermission);

/** The handler checks the right itself (`Authorizer.assert`), once it knows the object; `why` says why. */
export const AuthorizeInHandler = (why: string) =>
  SetMetadata(ROUTE_PERMISSION, { kind: 'handler', why } satisfies RoutePermission);

/** Any authenticated caller may call it: it filters its answer or acts only on the caller itself. */
export const AnyAuthenticated = (why: string) =>
  SetMetadata(ROUTE_PERMISSION, { kind: 'authenticated', why } satisfies RoutePermission);
