import type { PodTemplateSpec } from '../api/builtin-kinds';
import type { KubeObject, ResourceType } from '../api/resource-type';
import type { StatusCause } from '../errors/api-status.error';
import { matchesLabelSelectorObject } from '../store/label-selector';
import { isPlainObject, valueAt } from '../store/object-utils';
import { goJson, goValue, labelSelectorJson, sortedMap } from './go-value';
import { validateWebhookConfiguration } from './webhook-configuration';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const subdomainHelp =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelHelp =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${goValue(value)}: ${detail}`, field };
}

function invalidRendered(field: string, rendered: string, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${rendered}: ${detail}`, field };
}

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

/** Names: DNS-1123 subdomain; namespaces and services: DNS-1123 label (apimachinery validation.go). */
export function validateName(type: ResourceType, name: string): StatusCause[] {
  const labelOnly = (type.group === '' && (type.kind === 'Namespace' || type.kind === 'Service')) || false;
  if (labelOnly) {
    if (name.length > 63 || !dns1123Label.test(name)) return [invalid('metadata.name', name, labelHelp)];
  } else if (name.length > 253 || !dns1123Subdomain.test(name)) {
    return [invalid('metadata.name', name, subdomainHelp)];
  }
  return [];
}

/** The checks users most often trip over on the built-in kinds; everything else is accepted. */
export function validateObject(type: ResourceType, obj: KubeObject): StatusCause[] {
  if (!type.builtin) return [];
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
  const causes: StatusCause[] = [];
  switch (`${type.group}/${type.kind}`) {
    case '/Pod':
      causes.push(...validatePodSpec(spec, 'spec'));
      break;
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/StatefulSet':
    case 'apps/DaemonSet':
      causes.push(...validateSelectorAndTemplate(spec));
      if (typeof spec['replicas'] === 'number' && spec['replicas'] < 0) {
        causes.push(invalid('spec.replicas', spec['replicas'], 'must be greater than or equal to 0'));
      }
      break;
    case 'batch/Job': {
      causes.push(...validatePodSpec(valueAt(spec, 'template', 'spec'), 'spec.template.spec'));
      const policy = valueAt(spec, 'template', 'spec', 'restartPolicy');
      if (policy !== 'OnFailure' && policy !== 'Never') {
        causes.push({
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${JSON.stringify(policy ?? 'Always')}: supported values: "OnFailure", "Never"`,
          field: 'spec.template.spec.restartPolicy',
        });
      }
      break;
    }
    case 'batch/CronJob':
      if (!spec['schedule']) causes.push(required('spec.schedule'));
      break;
    case 'admissionregistration.k8s.io/MutatingWebhookConfiguration':
    case 'admissionregistration.k8s.io/ValidatingWebhookConfiguration':
      causes.push(...validateWebhookConfiguration(obj));
      break;
    case '/Service':
      for (const [i, p] of (Array.isArray(spec['ports']) ? (spec['ports'] as unknown[]) : []).entries()) {
        if (typeof valueAt(p, 'port') !== 'number') causes.push(required(`spec.ports[${i}].port`));
      }
      break;
  }
  return causes;
}

function validateSelectorAndTemplate(spec: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = spec['selector'];
  const template: PodTemplateSpec = isPlainObject(spec['template']) ? spec['template'] : {};
  const labels = template.metadata?.labels;
  if (!isPlainObject(selector)) causes.push(required('spec.selector'));
  else if (
    Object.keys(isPlainObject(selector['matchLabels']) ? selector['matchLabels'] : {}).length === 0 &&
    (Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : []).length === 0
  ) {
    causes.push(
      invalidRendered(
        'spec.selector',
        labelSelectorJson(selector),
        'empty selector is invalid for deployment',
      ),
    );
  }
  if (!matchesLabelSelectorObject(isPlainObject(selector) ? selector : undefined, labels)) {
    causes.push(
      invalidRendered(
        'spec.template.metadata.labels',
        goJson(sortedMap(labels ?? {})),
        '`selector` does not match template `labels`',
      ),
    );
  }
  causes.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  return causes;
}

function validatePodSpec(spec: unknown, at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = valueAt(spec, 'containers');
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${at}.containers`)];
  const seen = new Set<string>();
  (containers as unknown[]).forEach((c, i) => {
    const where = `${at}.containers[${i}]`;
    const name = valueAt(c, 'name');
    if (!name) causes.push(required(`${where}.name`));
    else if (typeof name !== 'string' || !dns1123Label.test(name))
      causes.push(invalid(`${where}.name`, name, labelHelp));
    else if (seen.has(name))
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify(name)}`,
        field: `${where}.name`,
      });
    if (typeof name === 'string' && name) seen.add(name);
    if (!valueAt(c, 'image')) causes.push(required(`${where}.image`));
  });
  return causes;
}
