import {
  checkProjectRolePolicy,
  groupSubject,
  projectRoleSubject,
  type ProjectRole,
  type ProjectRoleToken,
} from '@berth/domain';
import { readPolicyLines, type PolicyLine } from './policy-line';
import type { SubjectClaims } from './subject-claims';

/** The part of an AppProject RBAC reads (an `AppProject` from @berth/domain is one). */
export interface ProjectRbac {
  metadata: { name: string };
  spec: { roles?: readonly ProjectRole[] };
  /** Argo CD keeps issued tokens in `status.jwtTokensByRole[<role>].items` too. */
  status?: Record<string, unknown>;
}

/** Finds a project by name, from whatever the caller holds (a cache, a read model page). */
export type ProjectLookup = (name: string) => ProjectRbac | undefined;

/** A lookup over a list of projects. */
export function projectsFrom(projects: readonly ProjectRbac[]): ProjectLookup {
  const byName = new Map(projects.map((project) => [project.metadata.name, project]));
  return (name) => byName.get(name);
}

/**
 * Argo CD's AppProject.ProjectPoliciesString, line by line: per role, `p, proj:<p>:<r>, projects, get, <p>,
 * allow` (a role may always read its own project), the role's policies, and `g, <group>, proj:<p>:<r>` per
 * group.
 *
 * A policy that fails Argo CD's validatePolicy (stored before Berth checked roles, or written around the
 * API) is left out, unless it is a deny: a deny of the role's own subject can only take rights away.
 */
export function projectPolicyLines(project: ProjectRbac): PolicyLine[] {
  const name = project.metadata.name;
  const lines: PolicyLine[] = [];
  const key = `AppProject ${name}`;
  for (const role of project.spec.roles ?? []) {
    const subject = projectRoleSubject(name, role.name);
    lines.push({
      type: 'p',
      subject,
      resource: 'projects',
      action: 'get',
      object: name,
      effect: 'allow',
      source: { key, line: 0 },
    });
    for (const policy of role.policies ?? []) {
      const problem = checkProjectRolePolicy(policy, name, role.name);
      const read = readPolicyLines(policy, `${key} role ${role.name}`).lines;
      for (const line of read) {
        if (line.type !== 'p' || line.subject !== subject) continue;
        if (problem === undefined || line.effect === 'deny') lines.push(line);
      }
    }
    for (const group of role.groups ?? []) {
      lines.push({ type: 'g', subject: groupSubject(group), role: subject, source: { key, line: 0 } });
    }
  }
  return lines;
}

function tokensInStatus(project: ProjectRbac, role: string): ProjectRoleToken[] {
  const byRole = project.status?.['jwtTokensByRole'];
  if (typeof byRole !== 'object' || byRole === null) return [];
  const entry = (byRole as Record<string, unknown>)[role];
  const items =
    typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['items'] : undefined;
  return Array.isArray(items) ? (items as ProjectRoleToken[]) : [];
}

/**
 * Whether a project token is still listed for its role (Argo CD's GetJWTToken): by `jti`, or by `iat` for a
 * token without one. Removing the entry revokes the token.
 */
export function isTokenListed(project: ProjectRbac, role: ProjectRole, claims: SubjectClaims): boolean {
  const tokens = [...(role.jwtTokens ?? []), ...tokensInStatus(project, role.name)];
  const jti = typeof claims.jti === 'string' ? claims.jti : '';
  if (jti !== '') return tokens.some((token) => token.id === jti);
  const iat = claims.iat;
  return typeof iat === 'number' && tokens.some((token) => token.iat === iat);
}
