import { isPlainObject } from './json-value';

/**
 * Lists the Kubernetes API merges item by item (patchMergeKey / listMapKeys), keyed by field name.
 * Items are compared by these keys, not by index, so reordering is not drift.
 */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  imagePullSecrets: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
  conditions: ['type'],
  ownerReferences: ['uid'],
  resourceClaims: ['name'],
};

/** Merge key for a list under `field`, or undefined when the list is atomic (compared by index). */
export function mergeKeyFor(
  field: string | number | undefined,
  items: readonly unknown[],
): string[] | undefined {
  if (typeof field !== 'string' || items.length === 0 || !items.every(isPlainObject)) return undefined;
  let keys = MERGE_KEYS[field];
  if (field === 'ports') {
    // Container ports key on containerPort, Service ports on port; both include protocol (default TCP).
    const first = items[0] as Record<string, unknown>;
    keys =
      'containerPort' in first
        ? ['containerPort', 'protocol']
        : 'port' in first
          ? ['port', 'protocol']
          : undefined;
  }
  if (!keys) return undefined;
  const primary = keys[0]!;
  return items.every((i) => i[primary] !== undefined) ? keys : undefined;
}

export function itemKey(item: Record<string, unknown>, keys: readonly string[]): string {
  return JSON.stringify(
    keys.map((k) => {
      const v = item[k] ?? (k === 'protocol' ? 'TCP' : '');
      // 80 and "80" name the same port.
      return typeof v === 'number' ? String(v) : v;
    }),
  );
}
