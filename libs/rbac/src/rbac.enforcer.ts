import { BUILTIN_POLICY_CSV } from './builtin-policy';
import { CasbinPolicy } from './casbin-policy';
import { readPolicyLines, type PolicyLine } from './policy-line';
import { globAsRegex, type MatchMode } from './policy-pattern';
import {
  isTokenListed,
  projectPolicyLines,
  projectsFrom,
  type ProjectLookup,
  type ProjectRbac,
} from './project-policy';
import type { RbacConfig } from './rbac-config';
import { projectOfRequest } from './rbac-vocabulary';
import { identify, scopeValues, type SubjectClaims } from './subject-claims';

/** The issuer of the tokens Berth signs itself, as Argo CD's (`iss: argocd`). */
export const DEFAULT_LOCAL_ISSUER = 'argocd';

export interface RbacEnforcerOptions {
  /**
   * `iss` of tokens Berth issues (local accounts, project tokens); default `argocd`. Only their `sub` is read
   * as `<account>:login|apiKey` or `proj:<project>:<role>`; an SSO subject is taken as it is.
   */
  localIssuer?: string;
  /** How many compiled project policies to keep (default 256); older ones are compiled again when needed. */
  projectCacheSize?: number;
}

/** An authorization decision and why, for logs and error messages. Never holds a token. */
export interface RbacDecision {
  allowed: boolean;
  /** The subject judged: the account, the SSO subject, or `proj:<project>:<role>`. */
  subject: string;
  /** What allowed it (`default role "role:readonly"`, `group "my-org:ops"`, ...) or why nothing did. */
  reason: string;
}

interface CompiledProject {
  /** Built-in + policy.csv + the project's role policies: what users and groups are judged by. */
  forUsers: CasbinPolicy;
  /** The project's role policies alone: what the project's tokens are judged by. */
  forTokens: CasbinPolicy;
}

const BUILTIN_LINES: readonly PolicyLine[] = readPolicyLines(BUILTIN_POLICY_CSV, 'builtin-policy.csv').lines;

/** The built-in lines in the match mode: written as globs, so translated for regex mode. */
function builtinLines(mode: MatchMode): readonly PolicyLine[] {
  if (mode === 'glob') return BUILTIN_LINES;
  return BUILTIN_LINES.map((line) =>
    line.type === 'p'
      ? {
          ...line,
          resource: globAsRegex(line.resource),
          action: globAsRegex(line.action),
          object: globAsRegex(line.object),
        }
      : line,
  );
}

/**
 * Argo CD's RBAC (util/rbac/rbac.go `enforce`, server/rbacpolicy/rbacpolicy.go `EnforceClaims`) over one
 * argocd-rbac-cm. Immutable: a changed config is a new enforcer (RbacConfigSource builds them).
 *
 * A request `(claims, resource, action, object)` is allowed when, in this order:
 * 1. the request concerns a project (`<project>/...` of a project-scoped resource, or `projects, <name>`) and
 *    the caller is one of that project's tokens (`proj:<project>:<role>`): its role's policies allow it, and
 *    nothing else counts. A project token never acts outside its project.
 * 2. the default role (`policy.default`) allows it; no deny line can take that away;
 * 3. the caller's subject (account name or SSO `sub`) allows it;
 * 4. one of the caller's groups (the claims named in `scopes`) that a `g` line binds allows it.
 * Each of 2-4 is one Casbin check over the built-in policy, policy.csv and, for a project's objects, that
 * project's role policies: a deny there beats an allow for the same subject and the roles it holds, not for
 * another group of the same caller.
 */
export class RbacEnforcer {
  private readonly projectCache = new Map<string, CompiledProject>();
  private readonly compiling = new Map<string, Promise<CompiledProject>>();
  private readonly localIssuer: string;
  private readonly projectCacheSize: number;

  private constructor(
    readonly config: RbacConfig,
    private readonly global: CasbinPolicy,
    options: RbacEnforcerOptions,
  ) {
    this.localIssuer = options.localIssuer ?? DEFAULT_LOCAL_ISSUER;
    this.projectCacheSize = options.projectCacheSize ?? 256;
  }

  static async create(config: RbacConfig, options: RbacEnforcerOptions = {}): Promise<RbacEnforcer> {
    const global = await CasbinPolicy.load(
      [...builtinLines(config.matchMode), ...config.policy],
      config.matchMode,
    );
    return new RbacEnforcer(config, global, options);
  }

  /** Whether the caller may do `action` on `object` of `resource`. `projects` finds the request's project. */
  async enforce(
    claims: SubjectClaims,
    resource: string,
    action: string,
    object: string,
    projects?: ProjectLookup,
  ): Promise<boolean> {
    return (await this.decide(claims, resource, action, object, projects)).allowed;
  }

