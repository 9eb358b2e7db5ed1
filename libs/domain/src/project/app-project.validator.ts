import { constant, objectMetaCheck } from '../application/application.validator';
import {
  boolean,
  checkObject,
  integer,
  isPlainObject,
  listOf,
  object,
  quote,
  string,
  anyMap,
  type FieldCheck,
  type ObjectShape,
  type PlainObject,
} from '../application/field-checks';
import { cloneJson } from '../application/json-clone';
import { ValidationFailedError } from '../application/validation-failed.error';
import { childPath, indexPath, IssueCollector, type Issue } from '../application/validation-issue';
import { APP_PROJECT_KIND, type AppProject } from './app-project.types';
import { checkGroupName, checkProjectRolePolicy } from './project-role-policy';
import { syncApprovalCheck } from './sync-approval.validator';
import { syncWindowCheck } from './sync-window.validator';

export type AppProjectValidationResult =
  { ok: true; project: AppProject; warnings: Issue[] } | { ok: false; errors: Issue[]; warnings: Issue[] };

const ROLE_NAME = /^[a-zA-Z0-9]([-_a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** `!*` would deny everything: Argo CD refuses it. */
const notDenyAll = string((text, path, issues) => {
  if (text === '!*') issues.error(path, '"!*" denies everything', 'remove it, or list what to allow');
});

const groupKind = object({
  fields: { group: string(), kind: string() },
  required: { kind: 'name the kind, or "*" for every kind' },
});

/** Argo CD's ClusterResourceRestrictionItem: a group/kind, and optionally a name glob (`team1-*`). */
const clusterResourceItem = object({
  fields: { group: string(), kind: string(), name: string() },
  required: { kind: 'name the kind, or "*" for every kind' },
});

function uniqueStrings(what: string): (list: unknown, path: string, issues: IssueCollector) => void {
  return (list, path, issues) => {
    if (!Array.isArray(list)) return;
    const seen = new Map<string, number>();
    list.forEach((entry, index) => {
      if (typeof entry !== 'string') return;
      const first = seen.get(entry);
      if (first === undefined) seen.set(entry, index);
      else
        issues.error(
          indexPath(path, index),
          `${what} ${quote(entry)} is already listed at [${first}]`,
          'remove the duplicate',
        );
    });
  };
}

const sourceRepos: FieldCheck = (value, path, issues) => {
  listOf(notDenyAll)(value, path, issues);
  uniqueStrings('source repository')(value, path, issues);
};

const sourceNamespaces: FieldCheck = (value, path, issues) => {
  listOf(string())(value, path, issues);
  uniqueStrings('source namespace')(value, path, issues);
};

const destination = object({
  fields: { server: notDenyAll, name: notDenyAll, namespace: notDenyAll },
  rules: (entry, path, issues) => {
    if (!entry.server && !entry.name) {
      issues.warn(
        path,
        'has neither server nor name, so it matches no cluster',
        'set server or name ("*" for any cluster)',
      );
    }
  },
});

const DESTINATION_FIELDS = ['server', 'name', 'namespace'] as const;

/** `{server: "*", namespace: "!kube-system"}`, fields in Argo CD's order, absent ones left out. */
function destinationText(entry: PlainObject): string {
  const fields = DESTINATION_FIELDS.filter((f) => typeof entry[f] === 'string').map(
    (f) => `${f}: ${quote(entry[f] as string)}`,
  );
  return `{${fields.join(', ')}}`;
}

/**
 * Berth reads an entry with a `!` pattern as deny only; Argo CD's also allows what the rest of it matches.
 * The same project then means less in Berth (fail-safe), so say so and show the two entries that mean
 * the same in both: the deny entry, and the entry with every `!` field made `*`.
 */
function warnDenyOnlyEntries(list: unknown[], path: string, issues: IssueCollector): void {
  const texts = list.map((entry) => (isPlainObject(entry) ? destinationText(entry) : ''));
  list.forEach((entry, index) => {
    if (!isPlainObject(entry)) return;
    const negated = DESTINATION_FIELDS.filter(
      (f) => typeof entry[f] === 'string' && entry[f].startsWith('!'),
    );
    if (negated.length === 0) return;
    const companion: PlainObject = { ...entry };
    for (const f of negated) companion[f] = '*';
    const companionText = destinationText(companion);
    if (texts.includes(companionText)) return;
    const allowedToo = negated
      .map((f) => `every ${f} but ${quote((entry[f] as string).slice(1))}`)
      .join(' and ');
    issues.warn(
      indexPath(path, index),
      `Berth reads an entry with a "!" pattern as deny only, while Argo CD also allows everything else it matches (here ${allowedToo})`,
      `write the two entries that mean the same in both: ${texts[index]} and ${companionText}`,
    );
  });
}

const destinations: FieldCheck = (value, path, issues) => {
  listOf(destination)(value, path, issues);
  if (!Array.isArray(value)) return;
  warnDenyOnlyEntries(value, path, issues);
  const seen = new Map<string, number>();
  value.forEach((entry, index) => {
    if (!isPlainObject(entry)) return;
    const text = (field: unknown) => (typeof field === 'string' ? field : '');
    const cluster = text(entry.server) === '' ? text(entry.name) : text(entry.server);
    const key = `${cluster}/${text(entry.namespace)}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else
      issues.error(
        indexPath(path, index),
        `destination ${quote(key)} is already listed at [${first}]`,
        'remove the duplicate',
      );
  });
};

/** Argo CD's JWTToken: when a project token was issued (`iat`), when it expires (`exp`), its id (`jti`). */
const jwtToken = object({
  fields: {
    iat: integer({ min: 0, meaning: 'the issue time in seconds since 1970' }),
    exp: integer({
      min: 0,
      meaning: 'the expiry in seconds since 1970; leave it out for a token that does not expire',
    }),
    id: string(),
  },
  required: { iat: 'give the issue time of the token in seconds since 1970' },
});

const role = object({
  fields: {
    name: string((text, path, issues) => {
      if (!ROLE_NAME.test(text))
        issues.error(
          path,
          `${quote(text)} is not a role name`,
          'use letters, digits, "-" and "_", starting and ending with a letter or digit',
        );
    }),
    description: string(),
    policies: listOf(string()),
    groups: listOf(
      string((text, path, issues) => {
        const problem = checkGroupName(text);
        if (problem) issues.error(path, problem.message, problem.fix);
      }),
    ),
    jwtTokens: listOf(jwtToken),
  },
  required: { name: 'name the role, e.g. "ci"' },
});

const specShape: ObjectShape = {
  fields: {
    description: string(),
    sourceRepos,
    destinations,
    clusterResourceWhitelist: listOf(clusterResourceItem),
    clusterResourceBlacklist: listOf(clusterResourceItem),
    namespaceResourceWhitelist: listOf(groupKind),
    namespaceResourceBlacklist: listOf(groupKind),
    roles: listOf(role),
    syncWindows: listOf(syncWindowCheck),
    syncApprovals: listOf(syncApprovalCheck),
    orphanedResources: object({
      fields: {
        warn: boolean,
        ignore: listOf(object({ fields: { group: string(), kind: string(), name: string() } })),
      },
    }),
    signatureKeys: listOf(
      object({ fields: { keyID: string() }, required: { keyID: 'give the GnuPG key ID' } }),
    ),
    sourceNamespaces,
    permitOnlyProjectScopedClusters: boolean,
    destinationServiceAccounts: listOf(
      object({
        fields: { server: string(), namespace: string(), defaultServiceAccount: string() },
        required: {
          server: 'set the destination server this account is for ("*" for any)',
          defaultServiceAccount: 'name the service account to sync as',
        },
      }),
    ),
  },
};

function duplicatesIn(list: unknown[], path: string, what: string, issues: IssueCollector): void {
  const seen = new Map<string, number>();
  list.forEach((entry, index) => {
    if (typeof entry !== 'string') return;
    const first = seen.get(entry);
    if (first === undefined) seen.set(entry, index);
    else
      issues.error(
        indexPath(path, index),
        `${what} ${quote(entry)} is already listed at [${first}]`,
        'remove the duplicate',
      );
  });
}

/**
 * Argo CD's role checks (AppProject.ValidateProject): unique role names; per role, unique policies each
 * granting only inside this project (`validatePolicy`), unique valid groups, and unique token ids.
 */
function checkRoles(spec: PlainObject, projectName: string, issues: IssueCollector): void {
  if (!Array.isArray(spec.roles)) return;
  duplicatesIn(
    spec.roles.map((entry) => (isPlainObject(entry) ? entry.name : undefined)),
    'spec.roles',
    'role',
    issues,
  );
  spec.roles.forEach((entry, roleIndex) => {
    if (!isPlainObject(entry) || typeof entry.name !== 'string') return;
    const rolePath = indexPath('spec.roles', roleIndex);
    if (Array.isArray(entry.policies)) {
      const policiesPath = childPath(rolePath, 'policies');
      duplicatesIn(entry.policies, policiesPath, 'policy', issues);
      entry.policies.forEach((policy, policyIndex) => {
        if (typeof policy !== 'string') return;
        const problem = checkProjectRolePolicy(policy, projectName, entry.name as string);
        if (problem) issues.error(indexPath(policiesPath, policyIndex), problem.message, problem.fix);
      });
    }
    if (Array.isArray(entry.groups))
      duplicatesIn(entry.groups, childPath(rolePath, 'groups'), 'group', issues);
    if (Array.isArray(entry.jwtTokens)) {
      duplicatesIn(
        entry.jwtTokens.map((token) => (isPlainObject(token) ? token.id : undefined)),
        childPath(rolePath, 'jwtTokens'),
        'token id',
        issues,
      );
    }
  });
}

const projectShape: ObjectShape = {
  fields: {
    apiVersion: constant('argoproj.io/v1alpha1', 'use "argoproj.io/v1alpha1"'),
    kind: constant(APP_PROJECT_KIND, 'this validator reads AppProjects only'),
    metadata: objectMetaCheck('AppProject'),
    spec: object(specShape),
    status: anyMap,
  },
  required: {
    apiVersion: 'set apiVersion: argoproj.io/v1alpha1',
    kind: `set kind: ${APP_PROJECT_KIND}`,
    metadata: 'set metadata.name',
    spec: 'set spec.sourceRepos and spec.destinations',
  },
  rules: (project, _path, issues) => {
    const name = isPlainObject(project.metadata) ? project.metadata.name : undefined;
    if (isPlainObject(project.spec) && typeof name === 'string') checkRoles(project.spec, name, issues);
  },
};

/** Validates an already-parsed AppProject and reports every problem at once; unknown fields are warnings. */
export function validateAppProject(input: unknown): AppProjectValidationResult {
  const issues = new IssueCollector();
  checkObject(input, '', issues, projectShape);
  if (issues.errors.length > 0) return { ok: false, errors: issues.errors, warnings: issues.warnings };
  return { ok: true, project: cloneJson(input) as AppProject, warnings: issues.warnings };
}

export function assertValidAppProject(input: unknown): AppProject {
  const result = validateAppProject(input);
  if (result.ok) return result.project;
  const metadata = isPlainObject(input) && isPlainObject(input.metadata) ? input.metadata : {};
  throw new ValidationFailedError(
    APP_PROJECT_KIND,
    typeof metadata.name === 'string' ? metadata.name : undefined,
    result.errors,
  );
}
