import type { ResourceType } from '../api/resource-type';
import type { AdmissionWebhook, WebhookRule } from './webhook-configuration';

/** What a webhook's rules are matched against (admission.Attributes). */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  type: ResourceType;
  subresource?: string;
}

/**
 * Whether one of a webhook's rules selects the request (apiserver webhook/predicates/rules): operation,
 * group, version, resource and scope (`Namespaced`, `Cluster`, `*`). A resource is `deployments` (not its
 * subresources), `deployments/status`, `deployments/` + `*` (all of its subresources), `*` (every resource,
 * no subresource) or `*` + `/` + `*` (everything).
 */
export function rulesMatch(hook: AdmissionWebhook, attributes: AdmissionAttributes): boolean {
  return (hook.rules ?? []).some((rule) => ruleMatches(rule, attributes));
}

function ruleMatches(rule: WebhookRule, a: AdmissionAttributes): boolean {
  const any = (list: string[] | undefined, value: string) =>
    (list ?? []).some((entry) => entry === '*' || entry === value);
  if (!any(rule.operations, a.operation)) return false;
  if (!any(rule.apiGroups, a.type.group)) return false;
  if (!any(rule.apiVersions, a.type.version)) return false;
  if (!(rule.resources ?? []).some((r) => resourceMatches(r, a.type.plural, a.subresource))) return false;
  const scope = rule.scope ?? '*';
  // Namespace objects are cluster-scoped for this purpose.
  if (scope === 'Cluster') return !a.type.namespaced;
  if (scope === 'Namespaced') return a.type.namespaced;
  return true;
}

function resourceMatches(pattern: string, plural: string, subresource: string | undefined): boolean {
  const [resource, sub] = pattern.split('/', 2) as [string, string | undefined];
  if (resource !== '*' && resource !== plural) return false;
  if (sub === undefined) return subresource === undefined;
  return sub === '*' || sub === subresource;
}
