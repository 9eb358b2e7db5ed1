import { parse as parseYaml } from 'yaml';
import { BUILTIN_ROLES } from './builtin-policy';
import { checkPolicyLine } from './policy-line.checks';
import { readPolicyLines, type PolicyLine } from './policy-line';
import { MATCH_MODES, type MatchMode } from './policy-pattern';

/** Argo CD's argocd-rbac-cm keys (util/rbac/rbac.go). */
export const POLICY_CSV_KEY = 'policy.csv';
export const POLICY_DEFAULT_KEY = 'policy.default';
export const SCOPES_KEY = 'scopes';
export const MATCH_MODE_KEY = 'policy.matchMode';

/** Argo CD's DefaultScopes: the claims whose values are groups. */
export const DEFAULT_SCOPES: readonly string[] = ['groups'];

/** An argocd-rbac-cm, read and checked. */
export interface RbacConfig {
  /** policy.csv, then every policy.<name>.csv in key order (Argo CD's PolicyCSV), line by line. */
  policy: readonly PolicyLine[];
  /** `policy.default`: the role everyone authenticated holds; '' for none. */
  defaultRole: string;
  /** `scopes`: the claims whose values are groups; `[groups]` when absent. */
  scopes: readonly string[];
  matchMode: MatchMode;
}

/** What Argo CD runs with when argocd-rbac-cm is empty: the built-in roles only. */
export const EMPTY_RBAC_CONFIG: RbacConfig = {
  policy: [],
  defaultRole: '',
  scopes: DEFAULT_SCOPES,
  matchMode: 'glob',
};

/** One problem of the config: the key, the line of a policy key, and what to do. */
export interface RbacConfigIssue {
  key: string;
  line?: number;
  message: string;
}

export function formatRbacConfigIssue(issue: RbacConfigIssue): string {
  return `${issue.key}${issue.line === undefined ? '' : ` line ${issue.line}`}: ${issue.message}`;
}

export type RbacConfigResult =
  | { ok: true; config: RbacConfig; warnings: RbacConfigIssue[] }
  | { ok: false; errors: RbacConfigIssue[]; warnings: RbacConfigIssue[] };

/** Thrown by `assertRbacConfig`; lists every problem, one per line. */
export class RbacConfigError extends Error {
  readonly code = 'RBAC_CONFIG_INVALID';
  override readonly name = 'RbacConfigError';
  constructor(readonly issues: readonly RbacConfigIssue[]) {
    super(
      `argocd-rbac-cm is invalid (${issues.length} problem(s)):\n${issues.map(formatRbacConfigIssue).join('\n')}`,
    );
  }
}

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Argo CD's PolicyCSV key rule: `policy.csv` first, then `policy.<anything>.csv` in sorted key order. */
export function policyKeys(data: Obj): string[] {
  const extra = Object.keys(data)
    .filter((key) => key.startsWith('policy.') && key.endsWith('.csv') && key !== POLICY_CSV_KEY)
    .sort();
  return [...(Object.hasOwn(data, POLICY_CSV_KEY) ? [POLICY_CSV_KEY] : []), ...extra];
}

const KNOWN_KEYS = [POLICY_DEFAULT_KEY, SCOPES_KEY, MATCH_MODE_KEY];

function extractData(input: string | Obj, errors: RbacConfigIssue[]): Obj {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = parseYaml(input, { maxAliasCount: 100 });
    } catch (err) {
      errors.push({ key: '(document)', message: `not valid YAML: ${(err as Error).message}` });
      return {};
    }
  }
  if (doc === null || doc === undefined) return {};
  if (!isObj(doc)) {
    errors.push({
      key: '(document)',
      message:
        'expected an argocd-rbac-cm ConfigMap, or its data map with keys like policy.csv and policy.default',
    });
    return {};
  }
  if (doc.kind === 'ConfigMap' || (doc.apiVersion !== undefined && doc.data !== undefined)) {
    if (doc.data === undefined || doc.data === null) return {};
    if (!isObj(doc.data)) {
      errors.push({ key: 'data', message: 'must be a map of keys like policy.csv and policy.default' });
      return {};
    }
    return doc.data;
  }
  return doc;
}

