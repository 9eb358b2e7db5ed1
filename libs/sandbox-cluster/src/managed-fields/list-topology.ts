/**
 * The slice of the Kubernetes OpenAPI schema that server-side apply and strategic merge patch need:
 * how each list merges (`+listType` / `+listMapKey`, `patchMergeKey`) and which structs are atomic.
 * Field paths are field names from the object root with list items skipped, e.g.
 * `spec.template.spec.containers.ports`. Custom resources get only the ObjectMeta rules: every other
 * list is atomic, as SSA does for a CRD schema without `x-kubernetes-list-type`.
 */
export type ListTopology =
  | { type: 'map'; keys: string[]; keyDefaults?: Record<string, unknown> }
  | { type: 'set' }
  | { type: 'atomic' };

export interface SchemaContext {
  builtin: boolean;
  kind: string;
}

const byName: ListTopology = { type: 'map', keys: ['name'] };

export function listTopology(ctx: SchemaContext, path: readonly string[]): ListTopology {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (parent === 'metadata' && path.length === 2) {
    if (field === 'finalizers') return { type: 'set' };
    if (field === 'ownerReferences') return { type: 'map', keys: ['uid'] };
    return { type: 'atomic' };
  }
  if (!ctx.builtin) return { type: 'atomic' };
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
    case 'env':
      return byName;
    case 'volumes':
      return parent === 'spec' ? byName : { type: 'atomic' };
    case 'secrets':
      return ctx.kind === 'ServiceAccount' ? byName : { type: 'atomic' };
    case 'hostAliases':
    case 'podIPs':
    case 'hostIPs':
      return { type: 'map', keys: ['ip'] };
    case 'topologySpreadConstraints':
      return { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] };
    case 'volumeMounts':
      return { type: 'map', keys: ['mountPath'] };
    case 'volumeDevices':
      return { type: 'map', keys: ['devicePath'] };
    case 'conditions':
      return { type: 'map', keys: ['type'] };
    case 'ports':
      if (parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers') {
        return { type: 'map', keys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } };
      }
      if (ctx.kind === 'Service' && path.length === 2) {
        return { type: 'map', keys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } };
      }
      return { type: 'atomic' };
    default:
      return { type: 'atomic' };
  }
}

/** metav1.LabelSelector is `+structType=atomic`: SSA owns it as one leaf. */
export function isAtomicStruct(ctx: SchemaContext, path: readonly string[]): boolean {
  if (!ctx.builtin) return false;
  const field = path[path.length - 1] ?? '';
  if (field === 'podSelector' || field === 'namespaceSelector' || field === 'labelSelector') return true;
  if (field === 'selector') return !(ctx.kind === 'Service' && path.length === 2);
  return false;
}

const mapFields = new Set([
  'labels',
  'annotations',
  'data',
  'stringData',
  'binaryData',
  'nodeSelector',
  'limits',
  'requests',
  'capacity',
  'allocatable',
  'parameters',
]);

/** Fields typed `map[string]...` (granular maps whose node is itself tracked when created). */
export function isMapField(ctx: SchemaContext, path: readonly string[]): boolean {
  const field = path[path.length - 1] ?? '';
  if (!ctx.builtin)
    return path.length === 2 && path[0] === 'metadata' && (field === 'labels' || field === 'annotations');
  if (field === 'selector' && ctx.kind === 'Service' && path.length === 2) return true;
  return mapFields.has(field);
}

/** The identity of a list-map item, with defaulted key fields filled (ports' protocol is TCP). */
export function listMapKey(
  topology: Extract<ListTopology, { type: 'map' }>,
  item: unknown,
): Record<string, unknown> | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const key: Record<string, unknown> = {};
  for (const k of [...topology.keys].sort()) {
    const v = (item as Record<string, unknown>)[k] ?? topology.keyDefaults?.[k];
    if (v === undefined) return undefined;
    key[k] = v;
  }
  return key;
}
