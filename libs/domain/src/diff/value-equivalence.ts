import { parseDuration } from '../shared/duration';
import { type FieldTyping, knownTypeAt } from './field-typing';
import { quantitiesEqual } from './quantity';

/** Map keys whose values are Kubernetes quantities (resources, quotas, limit ranges, PVC sizes). */
const QUANTITY_PARENTS = new Set([
  'requests',
  'limits',
  'capacity',
  'allocatable',
  'hard',
  'overhead',
  'default',
  'defaultRequest',
  'max',
  'min',
]);
const QUANTITY_FIELDS = new Set(['sizeLimit', 'storage']);

/** Fields typed IntOrString in the Kubernetes API: 8080 and "8080" are the same value. */
const INT_OR_STRING_FIELDS = new Set([
  'targetPort',
  'port',
  'maxSurge',
  'maxUnavailable',
  'minAvailable',
  'partition',
]);

/** Parents whose members are strings by schema (YAML `true` or `8080` there means the string). */
const STRING_MAP_PARENTS = new Set([
  'labels',
  'annotations',
  'data',
  'nodeSelector',
  'matchLabels',
  'selector',
]);

/**
 * Whether a desired scalar and a live scalar are the same value once Kubernetes' own
 * equivalences are applied. `path` is the path to the value (last element is its field name).
 */
export function scalarsEquivalent(
  desired: unknown,
  live: unknown,
  path: ReadonlyArray<string | number>,
  typing?: FieldTyping,
): boolean {
  if (desired === live) return true;
  if (live === undefined || live === null) return false;
  const known = typing ? knownTypeAt(typing, path) : undefined;
  if (known === 'core/Quantity' && quantitiesEqual(desired, live)) return true;
  if (known === 'meta/v1/Duration' && durationsEqual(desired, live)) return true;
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  if (typeof field === 'string' && (QUANTITY_FIELDS.has(field) || QUANTITY_PARENTS.has(String(parent)))) {
    if (quantitiesEqual(desired, live)) return true;
  }
  const scalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
  if (typeof field === 'string' && INT_OR_STRING_FIELDS.has(field) && scalar(desired) && scalar(live)) {
    return String(desired) === String(live);
  }
  // env[].value, labels, annotations and ConfigMap data are strings: YAML `true` is "true".
  const isEnvValue = field === 'value' && typeof parent === 'number' && path[path.length - 3] === 'env';
  if ((isEnvValue || STRING_MAP_PARENTS.has(String(parent))) && typeof live === 'string') {
    return (typeof desired === 'number' || typeof desired === 'boolean') && String(desired) === live;
  }
  return false;
}

/** Go durations by value: "90m" is "1h30m0s" (metav1.Duration writes the long form). */
function durationsEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = parseDuration(a);
  return x !== undefined && x === parseDuration(b);
}

/**
 * `{}`, `[]`, `null` and `""` in Git mean "nothing declared", equal to an absent live field;
 * so does an object whose members all declare nothing (`metadata: {labels: {}}`).
 */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value).every(isEmptyValue);
  return false;
}