function readScopes(value: unknown, errors: RbacConfigIssue[]): readonly string[] {
  // Argo CD unmarshals the value as a YAML list of strings: '[groups, email]'. A list given directly
  // (outside a ConfigMap, where data values need not be strings) means the same.
  let list = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return DEFAULT_SCOPES;
    try {
      list = parseYaml(value);
    } catch (err) {
      errors.push({
        key: SCOPES_KEY,
        message: `not valid YAML: ${(err as Error).message}; write e.g. '[groups, email]'`,
      });
      return DEFAULT_SCOPES;
    }
  }
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) {
    errors.push({
      key: SCOPES_KEY,
      message: `must be a list of claim names, e.g. '[groups, email]'; got ${JSON.stringify(value)}`,
    });
    return DEFAULT_SCOPES;
  }
  return list;
}

function readMatchMode(value: string, errors: RbacConfigIssue[]): MatchMode {
  if (value === '') return 'glob';
  if ((MATCH_MODES as readonly string[]).includes(value)) return value as MatchMode;
  errors.push({
    key: MATCH_MODE_KEY,
    message: `${JSON.stringify(value)} is not a match mode; use glob (the default) or regex`,
  });
  return 'glob';
}

/** Roles that grant something: the built-in ones, subjects of p lines, and roles that hold other roles. */
function rolesWithRights(lines: readonly PolicyLine[]): Set<string> {
  const roles = new Set<string>(BUILTIN_ROLES);
  for (const line of lines) roles.add(line.subject);
  return roles;
}

/**
 * Reads an argocd-rbac-cm: a ConfigMap (YAML text or object, with `data:`) or its bare data map. Every problem
 * is reported at once, each naming its key (and line, for policy keys); the caller keeps its last good config
 * when there are errors.
 */
export function parseRbacConfig(input: string | Obj): RbacConfigResult {
  const errors: RbacConfigIssue[] = [];
  const warnings: RbacConfigIssue[] = [];
  const data = extractData(input, errors);
  const text = (key: string): string => {
    const value = data[key];
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value;
    errors.push({
      key,
      message: `must be a string (ConfigMap data values are strings); got ${JSON.stringify(value)}`,
    });
    return '';
  };

  const matchMode = readMatchMode(text(MATCH_MODE_KEY).trim(), errors);
  const policy: PolicyLine[] = [];
  for (const key of policyKeys(data)) {
    const { lines, problems } = readPolicyLines(text(key), key);
    for (const problem of problems) errors.push({ key, line: problem.source.line, message: problem.message });
    for (const line of lines) {
      for (const finding of checkPolicyLine(line, matchMode)) {
        const issue = { key, line: line.source.line, message: finding.message };
        (finding.severity === 'error' ? errors : warnings).push(issue);
      }
    }
    policy.push(...lines);
  }

  const withRights = rolesWithRights(policy);
  for (const line of policy) {
    if (line.type === 'g' && line.role !== '' && !withRights.has(line.role)) {
      warnings.push({
        key: line.source.key,
        line: line.source.line,
        message: `role ${JSON.stringify(line.role)} has no p line and holds no other role, so this binding grants nothing`,
      });
    }
  }

  const defaultRole = text(POLICY_DEFAULT_KEY).trim();
  if (defaultRole !== '' && !withRights.has(defaultRole)) {
    warnings.push({
      key: POLICY_DEFAULT_KEY,
      message: `role ${JSON.stringify(defaultRole)} has no p line and holds no other role, so it grants nothing; use e.g. role:readonly`,
    });
  }
  const scopes =
    data[SCOPES_KEY] === undefined || data[SCOPES_KEY] === null
      ? DEFAULT_SCOPES
      : readScopes(data[SCOPES_KEY], errors);

  for (const key of Object.keys(data)) {
    if (KNOWN_KEYS.includes(key) || (key.startsWith('policy.') && key.endsWith('.csv'))) continue;
    warnings.push({
      key,
      message:
        'not an argocd-rbac-cm key Berth reads; it is ignored (policy keys are policy.csv and policy.<name>.csv)',
    });
  }

  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, config: { policy, defaultRole, scopes, matchMode }, warnings };
}

/** parseRbacConfig that throws an RbacConfigError; for tests and fixed configs. */
export function assertRbacConfig(input: string | Obj): RbacConfig {
  const result = parseRbacConfig(input);
  if (!result.ok) throw new RbacConfigError(result.errors);
  return result.config;
}
