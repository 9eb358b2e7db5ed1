import type { KubeObject, ResourceType } from '../api/resource-type';
import type { StatusCause } from '../errors/api-status.error';
import { clone, isPlainObject, valueAt } from '../store/object-utils';
import { goJson, goValue, labelSelectorJson } from './go-value';

/**
 * What the API server refuses to change once an object exists: each kind's `ValidateUpdate` in
 * kube-apiserver 1.34 (pkg/apis/{apps,batch,core}/validation), with the same field paths, cause types
 * and messages, so a client (and Berth's Replace/Force handling) meets the refusal it would meet on a
 * real cluster. Both objects are compared after defaulting, as the server compares them.
 */
export function validateImmutableFields(
  type: ResourceType,
  live: KubeObject,
  obj: KubeObject,
): StatusCause[] {
  if (!type.builtin) return [];
  switch (`${type.group}/${type.kind}`) {
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/DaemonSet':
      return immutableSelector(live, obj);
    case 'apps/StatefulSet':
      return statefulSetSpec(live, obj);
    case 'batch/Job':
      return jobSpec(live, obj);
    case '/Service':
      return serviceClusterIPs(live, obj);
    case '/PersistentVolumeClaim':
      return claimSpec(live, obj);
    case '/ConfigMap':
      return immutableData(live, obj, ['data', 'binaryData']);
    case '/Secret':
      return [...immutable(live, obj, ['type'], goValue), ...immutableData(live, obj, ['data'])];
  }
  return [];
}

const fieldIsImmutable = 'field is immutable';

function invalid(field: string, rendered: string, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${rendered}: ${detail}`, field };
}

function forbidden(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}

/** `ValidateImmutableField`: the new value, rendered as the server renders it, and "field is immutable". */
function immutable(
  live: KubeObject,
  obj: KubeObject,
  path: string[],
  render: (value: unknown) => string,
): StatusCause[] {
  const before = valueAt(live, ...path);
  const after = valueAt(obj, ...path);
  return semanticEqual(before, after) ? [] : [invalid(path.join('.'), render(after), fieldIsImmutable)];
}

function immutableSelector(live: KubeObject, obj: KubeObject): StatusCause[] {
  return immutable(live, obj, ['spec', 'selector'], labelSelectorJson);
}

/**
 * A StatefulSet may change only replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
 * persistentVolumeClaimRetentionPolicy and minReadySeconds; anything else (selector, serviceName,
 * volumeClaimTemplates, podManagementPolicy) is one Forbidden on `spec`.
 */
function statefulSetSpec(live: KubeObject, obj: KubeObject): StatusCause[] {
  const mutable = [
    'replicas',
    'ordinals',
    'template',
    'updateStrategy',
    'revisionHistoryLimit',
    'persistentVolumeClaimRetentionPolicy',
    'minReadySeconds',
  ];
  const strip = (o: KubeObject) => {
    const spec = isPlainObject(o['spec']) ? { ...o['spec'] } : {};
    for (const k of mutable) delete spec[k];
    return spec;
  };
  if (semanticEqual(strip(live), strip(obj))) return [];
  return [
    forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

/**
 * `ValidateJobSpecUpdate`: selector, template (except the scheduling directives of a suspended Job that
 * never started), completionMode, podFailurePolicy, backoffLimitPerIndex and successPolicy.
 */
function jobSpec(live: KubeObject, obj: KubeObject): StatusCause[] {
  const causes = immutable(live, obj, ['spec', 'selector'], labelSelectorJson);
  const suspendedNeverStarted =
    valueAt(obj, 'spec', 'suspend') === true && valueAt(live, 'status', 'startTime') === undefined;
  const template = (o: KubeObject): unknown => {
    const t = clone(valueAt(o, 'spec', 'template'));
    if (!suspendedNeverStarted || !isPlainObject(t)) return t;
    // Mutable scheduling directives of a suspended Job (KEP-2926).
    const meta = isPlainObject(t['metadata']) ? t['metadata'] : {};
    delete meta['labels'];
    delete meta['annotations'];
    const spec = isPlainObject(t['spec']) ? t['spec'] : {};
    for (const k of ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates']) delete spec[k];
    return t;
  };
  if (!semanticEqual(template(live), template(obj))) {
    causes.push(invalid('spec.template', goValue(valueAt(obj, 'spec', 'template')), fieldIsImmutable));
  }
  for (const field of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'successPolicy']) {
    causes.push(...immutable(live, obj, ['spec', field], goValue));
  }
  return causes;
}

/**
 * `validateUpgradeDowngradeClusterIPs`: the allocated addresses (`spec.clusterIPs`, which follow
 * `spec.clusterIP`) may not change, except to or from ExternalName and between headless ones.
 */
function serviceClusterIPs(live: KubeObject, obj: KubeObject): StatusCause[] {
  const type = (o: KubeObject) => valueAt(o, 'spec', 'type');
  if (type(live) === 'ExternalName' || type(obj) === 'ExternalName') return [];
  const ips = (o: KubeObject): string[] => {
    const v = valueAt(o, 'spec', 'clusterIPs');
    return Array.isArray(v) ? (v as string[]) : [];
  };
  const before = ips(live);
  const after = ips(obj);
  const headless = (list: string[]) => list[0] === 'None';
  if (headless(before) && headless(after)) return [];
  const rendered = goJson(after.length === 0 ? null : after);
  if (before.length > 0 && after.length === 0) {
    return [invalid('spec.clusterIPs[0]', rendered, 'primary clusterIP can not be unset')];
  }
  const causes: StatusCause[] = [];
  before.slice(0, after.length).forEach((ip, i) => {
    if (ip !== after[i]) causes.push(invalid(`spec.clusterIPs[${i}]`, rendered, 'may not change once set'));
  });
  return causes;
}

/**
 * `ValidatePersistentVolumeClaimUpdate`: the spec is fixed, except `volumeName` set once, and the storage
 * request and volumeAttributesClassName of a bound claim (never below its capacity). The real message
 * ends with a go-cmp diff of the internal spec; the sandbox lists the changed fields in the same style.
 */
function claimSpec(live: KubeObject, obj: KubeObject): StatusCause[] {
  const before = isPlainObject(live['spec']) ? clone(live['spec']) : {};
  const after = isPlainObject(obj['spec']) ? clone(obj['spec']) : {};
  const causes: StatusCause[] = [];
  if (!before['volumeName']) before['volumeName'] = after['volumeName'];
  if (before['storageClassName'] === undefined) before['storageClassName'] = after['storageClassName'];
  const bound = valueAt(live, 'status', 'phase') === 'Bound';
  if (bound) {
    const request = valueAt(after, 'resources', 'requests', 'storage');
    const capacity = valueAt(live, 'status', 'capacity', 'storage');
    if (typeof request === 'string' && typeof capacity === 'string' && bytes(request) < bytes(capacity)) {
      causes.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
    setStorage(before, valueAt(after, 'resources', 'requests', 'storage'));
    before['volumeAttributesClassName'] = after['volumeAttributesClassName'];
  }
  if (!semanticEqual(before, after)) {
    causes.unshift(
      forbidden(
        'spec',
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff(before, after)}`,
      ),
    );
  }
  return causes;
}