  /** `enforce` with the reason, for logs and 403 messages. */
  async decide(
    claims: SubjectClaims,
    resource: string,
    action: string,
    object: string,
    projects?: ProjectLookup,
  ): Promise<RbacDecision> {
    const project = this.requestProject(resource, object, projects);
    const compiled = project ? await this.compile(project) : undefined;
    return this.decideCompiled(claims, resource, action, object, project, compiled);
  }

  /**
   * For list endpoints: a predicate telling which objects of `resource` the caller may `action` (default
   * `get`). `projects` are the projects the objects may belong to; their policies are compiled first, so the
   * predicate answers without waiting.
   */
  async filter(
    claims: SubjectClaims,
    resource: string,
    projects: readonly ProjectRbac[] = [],
    action = 'get',
  ): Promise<(object: string) => boolean> {
    const compiled = new Map<ProjectRbac, CompiledProject>();
    await Promise.all(projects.map(async (project) => compiled.set(project, await this.compile(project))));
    const lookup = projectsFrom(projects);
    return (object) => {
      const project = this.requestProject(resource, object, lookup);
      return this.decideCompiled(claims, resource, action, object, project, project && compiled.get(project))
        .allowed;
    };
  }

  private requestProject(
    resource: string,
    object: string,
    projects: ProjectLookup | undefined,
  ): ProjectRbac | undefined {
    const name = projectOfRequest(resource, object);
    if (name === undefined || projects === undefined) return undefined;
    const project = projects(name);
    // A lookup that answers with another project must not lend its roles to this request.
    return project?.metadata.name === name ? project : undefined;
  }

  private decideCompiled(
    claims: SubjectClaims,
    resource: string,
    action: string,
    object: string,
    project: ProjectRbac | undefined,
    compiled: CompiledProject | undefined,
  ): RbacDecision {
    const identity = identify(claims, this.localIssuer);
    const { subject } = identity;
    const deny = (reason: string): RbacDecision => ({ allowed: false, subject, reason });

    if (identity.kind === 'foreign-project-subject') {
      return deny('an SSO subject shaped like a project role (proj:<project>:<role>) is refused');
    }
    if (identity.kind === 'project-token') {
      if (!project || !compiled || project.metadata.name !== identity.project) {
        return deny(`a token of project ${identity.project} acts only on that project's objects`);
      }
      const role = project.spec.roles?.find((candidate) => candidate.name === identity.role);
      if (!role) return deny(`project ${identity.project} has no role ${identity.role}`);
      if (!isTokenListed(project, role, claims)) {
        return deny(
          `the token is not listed under role ${identity.role} of project ${identity.project} (revoked)`,
        );
      }
      return compiled.forTokens.allows(subject, resource, action, object)
        ? { allowed: true, subject, reason: `role ${identity.role} of project ${identity.project}` }
        : deny(`no policy of role ${identity.role} of project ${identity.project} allows it`);
    }

    const policy = compiled?.forUsers ?? this.global;
    const { defaultRole, scopes } = this.config;
    if (defaultRole !== '' && policy.allows(defaultRole, resource, action, object)) {
      return { allowed: true, subject, reason: `default role ${JSON.stringify(defaultRole)}` };
    }
    if (subject !== '' && policy.allows(subject, resource, action, object)) {
      return { allowed: true, subject, reason: `subject ${JSON.stringify(subject)}` };
    }
    for (const group of scopeValues(claims, scopes)) {
      if (policy.boundSubjects.has(group) && policy.allows(group, resource, action, object)) {
        return { allowed: true, subject, reason: `group ${JSON.stringify(group)}` };
      }
    }
    return deny('no policy allows it');
  }

  private cacheKey(project: ProjectRbac): string {
    return `${project.metadata.name}\n${JSON.stringify(project.spec.roles ?? [])}`;
  }

  /** The project's compiled policies, from the cache or compiled once however many callers ask at once. */
  private async compile(project: ProjectRbac): Promise<CompiledProject> {
    const key = this.cacheKey(project);
    const cached = this.projectCache.get(key);
    if (cached) {
      // Most recently used last: the oldest entry is the first one dropped.
      this.projectCache.delete(key);
      this.projectCache.set(key, cached);
      return cached;
    }
    let pending = this.compiling.get(key);
    if (!pending) {
      pending = this.compileProject(project);
      this.compiling.set(key, pending);
    }
    try {
      const compiled = await pending;
      this.projectCache.set(key, compiled);
      while (this.projectCache.size > this.projectCacheSize) {
        const oldest = this.projectCache.keys().next().value;
        if (oldest === undefined) break;
        this.projectCache.delete(oldest);
      }
      return compiled;
    } finally {
      this.compiling.delete(key);
    }
  }

  private async compileProject(project: ProjectRbac): Promise<CompiledProject> {
    const mode = this.config.matchMode;
    const lines = projectPolicyLines(project);
    const [forUsers, forTokens] = await Promise.all([
      CasbinPolicy.load([...builtinLines(mode), ...this.config.policy, ...lines], mode),
      CasbinPolicy.load(lines, mode),
    ]);
    return { forUsers, forTokens };
  }
}
