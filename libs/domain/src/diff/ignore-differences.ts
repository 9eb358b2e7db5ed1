import { type FieldPath, parseJsonPointer, resolvePath } from './field-path';
import { groupOf, type KubeObject } from './kube-object';
import { managedFieldPaths } from './managed-fields';

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
 * What jq answered for one expression on one object. A `runtime` error (iterating an absent list,
 * `select` on null ...) means the expression selects nothing there, as Argo CD reads it; a `syntax`
 * error means the expression never compiles, which the app's conditions report.
 */
export type JqPathsAnswer =
  { ok: true; paths: JsonPath[] } | { ok: false; kind: 'syntax' | 'runtime'; message: string };

/**
 * Port: evaluates a jq path expression (e.g. `.spec.template.spec.containers[] | select(.name=="app") | .image`)
 * and answers the concrete paths it selects, as jq's `path(expr)` would. Implemented in libs/infra (jq-wasm).
 */
export interface JqPathEvaluator {
  paths(obj: unknown, expression: string): Promise<JqPathsAnswer>;
}

/** A jqPathExpressions entry jq cannot compile: `spec.ignoreDifferences[rule].jqPathExpressions[expression]`. */
export interface InvalidJqExpression {
  rule: number;
  expression: number;
  text: string;
  message: string;
}

/** jq paths resolved ahead of a synchronous diff, one list per side, and the expressions that do not compile. */
export interface ResolvedJqPaths {
  desired: JsonPath[];
  live: JsonPath[];
  invalid?: InvalidJqExpression[];
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

/**
 * Runs every matching rule's jq expressions on both sides. An expression that selects nothing, or fails
 * at run time on one side, gives no path there; one that does not compile is listed in `invalid` (once)
 * and the other expressions still run.
 */
export async function resolveJqPaths(
  desired: KubeObject | undefined,
  live: KubeObject | undefined,
  rules: readonly IgnoreDifference[] | undefined,
  jq: JqPathEvaluator,
): Promise<ResolvedJqPaths> {
  const subject = desired ?? live;
  const out = { desired: [] as JsonPath[], live: [] as JsonPath[], invalid: [] as InvalidJqExpression[] };
  if (!subject) return out;
  const pending: Array<Omit<InvalidJqExpression, 'message'>> = [];
  (rules ?? []).forEach((rule, ruleIndex) => {
    if (!ignoreRuleMatches(rule, subject)) return;
    (rule.jqPathExpressions ?? []).forEach((text, expression) =>
      pending.push({ rule: ruleIndex, expression, text }),
    );
  });
  for (const entry of pending) {
    for (const [side, obj] of [
      ['desired', desired],
      ['live', live],
    ] as const) {
      if (!obj) continue;
      const answer = await jq.paths(obj, entry.text);
      if (answer.ok) out[side].push(...answer.paths);
      else if (answer.kind === 'syntax') {
        out.invalid.push({ ...entry, message: answer.message });
        break;
      }
    }
  }
  return out;
}

export function hasJqRules(rules: readonly IgnoreDifference[] | undefined, obj: KubeObject): boolean {
  return matchingRules(rules, obj).some((r) => (r.jqPathExpressions ?? []).length > 0);
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
