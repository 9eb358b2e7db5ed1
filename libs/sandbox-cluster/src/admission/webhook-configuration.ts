import type { LabelSelector } from '../api/builtin-kinds';
import type { KubeObject } from '../api/resource-type';
import type { StatusCause } from '../errors/api-status.error';

/** admissionregistration/v1 RuleWithOperations. */
export interface WebhookRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  /** `Cluster`, `Namespaced` or `*` (default). */
  scope?: string;
}

/** One webhook of a Mutating- or ValidatingWebhookConfiguration (admissionregistration/v1). */
export interface AdmissionWebhook {
  name?: string;
  clientConfig?: { url?: string; caBundle?: string; service?: Record<string, unknown> };
  rules?: WebhookRule[];
  /** `Fail` (default) or `Ignore`: what a failed call means. */
  failurePolicy?: string;
  /** `Exact` or `Equivalent` (default). One version per group here, so both match the same. */
  matchPolicy?: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  /** v1 requires `None` or `NoneOnDryRun`: only such webhooks are called on a dry run. */
  sideEffects?: string;
  /** Seconds, 1 to 30 (default 10). */
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  /** Mutating only: `Never` (default) or `IfNeeded`. */
  reinvocationPolicy?: string;
  matchConditions?: unknown[];
}

export interface WebhookConfiguration extends KubeObject {
  webhooks?: AdmissionWebhook[];
}

const operations = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** The defaults the API server writes into each webhook (admissionregistration/v1 defaults.go). */
export function defaultWebhookConfiguration(obj: WebhookConfiguration, mutating: boolean): void {
  if (!Array.isArray(obj.webhooks)) return;
  for (const hook of obj.webhooks) {
    if (typeof hook !== 'object' || hook === null) continue;
    hook.failurePolicy = hook.failurePolicy ?? 'Fail';
    hook.matchPolicy = hook.matchPolicy ?? 'Equivalent';
    hook.namespaceSelector = hook.namespaceSelector ?? {};
    hook.objectSelector = hook.objectSelector ?? {};
    hook.timeoutSeconds = hook.timeoutSeconds ?? 10;
    if (mutating) hook.reinvocationPolicy = hook.reinvocationPolicy ?? 'Never';
    for (const rule of hook.rules ?? []) {
      if (typeof rule === 'object' && rule !== null) rule.scope = rule.scope ?? '*';
    }
  }
}

/** The checks of admissionregistration/validation that a webhook the sandbox must call depends on. */
export function validateWebhookConfiguration(obj: WebhookConfiguration): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  (Array.isArray(obj.webhooks) ? obj.webhooks : []).forEach((hook, i) => {
    const at = `webhooks[${i}]`;
    if (typeof hook !== 'object' || hook === null) {
      causes.push(invalid(at, hook, 'must be an object'));
      return;
    }
    if (!hook.name) causes.push(required(`${at}.name`));
    else if (names.has(hook.name)) causes.push(duplicate(`${at}.name`, hook.name));
    else names.add(hook.name);
    const client = hook.clientConfig ?? {};
    if (client.url === undefined && client.service === undefined)
      causes.push(required(`${at}.clientConfig`, 'exactly one of url or service is required'));
    else if (client.url !== undefined && client.service !== undefined)
      causes.push(required(`${at}.clientConfig`, 'exactly one of url or service is required'));
    else if (client.url !== undefined && !/^https:\/\//.test(client.url))
      causes.push(invalid(`${at}.clientConfig.url`, client.url, "'https' is the only allowed URL scheme"));
    if (!['None', 'NoneOnDryRun'].includes(hook.sideEffects ?? ''))
      causes.push(
        hook.sideEffects === undefined
          ? required(`${at}.sideEffects`, 'must specify one of None, NoneOnDryRun')
          : notSupported(`${at}.sideEffects`, hook.sideEffects, ['None', 'NoneOnDryRun']),
      );
    const versions = hook.admissionReviewVersions ?? [];
    if (versions.length === 0)
      causes.push(required(`${at}.admissionReviewVersions`, 'must specify one of v1, v1beta1'));
    if (hook.failurePolicy !== undefined && !['Fail', 'Ignore'].includes(hook.failurePolicy))
      causes.push(notSupported(`${at}.failurePolicy`, hook.failurePolicy, ['Fail', 'Ignore']));
    if (hook.timeoutSeconds !== undefined && (hook.timeoutSeconds < 1 || hook.timeoutSeconds > 30))
      causes.push(
        invalid(
          `${at}.timeoutSeconds`,
          hook.timeoutSeconds,
          'the timeout value must be between 1 and 30 seconds',
        ),
      );
    (hook.rules ?? []).forEach((rule, j) => {
      for (const op of rule.operations ?? []) {
        if (!operations.includes(op))
          causes.push(notSupported(`${at}.rules[${j}].operations`, op, operations.slice(1)));
      }
      if ((rule.resources ?? []).length === 0) causes.push(required(`${at}.rules[${j}].resources`));
    });
  });
  return causes;
}

function required(field: string, detail?: string): StatusCause {
  return {
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  };
}

function invalid(field: string, value: unknown, detail: string): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
    field,
  };
}

function duplicate(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(value)}`, field };
}

function notSupported(field: string, value: unknown, allowed: string[]): StatusCause {
  return {
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
    field,
  };
}
