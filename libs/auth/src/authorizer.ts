import { DomainError } from '@berth/domain';
import type { ProjectRbac, RbacDecision, RbacEnforcer } from '@berth/rbac';
import type { Identity } from './identity';
import { rbacClaimsOf } from './rbac-claims';

/** Where the Authorizer finds what it judges by: the policy in force and the projects' roles. */
export interface AuthorizerOptions {
  /** The RBAC policy in force (RbacConfigSource): read per request, so a reloaded file counts at once. */
  rbac: { readonly enforcer: RbacEnforcer };
  /** One AppProject by name (its roles and issued tokens), read fresh: a revoked project token stops at once. */
  project: (name: string) => Promise<ProjectRbac | undefined>;
  /** Every AppProject: list endpoints compile their roles once per request. */
  allProjects: () => Promise<readonly ProjectRbac[]>;
  /** The claim SSO groups came from (oidc.config `groupsClaim`), so `scopes` may name it. */
  groupsClaim?: () => string;
}

/** 403: the caller is authenticated but no policy lets it do this. */
export class PermissionDeniedError extends DomainError {
  constructor(message: string) {
    super('Forbidden', message);
  }
}

/** What an AppProject name can be (a DNS-1123 subdomain): anything else is never looked up. */
const PROJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** The first segment of a project-scoped object (`<project>/<name>`), or the object for `projects`. */
function projectOfObject(resource: string, object: string): string | undefined {
  if (resource === 'projects') return object;
  const at = object.indexOf('/');
  return at > 0 ? object.slice(0, at) : undefined;
}

/**
 * Argo CD's `enf.EnforceErr(claims, resource, action, object)` for a request's identity: the policy in force
 * (built-in roles, argocd-rbac-cm) plus, for an object of a project, that project's roles. Every route of
 * every process asks it, either through @Authorize (PermissionGuard) or in its handler when the object is
 * only known from the body.
 */
export class Authorizer {
  constructor(private readonly options: AuthorizerOptions) {}

  async decide(identity: Identity, resource: string, action: string, object: string): Promise<RbacDecision> {
    const projectName = projectOfObject(resource, object);
    // A name no project can have (a NUL, a glob) is not looked up: no policy of a project applies to it.
    const project =
      projectName === undefined || !PROJECT_NAME.test(projectName)
        ? undefined
        : await this.options.project(projectName);
    return this.options.rbac.enforcer.decide(
      this.claimsOf(identity),
      resource,
      action,
      object,
      project ? (name) => (name === project.metadata.name ? project : undefined) : undefined,
    );
  }

  async may(identity: Identity, resource: string, action: string, object: string): Promise<boolean> {
    return (await this.decide(identity, resource, action, object)).allowed;
  }

  /**
   * Throws PermissionDeniedError (403) unless allowed. The message names the request as Argo CD's
   * (`permission denied: applications, sync, team-a/guestbook, sub: alice`) and how a policy grants it; it
   * never says whether the object exists.
   */
  async assert(identity: Identity, resource: string, action: string, object: string): Promise<void> {
    const decision = await this.decide(identity, resource, action, object);
    if (!decision.allowed) throw permissionDenied(identity, resource, action, object, decision.reason);
  }

  /** For list endpoints: which objects of `resource` the caller may `action` (default `get`). */
  async filter(identity: Identity, resource: string, action = 'get'): Promise<(object: string) => boolean> {
    const projects = await this.options.allProjects();
    return this.options.rbac.enforcer.filter(this.claimsOf(identity), resource, projects, action);
  }

  private claimsOf(identity: Identity) {
    return rbacClaimsOf(identity, this.options.groupsClaim?.() ?? 'groups');
  }
}

export function permissionDenied(
  identity: Identity,
  resource: string,
  action: string,
  object: string,
  reason: string,
): PermissionDeniedError {
  const grant =
    identity.kind === 'project'
      ? `a policy of the project role (spec.roles[].policies)`
      : `a line "p, <role>, ${resource}, ${action}, ${object}, allow" in argocd-rbac-cm's policy.csv and "g, ${identity.subject}, <role>" (docs/rbac.md)`;
  return new PermissionDeniedError(
    `permission denied: ${resource}, ${action}, ${object}, sub: ${identity.subject} (${reason}); ask an administrator for ${grant}`,
  );
}
