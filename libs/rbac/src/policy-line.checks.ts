import type { PolicyLine, PolicyRule } from './policy-line';
import { compilePattern, type MatchMode } from './policy-pattern';
import { RBAC_RESOURCES, RESOURCE_ACTIONS, isRbacResource, type RbacResource } from './rbac-vocabulary';

/** One problem of a policy line: an error keeps the config from loading, a warning does not. */
export interface LineFinding {
  severity: 'error' | 'warning';
  message: string;
}

/**
 * Resources and actions of Argo CD that Berth does not have. A line naming them is kept (an Argo CD config
 * loads unchanged) and warned about: it grants nothing in Berth.
 */
const ARGO_ONLY_RESOURCES: readonly string[] = ['write-repositories'];
const ARGO_ONLY_ACTIONS: Readonly<Record<string, readonly string[]>> = { exec: ['debug'] };

const GLOB_SPECIAL = /[*?[{\\]/;
const REGEX_SPECIAL = /[.^$*+?()[\]{}|\\]/;

function isLiteral(pattern: string, mode: MatchMode): boolean {
  return !(mode === 'glob' ? GLOB_SPECIAL : REGEX_SPECIAL).test(pattern);
}

/** The text a pattern's matches must start with, or undefined when it cannot be told (alternatives). */
function literalPrefix(pattern: string, mode: MatchMode): string | undefined {
  if (mode === 'glob') {
    const at = pattern.search(GLOB_SPECIAL);
    return at < 0 ? pattern : pattern.slice(0, at);
  }
  if (pattern.includes('|')) return undefined;
  const body = pattern.startsWith('^') ? pattern.slice(1) : pattern;
  const at = body.search(REGEX_SPECIAL);
  const prefix = at < 0 ? body : body.slice(0, at);
  // `ab?` or `ab*` may drop the last letter before the operator.
  return at >= 0 && /[?*{]/.test(body[at] ?? '') ? prefix.slice(0, -1) : prefix;
}

function resourcesMatching(rule: PolicyRule, mode: MatchMode, compiled: RegExp): RbacResource[] {
  if (isLiteral(rule.resource, mode)) return isRbacResource(rule.resource) ? [rule.resource] : [];
  return RBAC_RESOURCES.filter((resource) => compiled.test(resource));
}

function isKnownAction(action: string, resources: readonly RbacResource[]): boolean {
  const slash = action.indexOf('/');
  const base = slash < 0 ? action : action.slice(0, slash);
  return resources.some((resource) => {
    const set = RESOURCE_ACTIONS[resource];
    return (
      set.actions.includes(base) && (slash < 0 || (set.withPath.includes(base) && slash < action.length - 1))
    );
  });
}

function prefixFitsAnAction(prefix: string, resources: readonly RbacResource[]): boolean {
  return resources.some((resource) => {
    const set = RESOURCE_ACTIONS[resource];
    return set.actions.some(
      (action) =>
        action.startsWith(prefix) || (set.withPath.includes(action) && prefix.startsWith(`${action}/`)),
    );
  });
}

function describeChoices(resources: readonly RbacResource[]): string {
  const names = new Set<string>();
  for (const resource of resources) {
    const set = RESOURCE_ACTIONS[resource];
    for (const action of set.actions) {
      names.add(action);
      if (set.withPath.includes(action)) names.add(`${action}/...`);
    }
  }
  return [...names, '*'].join(', ');
}

function checkRule(rule: PolicyRule, mode: MatchMode, findings: LineFinding[]): void {
  const error = (message: string): void => {
    findings.push({ severity: 'error', message });
  };
  const warn = (message: string): void => {
    findings.push({ severity: 'warning', message });
  };
  if (rule.subject === '')
    error('the subject is empty; name a role (role:<name>), a local account or an SSO group');
  if (rule.subject.startsWith('proj:')) {
    warn(
      `subject ${JSON.stringify(rule.subject)} is a project role: Berth judges a project token by its project's spec.roles only, so this line only applies to those bound to the role with a g line`,
    );
  }

  if (rule.resource === '') return error('the resource is empty; name one, e.g. applications, or "*"');
  const resourcePattern = compilePattern(rule.resource, mode);
  if (!(resourcePattern instanceof RegExp))
    return error(`resource ${JSON.stringify(rule.resource)} ${resourcePattern.error}`);
  const resources = resourcesMatching(rule, mode, resourcePattern);
  if (resources.length === 0) {
    if (ARGO_ONLY_RESOURCES.includes(rule.resource)) {
      return warn(
        `resource ${JSON.stringify(rule.resource)} exists in Argo CD but not in Berth: the line has no effect`,
      );
    }
    return error(
      `resource ${JSON.stringify(rule.resource)} is not a resource; use one of ${RBAC_RESOURCES.join(', ')}, or "*"`,
    );
  }

  if (rule.action === '') return error('the action is empty; name one, e.g. get, or "*"');
  const actionPattern = compilePattern(rule.action, mode);
  if (!(actionPattern instanceof RegExp))
    return error(`action ${JSON.stringify(rule.action)} ${actionPattern.error}`);
  const argoOnly = resources.length === 1 && ARGO_ONLY_ACTIONS[resources[0] ?? '']?.includes(rule.action);
  if (argoOnly) {
    warn(
      `action ${JSON.stringify(rule.action)} on ${rule.resource} exists in Argo CD but not in Berth: the line has no effect`,
    );
  } else {
    const known = isLiteral(rule.action, mode)
      ? isKnownAction(rule.action, resources)
      : (() => {
          const prefix = literalPrefix(rule.action, mode);
          return prefix === undefined || prefix === '' || prefixFitsAnAction(prefix, resources);
        })();
    if (!known) {
      const what = resources.length === 1 ? `an action of ${resources[0]}` : `an action of ${rule.resource}`;
      error(`action ${JSON.stringify(rule.action)} is not ${what}; use one of ${describeChoices(resources)}`);
    }
  }

  if (rule.object === '')
    return error('the object is empty; name one, e.g. my-project/* for applications, or "*"');
  const objectPattern = compilePattern(rule.object, mode);
  if (!(objectPattern instanceof RegExp))
    return error(`object ${JSON.stringify(rule.object)} ${objectPattern.error}`);
  const appLike = ['applications', 'applicationsets', 'logs', 'exec'];
  if (
    mode === 'glob' &&
    isLiteral(rule.object, mode) &&
    !rule.object.includes('/') &&
    resources.every((resource) => appLike.includes(resource))
  ) {
    warn(
      `object ${JSON.stringify(rule.object)} has no "/": objects of ${rule.resource} are <project>/<name>, so it matches nothing; write e.g. "*/${rule.object}" or "${rule.object}/*"`,
    );
  }
  if (
    mode === 'regex' &&
    !(rule.object.startsWith('^') && rule.object.endsWith('$')) &&
    !isLiteral(rule.object, mode)
  ) {
    warn(
      `object ${JSON.stringify(rule.object)} matches anywhere in the object in regex mode, as in Argo CD (e.g. "dev/.*" also matches "not-dev/app"); anchor it with ^...$ to match whole objects`,
    );
  }
}

/** Checks one line's fields against Berth's resources and actions and the match mode. */
export function checkPolicyLine(line: PolicyLine, mode: MatchMode): LineFinding[] {
  const findings: LineFinding[] = [];
  const fields =
    line.type === 'p' ? [line.subject, line.resource, line.action, line.object] : [line.subject, line.role];
  if (fields.some((field) => /\s$/.test(field))) {
    findings.push({
      severity: 'warning',
      message:
        'a field ends with a blank, which Argo CD keeps as part of the value (only leading blanks are dropped), so it matches only values ending in one; remove it',
    });
  }
  if (line.type === 'p') checkRule(line, mode, findings);
  else {
    if (line.subject === '')
      findings.push({ severity: 'error', message: 'the subject is empty; name a user, SSO group or role' });
    if (line.role === '')
      findings.push({
        severity: 'error',
        message: 'the role is empty; name the role to grant, e.g. role:readonly',
      });
  }
  return findings;
}
