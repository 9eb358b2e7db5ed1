/**
 * Argo CD's grammar for AppProject role policies (pkg/apis/application/v1alpha1, `validatePolicy`,
 * `validateGroupName`): `p, proj:<project>:<role>, <resource>, <action>, <project>/<object>, allow|deny`.
 * A role may only grant access to objects of its own project: that is what makes a project token safe
 * to hand to a CI system.
 */

/** Argo CD's rbac.ProjectScoped: the resources whose object is `<project>/<name>`. */
export const PROJECT_SCOPED_RESOURCES: readonly string[] = [
  'applications',
  'applicationsets',
  'repositories',
  'clusters',
  'logs',
  'exec',
];

/**
 * Actions a role policy may name: Argo CD's validActions, plus Berth's `approve` (the approvals of gated
 * syncs, docs/rbac.md), which a project may grant inside itself like `sync`.
 */
export const PROJECT_ROLE_ACTIONS: readonly string[] = [
  'get',
  'create',
  'update',
  'delete',
  'sync',
  'override',
  'approve',
  '*',
];

/**
 * Argo CD's validActionPatterns (`action/.*`, `update/.*`, `delete/.*`): resource actions and the
 * fine-grained update/delete of one resource of an application. Berth reads them as prefixes; Argo CD's
 * unanchored regexps also accept them anywhere in the action.
 */
export const PROJECT_ROLE_ACTION_PREFIXES: readonly string[] = ['action/', 'update/', 'delete/'];

export const PROJECT_SUBJECT_PREFIX = 'proj:';

/** The subject of a project role and of its tokens: `proj:<project>:<role>`. */
export function projectRoleSubject(project: string, role: string): string {
  return `${PROJECT_SUBJECT_PREFIX}${project}:${role}`;
}

/** Argo CD's GetProjectRoleFromSubject: exactly three `:`-separated parts, the first `proj`. */
export function parseProjectRoleSubject(subject: string): { project: string; role: string } | undefined {
  const parts = subject.split(':');
  if (parts.length !== 3 || parts[0] !== 'proj') return undefined;
  const [, project = '', role = ''] = parts;
  return { project, role };
}

/** What is wrong with one policy or group of a role, and what to write instead. */
export interface RolePolicyProblem {
  message: string;
  fix?: string;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;

function isValidAction(action: string): boolean {
  return (
    PROJECT_ROLE_ACTIONS.includes(action) ||
    PROJECT_ROLE_ACTION_PREFIXES.some((prefix) => action.startsWith(prefix) && action.length > prefix.length)
  );
}

/**
 * Checks one role policy line the way Argo CD's validatePolicy does, in its order: form, subject, resource,
 * action, object, effect. Fields are split on `,` and trimmed, as there.
 */
export function checkProjectRolePolicy(
  policy: string,
  project: string,
  role: string,
): RolePolicyProblem | undefined {
  const subject = projectRoleSubject(project, role);
  const example = `e.g. "p, ${subject}, applications, sync, ${project}/*, allow"`;
  const parts = policy.split(',').map((part) => part.trim());
  if (parts.length !== 6 || parts[0] !== 'p') {
    return {
      message: `${JSON.stringify(policy)} is not a policy line`,
      fix: `write six comma-separated fields "p, subject, resource, action, object, effect", ${example}`,
    };
  }
  const [, sub = '', resource = '', action = '', object = '', effect = ''] = parts;
  if (sub !== subject) {
    return {
      message: `the subject must be ${JSON.stringify(subject)}, got ${JSON.stringify(sub)}`,
      fix: example,
    };
  }
  if (!PROJECT_SCOPED_RESOURCES.includes(resource)) {
    return {
      message: `a project role cannot grant ${JSON.stringify(resource)}`,
      fix: `use one of ${PROJECT_SCOPED_RESOURCES.join(', ')}`,
    };
  }
  if (!isValidAction(action)) {
    return {
      message: `${JSON.stringify(action)} is not an action a project role can grant`,
      fix: `use one of ${PROJECT_ROLE_ACTIONS.join(', ')}, or ${PROJECT_ROLE_ACTION_PREFIXES.map((p) => `${p}...`).join(', ')}`,
    };
  }
  // Argo CD: ^<project>(/[*\w-.]+){1,2}$ with the project name quoted.
  const objectPattern = new RegExp(`^${project.replace(REGEX_SPECIAL, '\\$&')}(/[*\\w.-]+){1,2}$`);
  if (!objectPattern.test(object)) {
    return {
      message: `the object must be "${project}/*", "${project}/<app>" or "${project}/<namespace>/<app>": a role only grants access inside its own project; got ${JSON.stringify(object)}`,
      fix: example,
    };
  }
  if (effect !== 'allow' && effect !== 'deny') {
    return { message: `the effect must be allow or deny, got ${JSON.stringify(effect)}` };
  }
  return undefined;
}

const GROUP_INVALID_CHARS = /["\n\r\t]/;

/**
 * Argo CD's validateGroupName: a group with a comma must be quoted (it becomes a CSV field of
 * `g, <group>, proj:<project>:<role>`); quotes, tabs and line breaks are refused inside.
 */
export function checkGroupName(group: string): RolePolicyProblem | undefined {
  const trimmed = group.trim();
  const quoted = trimmed.length > 1 && trimmed.startsWith('"') && trimmed.endsWith('"');
  if (!quoted && trimmed.includes(',')) {
    return { message: `group ${JSON.stringify(group)} has a comma`, fix: `quote it: '"${trimmed}"'` };
  }
  const name = quoted ? trimmed.slice(1, -1) : trimmed;
  if (name === '') return { message: 'the group is empty', fix: 'name an SSO group, or remove the entry' };
  if (GROUP_INVALID_CHARS.test(name)) {
    return {
      message: `group ${JSON.stringify(group)} has a quote, tab or line break`,
      fix: 'write the group as the SSO provider sends it, on one line',
    };
  }
  return undefined;
}

/** The subject a role's `groups` entry binds: surrounding quotes removed, as the CSV reader does. */
export function groupSubject(group: string): string {
  const trimmed = group.trim();
  return trimmed.length > 1 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}
