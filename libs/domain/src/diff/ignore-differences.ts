import { type FieldPath, parseJsonPointer, resolvePath } from './field-path';
import { groupOf, type KubeObject } from './kube-object';
import { isPlainObject } from './json-value';

/** Argo CD's `spec.ignoreDifferences[]` entry. Empty or "*" group/kind match anything. */
export interface IgnoreDifference {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

export type JsonPath = Array<string | number>;

/**
 * Port: evaluates a jq path expression (e.g. `.spec.template.spec.containers[] | select(.name=="app") | .image`)
 * and returns the concrete paths it selects, as jq's `path(expr)` would. Implemented in libs/infra (jq-wasm).
 */
export interface JqPathEvaluator {
  paths(obj: unknown, expression: string): Promise<JsonPath[]>;
}

/** jq paths resolved ahead of a synchronous diff, one list per side. */
export interface ResolvedJqPaths {
  desired: JsonPath[];
  live: JsonPath[];
}

function globMatch(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined || pattern === '' || pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp('^' + pattern.split('*').map(escapeRegExp).join('.*') + '$');
  return re.test(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

export function ignoreRuleMatches(rule: IgnoreDifference, obj: KubeObject): boolean {
  // An empty group means the core group, as in Argo CD; "*" means any group.
  const group = groupOf(obj.apiVersion);
  const groupOk =
    rule.group === '*' ? true : (rule.group ?? '') === '' ? group === '' : globMatch(rule.group, group);
  return (
    groupOk &&
    globMatch(rule.kind, obj.kind) &&
    (rule.name === undefined || rule.name === '' || rule.name === obj.metadata.name) &&
    (rule.namespace === undefined ||
      rule.namespace === '' ||
      rule.namespace === (obj.metadata.namespace ?? ''))
  );
}

export function matchingRules(
  rules: readonly IgnoreDifference[] | undefined,
  obj: KubeObject,
): IgnoreDifference[] {
  return (rules ?? []).filter((r) => ignoreRuleMatches(r, obj));
}

/** Runs every matching rule's jq expressions on both sides. An expression that selects nothing gives no path. */
export async function resolveJqPaths(
  desired: KubeObject | undefined,
  live: KubeObject | undefined,
  rules: readonly IgnoreDifference[] | undefined,
  jq: JqPathEvaluator,
): Promise<ResolvedJqPaths> {
  const subject = desired ?? live;
  const out: ResolvedJqPaths = { desired: [], live: [] };
  if (!subject) return out;
  const exprs = matchingRules(rules, subject).flatMap((r) => r.jqPathExpressions ?? []);
  for (const expr of exprs) {
    if (desired) out.desired.push(...(await jq.paths(desired, expr)));
    if (live) out.live.push(...(await jq.paths(live, expr)));
  }
  return out;
}

export function hasJqRules(rules: readonly IgnoreDifference[] | undefined, obj: KubeObject): boolean {
  return matchingRules(rules, obj).some((r) => (r.jqPathExpressions ?? []).length > 0);
}

interface ManagedFieldsEntry {
  manager?: string;
  fieldsV1?: unknown;
}

/**
 * Paths owned by the given managers in live `metadata.managedFields`, as selector paths
 * (list items named by their keys) so they resolve on both the desired and the live object.
 */
export function managedFieldPaths(live: KubeObject | undefined, managers: readonly string[]): FieldPath[] {
  if (!live || managers.length === 0) return [];
  const entries = live.metadata['managedFields'];
  if (!Array.isArray(entries)) return [];
  const out: FieldPath[] = [];
  for (const entry of entries as ManagedFieldsEntry[]) {
    if (!entry.manager || !managers.includes(entry.manager)) continue;
    collectFieldsV1(entry.fieldsV1, [], out);
  }
  return out;
}

function collectFieldsV1(node: unknown, prefix: FieldPath, out: FieldPath[]): void {
  if (!isPlainObject(node)) return;
  const keys = Object.keys(node).filter((k) => k !== '.');
  for (const key of keys) {
    const seg = fieldsV1Segment(key);
    if (seg === undefined) continue;
    const child = node[key];
    const path = [...prefix, seg];
    const childKeys = isPlainObject(child) ? Object.keys(child) : [];
    // A list item marked "." is owned as a whole; a struct field marked "." only owns its own presence.
    const isItem = typeof seg === 'object' || typeof seg === 'number';
    if (childKeys.length === 0 || (isItem && childKeys.includes('.'))) out.push(path);
    else collectFieldsV1(child, path, out);
  }
}

function fieldsV1Segment(key: string): FieldPath[number] | undefined {
  const body = key.slice(2);
  try {
    if (key.startsWith('f:')) return body;
    if (key.startsWith('k:')) {
      const match = JSON.parse(body) as unknown;
      return isPlainObject(match) ? { match } : undefined;
    }
    if (key.startsWith('v:')) return { value: JSON.parse(body) as unknown };
    if (key.startsWith('i:')) return Number(body);
  } catch {
    return undefined;
  }
  return undefined;
}

/** Concrete paths to drop from `obj` (one side of the diff) for the matching rules. */
export function ignoredPathsFor(
  obj: KubeObject,
  rules: readonly IgnoreDifference[],
  live: KubeObject | undefined,
  jqPaths: JsonPath[] | undefined,
): JsonPath[] {
  const selectors: FieldPath[] = [];
  for (const rule of rules) {
    for (const pointer of rule.jsonPointers ?? []) selectors.push(parseJsonPointer(pointer));
    selectors.push(...managedFieldPaths(live, rule.managedFieldsManagers ?? []));
  }
  const concrete = selectors.map((s) => resolvePath(obj, s)).filter((p): p is JsonPath => p !== undefined);
  return [...concrete, ...(jqPaths ?? [])];
}