function setStorage(spec: Record<string, unknown>, storage: unknown): void {
  const resources = isPlainObject(spec['resources']) ? spec['resources'] : (spec['resources'] = {});
  const requests = isPlainObject(resources['requests'])
    ? resources['requests']
    : (resources['requests'] = {});
  if (storage === undefined) delete requests['storage'];
  else requests['storage'] = storage;
}

/** go-cmp's report shape: `-`/`+` lines for the changed fields of the spec, the rest counted. */
function specDiff(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((k) => !semanticEqual(before[k], after[k]));
  const lines = ['  core.PersistentVolumeClaimSpec{'];
  for (const k of changed) {
    const field = k.charAt(0).toUpperCase() + k.slice(1);
    if (before[k] !== undefined) lines.push(`- \t${field}: ${goValue(before[k])},`);
    if (after[k] !== undefined) lines.push(`+ \t${field}: ${goValue(after[k])},`);
  }
  if (keys.length > changed.length) lines.push(`  \t... // ${keys.length - changed.length} identical fields`);
  lines.push('  }');
  return lines.join('\n');
}

/** ConfigMaps and Secrets with `immutable: true`: the flag and the data stay as they are. */
function immutableData(live: KubeObject, obj: KubeObject, fields: string[]): StatusCause[] {
  if (live['immutable'] !== true) return [];
  const detail = 'field is immutable when `immutable` is set';
  const causes: StatusCause[] = [];
  if (obj['immutable'] !== true) causes.push(forbidden('immutable', detail));
  for (const field of fields) {
    if (!semanticEqual(live[field], obj[field])) causes.push(forbidden(field, detail));
  }
  return causes;
}

/** Quantities in bytes, enough to compare storage sizes (binary and decimal suffixes). */
function bytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(quantity.trim());
  if (!m) return Number.NaN;
  const power: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
  };
  return Number(m[1]) * (m[2] ? (power[m[2]] ?? 1) : 1);
}

/**
 * apimachinery's `equality.Semantic.DeepEqual`: key order ignored, and an absent, null, empty list or
 * empty map value all equal (Go cannot tell a nil slice or map from an empty one after decoding).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => semanticEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => semanticEqual(a[k], b[k]));
  }
  return a === b;
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isPlainObject(v) && Object.keys(v).length === 0)
  );
}
