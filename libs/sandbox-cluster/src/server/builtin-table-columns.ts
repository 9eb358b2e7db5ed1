import type { ResourceType, KubeObject } from '../api/resource-type';
import { isPlainObject, valueAt } from '../store/object-utils';

/**
 * The server-side Table columns of built-in kinds, as kube-apiserver prints them
 * (pkg/printers/internalversion/printers.go AddHandlers). `priority: 1` columns are the `-o wide` ones.
 * Name and Age are added by the caller where the real printer has them; kinds whose real table has no Age
 * (`CREATED AT` kinds) say so with `noAge`.
 */
export interface BuiltinColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  /** `name` for the object's name column (kubectl's `-o name` and sorting read it). */
  format?: 'name';
  priority: 0 | 1;
  value: (o: KubeObject) => unknown;
}

export interface BuiltinColumns {
  /** Columns between Name and Age. */
  columns: BuiltinColumn[];
  /** The whole row, for kinds whose table does not start with Name (Event); columns/after are then unused. */
  exactly?: BuiltinColumn[];
  /** Columns after Age (wide ones mostly). */
  after?: BuiltinColumn[];
  noAge?: boolean;
}

const s = (name: string, value: (o: KubeObject) => unknown, priority: 0 | 1 = 0): BuiltinColumn => ({
  name,
  type: 'string',
  priority,
  value,
});
const n = (name: string, value: (o: KubeObject) => unknown, priority: 0 | 1 = 0): BuiltinColumn => ({
  name,
  type: 'integer',
  priority,
  value,
});

/** A scalar as Go's printer would print it; anything else as ''. */
const text = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

const num = (o: KubeObject, ...path: string[]): number => {
  const v = valueAt(o, ...path);
  return typeof v === 'number' ? v : 0;
};
const str = (o: KubeObject, ...path: string[]): string => {
  const v = valueAt(o, ...path);
  return typeof v === 'string' ? v : '';
};
const list = (o: KubeObject, ...path: string[]): unknown[] => {
  const v = valueAt(o, ...path);
  return Array.isArray(v) ? v : [];
};

function containers(o: KubeObject, ...templatePath: string[]): Array<Record<string, unknown>> {
  return list(o, ...templatePath, 'spec', 'containers').filter(isPlainObject);
}

/** CONTAINERS and IMAGES of a workload's pod template (layoutContainerCells). */
function containerColumns(...templatePath: string[]): BuiltinColumn[] {
  return [
    s(
      'Containers',
      (o) =>
        containers(o, ...templatePath)
          .map((c) => text(c['name'] ?? ''))
          .join(','),
      1,
    ),
    s(
      'Images',
      (o) =>
        containers(o, ...templatePath)
          .map((c) => text(c['image'] ?? ''))
          .join(','),
      1,
    ),
  ];
}

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)`, `<none>` when empty. */
export function formatLabelSelector(selector: unknown): string {
  if (!isPlainObject(selector)) return '<none>';
  const parts: string[] = [];
  const labels = isPlainObject(selector['matchLabels']) ? selector['matchLabels'] : {};
  for (const k of Object.keys(labels).sort()) parts.push(`${k}=${text(labels[k])}`);
  for (const e of Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : []) {
    if (!isPlainObject(e)) continue;
    const values = Array.isArray(e['values']) ? (e['values'] as string[]).join(',') : '';
    const op = text(e['operator']);
    if (op === 'In') parts.push(`${text(e['key'])} in (${values})`);
    else if (op === 'NotIn') parts.push(`${text(e['key'])} notin (${values})`);
    else if (op === 'Exists') parts.push(text(e['key']));
    else if (op === 'DoesNotExist') parts.push(`!${text(e['key'])}`);
  }
  return parts.length > 0 ? parts.join(',') : '<none>';
}

/** A plain label map (`app=web`), `<none>` when empty (labels.FormatLabels). */
function formatLabels(map: unknown): string {
  if (!isPlainObject(map) || Object.keys(map).length === 0) return '<none>';
  return Object.keys(map)
    .sort()
    .map((k) => `${k}=${text(map[k])}`)
    .join(',');
}

const selectorColumn = (priority: 0 | 1 = 1): BuiltinColumn =>
  s('Selector', (o) => formatLabelSelector(valueAt(o, 'spec', 'selector')), priority);

const createdAt: BuiltinColumn = {
  name: 'Created At',
  type: 'date',
  priority: 0,
  value: (o) => o.metadata?.['creationTimestamp'],
};

function intOrNA(v: unknown): string {
  return v === undefined || v === null ? 'N/A' : text(v);
}

function servicePorts(o: KubeObject): string {
  const ports = list(o, 'spec', 'ports').filter(isPlainObject);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const base = `${text(p['port'])}${p['nodePort'] ? `:${text(p['nodePort'])}` : ''}`;
      return `${base}/${text(p['protocol'] ?? 'TCP')}`;
    })
    .join(',');
}

function serviceExternalIp(o: KubeObject): string {
  const type = str(o, 'spec', 'type') || 'ClusterIP';
  const external = list(o, 'spec', 'externalIPs').map(String);
  if (type === 'ExternalName') return str(o, 'spec', 'externalName');
  if (type === 'LoadBalancer') {
    const ingress = list(o, 'status', 'loadBalancer', 'ingress')
      .filter(isPlainObject)
      .map((i) => text(i['ip'] ?? i['hostname'] ?? ''));
    const all = [...ingress, ...external];
    return all.length > 0 ? all.join(',') : '<pending>';
  }
  return external.length > 0 ? external.join(',') : '<none>';
}

function jobStatus(o: KubeObject): string {
  const conditions = list(o, 'status', 'conditions').filter(isPlainObject);
  const has = (type: string) => conditions.some((c) => c['type'] === type && c['status'] === 'True');
  if (has('Failed')) return 'Failed';
  if (has('Complete')) return 'Complete';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** duration.HumanDuration, as printers.go prints Job durations. */
export function humanDuration(ms: number): string {
  const sec = Math.max(0, Math.round(ms / 1000));
  if (sec < 120) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 10) return sec % 60 === 0 ? `${min}m` : `${min}m${sec % 60}s`;
  if (min < 180) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 8) return min % 60 === 0 ? `${h}h` : `${h}h${min % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

function jobDuration(o: KubeObject): string {
  const start = Date.parse(str(o, 'status', 'startTime'));
  if (!Number.isFinite(start)) return '';
  const end = Date.parse(str(o, 'status', 'completionTime'));
  return humanDuration((Number.isFinite(end) ? end : Date.now()) - start);
}

function hpaTargets(o: KubeObject): string {
  const metrics = list(o, 'spec', 'metrics').filter(isPlainObject);
  if (metrics.length === 0) return '<none>';
  return metrics
    .map((m) => {
      const resource = isPlainObject(m['resource']) ? m['resource'] : undefined;
      if (m['type'] === 'Resource' && resource) {
        const target = isPlainObject(resource['target']) ? resource['target'] : {};
        const want =
          target['averageUtilization'] !== undefined
            ? `${text(target['averageUtilization'])}%`
            : text(target['averageValue'] ?? target['value'] ?? '');
        return `${text(resource['name'])}: <unknown>/${want}`;
      }
      return '<unknown>/<unknown>';
    })
    .join(', ');
}

function subjects(kind: string): (o: KubeObject) => string {
  return (o) =>
    list(o, 'subjects')
      .filter(isPlainObject)
      .filter((x) => x['kind'] === kind)
      .map((x) =>
        kind === 'ServiceAccount' ? `${text(x['namespace'] ?? '')}/${text(x['name'])}` : text(x['name']),
      )
      .join(', ');
}

const bindingColumns: BuiltinColumns = {
  columns: [s('Role', (o) => `${str(o, 'roleRef', 'kind')}/${str(o, 'roleRef', 'name')}`)],
  after: [
    s('Users', subjects('User'), 1),
    s('Groups', subjects('Group'), 1),
    s('ServiceAccounts', subjects('ServiceAccount'), 1),
  ],
};

const replicaSetColumns: BuiltinColumns = {
  columns: [
    n('Desired', (o) => num(o, 'spec', 'replicas')),
    n('Current', (o) => num(o, 'status', 'replicas')),
    n('Ready', (o) => num(o, 'status', 'readyReplicas')),
  ],
  after: [...containerColumns('spec', 'template'), selectorColumn()],
};

/** printNode's STATUS: the Ready condition (Ready / NotReady / Unknown), `,SchedulingDisabled` when cordoned. */
function nodeStatus(o: KubeObject): string {
  const ready = list(o, 'status', 'conditions')
    .filter(isPlainObject)
    .find((c) => c['type'] === 'Ready');
  const status = !ready ? 'Unknown' : ready['status'] === 'True' ? 'Ready' : 'NotReady';
  return valueAt(o, 'spec', 'unschedulable') === true ? `${status},SchedulingDisabled` : status;
}

/** printNode's ROLES: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`, sorted, or `<none>`. */
function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(o.metadata?.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role' && value !== '') roles.add(value);
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(type: string): (o: KubeObject) => string {
  return (o) =>
    text(
      list(o, 'status', 'addresses')
        .filter(isPlainObject)
        .find((a) => a['type'] === type)?.['address'] ?? '<none>',
    );
}

/** printResourceQuota: `resource: used/hard` of the quota's resources, `limits.*` ones in LIMIT. */
function quotaColumn(limits: boolean): (o: KubeObject) => string {
  return (o) => {
    const status = valueAt(o, 'status', 'hard');
    const hard = isPlainObject(status)
      ? status
      : isPlainObject(valueAt(o, 'spec', 'hard'))
        ? valueAt(o, 'spec', 'hard')
        : {};
    const used = valueAt(o, 'status', 'used');
    return Object.keys(hard as Record<string, unknown>)
      .sort()
      .filter((r) => r.startsWith('limits.') === limits)
      .map(
        (r) =>
          `${r}: ${text((isPlainObject(used) ? used[r] : undefined) ?? '0')}/${text((hard as Record<string, unknown>)[r])}`,
      )
      .join(', ');
  };
}

/** Up to three values, then `+ N more...`, or `<unset>` (formatDiscoveryPorts / formatDiscoveryEndpoints). */
function firstThree(values: string[]): string {
  if (values.length === 0) return '<unset>';
  return values.slice(0, 3).join(',') + (values.length > 3 ? ` + ${values.length - 3} more...` : '');
}

/** translateTimestampSince: `<unknown>` for a missing time, else its age. */
function ageOf(timestamp: unknown): string {
  const t = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  return Number.isFinite(t) ? humanDuration(Date.now() - t) : '<unknown>';
}

/**
 * printEvent's row (printers.go; core/v1 and events.k8s.io/v1 share it through the internal Event):
 * LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, and for `-o wide` SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME.
 */
function eventColumns(): BuiltinColumn[] {
  // events.k8s.io/v1 names the same fields regarding, note and deprecated*.
  const field = (o: KubeObject, core: string, events: string): unknown =>
    valueAt(o, core) ?? valueAt(o, events);
  const involved = (o: KubeObject): Record<string, unknown> => {
    const v = field(o, 'involvedObject', 'regarding');
    return isPlainObject(v) ? v : {};
  };
  const first = (o: KubeObject): string => {
    const t = field(o, 'firstTimestamp', 'deprecatedFirstTimestamp');
    return t ? ageOf(t) : ageOf(valueAt(o, 'eventTime'));
  };
  const series = (o: KubeObject) => {
    const v = valueAt(o, 'series');
    return isPlainObject(v) ? v : undefined;
  };
  const last = (o: KubeObject): string => {
    const s = series(o);
    if (s) return ageOf(s['lastObservedTime']);
    const t = field(o, 'lastTimestamp', 'deprecatedLastTimestamp');
    return t ? ageOf(t) : first(o);
  };
  const source = (o: KubeObject): string => {
    const src = field(o, 'source', 'deprecatedSource');
    const from = isPlainObject(src) ? src : {};
    const component = text(from['component'] ?? '') || text(valueAt(o, 'reportingController') ?? '');
    const instance = text(from['host'] ?? '') || text(valueAt(o, 'reportingInstance') ?? '');
    return instance ? `${component}, ${instance}` : component;
  };
  return [
    s('Last Seen', last),
    s('Type', (o) => text(valueAt(o, 'type') ?? '')),
    s('Reason', (o) => text(valueAt(o, 'reason') ?? '')),
    s('Object', (o) => {
      const i = involved(o);
      const kind = text(i['kind'] ?? '').toLowerCase();
      return i['name'] ? `${kind}/${text(i['name'])}` : kind;
    }),
    s('Subobject', (o) => text(involved(o)['fieldPath'] ?? ''), 1),
    s('Source', source, 1),
    s('Message', (o) => text(field(o, 'message', 'note') ?? '').trim()),
    s('First Seen', first, 1),
    s(
      'Count',
      (o) => {
        const c = series(o)?.['count'] ?? field(o, 'count', 'deprecatedCount');
        return typeof c === 'number' && c > 0 ? String(c) : '1';
      },
      1,
    ),
    { ...s('Name', (o) => o.metadata?.name ?? '', 1), format: 'name' },
  ];
}

/** A Go bool pointer as printers.go prints it: the value, else the API's default. */
const flag =
  (path: string[], unset: boolean) =>
  (o: KubeObject): string => {
    const v = valueAt(o, ...path);
    return String(typeof v === 'boolean' ? v : unset);
  };

/** extractCSRStatus: Denied / Approved / Pending, then `,Failed` and `,Issued`. */
function csrCondition(o: KubeObject): string {
  const types = new Set(
    list(o, 'status', 'conditions')
      .filter(isPlainObject)
      .map((c) => c['type']),
  );
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (str(o, 'status', 'certificate') !== '') status += ',Issued';
  return status;
}

/** printPriorityLevelConfiguration: a Limited level's shares and queuing, `<none>` otherwise. */
function priorityLevel(field: 'nominalConcurrencyShares' | 'queues' | 'handSize' | 'queueLengthLimit') {
  return (o: KubeObject): string => {
    const v =
      field === 'nominalConcurrencyShares'
        ? valueAt(o, 'spec', 'limited', field)
        : valueAt(o, 'spec', 'limited', 'limitResponse', 'queuing', field);
    return v === undefined ? '<none>' : text(v);
  };
}

/** Column sets by `group/Kind`; kinds absent here print Name and Age only. */
export function builtinColumns(type: Pick<ResourceType, 'group' | 'kind'>): BuiltinColumns | undefined {
  switch (`${type.group}/${type.kind}`) {
    case 'apps/Deployment':
      return {
        columns: [
          s('Ready', (o) => `${num(o, 'status', 'readyReplicas')}/${num(o, 'spec', 'replicas')}`),
          n('Up-to-date', (o) => num(o, 'status', 'updatedReplicas')),
          n('Available', (o) => num(o, 'status', 'availableReplicas')),
        ],
        after: [...containerColumns('spec', 'template'), selectorColumn()],
      };
    case 'apps/ReplicaSet':
      return replicaSetColumns;
    case '/ReplicationController':
      return {
        ...replicaSetColumns,
        after: [
          ...containerColumns('spec', 'template'),
          s('Selector', (o) => formatLabels(valueAt(o, 'spec', 'selector')), 1),
        ],
      };
    case 'apps/StatefulSet':
      return {
        columns: [s('Ready', (o) => `${num(o, 'status', 'readyReplicas')}/${num(o, 'spec', 'replicas')}`)],
        after: containerColumns('spec', 'template'),
      };
    case 'apps/DaemonSet':
      return {
        columns: [
          n('Desired', (o) => num(o, 'status', 'desiredNumberScheduled')),
          n('Current', (o) => num(o, 'status', 'currentNumberScheduled')),
          n('Ready', (o) => num(o, 'status', 'numberReady')),
          n('Up-to-date', (o) => num(o, 'status', 'updatedNumberScheduled')),
          n('Available', (o) => num(o, 'status', 'numberAvailable')),
          s('Node Selector', (o) => formatLabels(valueAt(o, 'spec', 'template', 'spec', 'nodeSelector'))),
        ],
        after: [...containerColumns('spec', 'template'), selectorColumn()],
      };
    case 'apps/ControllerRevision':
      return {
        columns: [
          s('Controller', (o) => {
            const ref = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
            return ref
              ? `${text(ref.kind).toLowerCase()}.${text(ref.apiVersion).split('/')[0]}/${ref.name}`
              : '<none>';
          }),
          n('Revision', (o) => num(o, 'revision')),
        ],
      };
    case 'batch/Job':
      return {
        columns: [
          s('Status', jobStatus),
          s('Completions', (o) => `${num(o, 'status', 'succeeded')}/${num(o, 'spec', 'completions') || 1}`),
          s('Duration', jobDuration),
        ],
        after: [...containerColumns('spec', 'template'), selectorColumn()],
      };
    case 'batch/CronJob':
      return {
        columns: [
          s('Schedule', (o) => str(o, 'spec', 'schedule')),
          s('Timezone', (o) => str(o, 'spec', 'timeZone') || '<none>'),
          s('Suspend', (o) => text(valueAt(o, 'spec', 'suspend') === true ? 'True' : 'False')),
          n('Active', (o) => list(o, 'status', 'active').length),
          s('Last Schedule', (o) => {
            const t = Date.parse(str(o, 'status', 'lastScheduleTime'));
            return Number.isFinite(t) ? humanDuration(Date.now() - t) : '<none>';
          }),
        ],
        after: [...containerColumns('spec', 'jobTemplate', 'spec', 'template'), selectorColumn()],
      };
    case '/Service':
      return {
        columns: [
          s('Type', (o) => str(o, 'spec', 'type') || 'ClusterIP'),
          s('Cluster-IP', (o) => str(o, 'spec', 'clusterIP') || '<none>'),
          s('External-IP', serviceExternalIp),
          s('Port(s)', servicePorts),
        ],
        after: [s('Selector', (o) => formatLabels(valueAt(o, 'spec', 'selector')), 1)],
      };
    case '/Namespace':
      return { columns: [s('Status', (o) => str(o, 'status', 'phase'))] };
    case '/Event':
    case 'events.k8s.io/Event':
      return { columns: [], exactly: eventColumns() };
    case 'storage.k8s.io/CSIDriver':
      return {
        columns: [
          s('AttachRequired', flag(['spec', 'attachRequired'], true)),
          s('PodInfoOnMount', flag(['spec', 'podInfoOnMount'], false)),
          s('StorageCapacity', flag(['spec', 'storageCapacity'], false)),
          s('TokenRequests', (o) => {
            const audiences = list(o, 'spec', 'tokenRequests')
              .filter(isPlainObject)
              .map((t) => text(t['audience'] ?? ''));
            return audiences.length > 0 ? audiences.join(',') : '<unset>';
          }),
          s('RequiresRepublish', flag(['spec', 'requiresRepublish'], false)),
          s('Modes', (o) => list(o, 'spec', 'volumeLifecycleModes').map(text).join(',') || '<none>'),
        ],
      };
    case 'storage.k8s.io/CSINode':
      return { columns: [n('Drivers', (o) => list(o, 'spec', 'drivers').length)] };
    case 'storage.k8s.io/VolumeAttachment':
      return {
        columns: [
          s('Attacher', (o) => str(o, 'spec', 'attacher')),
          s('PV', (o) => str(o, 'spec', 'source', 'persistentVolumeName')),
          s('Node', (o) => str(o, 'spec', 'nodeName')),
          s('Attached', flag(['status', 'attached'], false)),
        ],
      };
    case 'certificates.k8s.io/CertificateSigningRequest':
      return {
        columns: [],
        after: [
          s('SignerName', (o) => str(o, 'spec', 'signerName') || '<none>'),
          s('Requestor', (o) => str(o, 'spec', 'username')),
          s('RequestedDuration', (o) => {
            const seconds = valueAt(o, 'spec', 'expirationSeconds');
            return typeof seconds === 'number' ? humanDuration(seconds * 1000) : '<none>';
          }),
          s('Condition', csrCondition),
        ],
      };
    case 'flowcontrol.apiserver.k8s.io/FlowSchema':
      return {
        columns: [
          s('PriorityLevel', (o) => str(o, 'spec', 'priorityLevelConfiguration', 'name')),
          s('MatchingPrecedence', (o) => text(valueAt(o, 'spec', 'matchingPrecedence') ?? '')),
          s('DistinguisherMethod', (o) => str(o, 'spec', 'distinguisherMethod', 'type') || '<none>'),
        ],
        after: [
          s('MissingPL', (o) => {
            const dangling = list(o, 'status', 'conditions')
              .filter(isPlainObject)
              .find((c) => c['type'] === 'Dangling');
            return dangling ? text(dangling['status'] ?? '?') : '?';
          }),
        ],
      };
    case 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration':
      return {
        columns: [
          s('Type', (o) => str(o, 'spec', 'type')),
          s('NominalConcurrencyShares', priorityLevel('nominalConcurrencyShares')),
          s('Queues', priorityLevel('queues')),
          s('HandSize', priorityLevel('handSize')),
          s('QueueLengthLimit', priorityLevel('queueLengthLimit')),
        ],
      };
    case 'admissionregistration.k8s.io/ValidatingAdmissionPolicy':
      return {
        columns: [
          n('Validations', (o) => list(o, 'spec', 'validations').length),
          s('ParamKind', (o) => {
            const kind = valueAt(o, 'spec', 'paramKind');
            return isPlainObject(kind)
              ? `${text(kind['apiVersion'] ?? '')}/${text(kind['kind'] ?? '')}`
              : '<unset>';
          }),
        ],
      };
    case 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding':
      return {
        columns: [
          s('PolicyName', (o) => str(o, 'spec', 'policyName')),
          s('ParamRef', (o) => {
            const ref = valueAt(o, 'spec', 'paramRef');
            if (!isPlainObject(ref)) return '<unset>';
            const name = text(ref['name'] ?? '') || '*';
            return ref['namespace'] ? `${text(ref['namespace'])}/${name}` : name;
          }),
        ],
      };
    case '/Node':
      return {
        columns: [s('Status', nodeStatus), s('Roles', nodeRoles)],
        after: [
          s('Version', (o) => str(o, 'status', 'nodeInfo', 'kubeletVersion')),
          s('Internal-IP', nodeAddress('InternalIP'), 1),
          s('External-IP', nodeAddress('ExternalIP'), 1),
          s('OS-Image', (o) => str(o, 'status', 'nodeInfo', 'osImage') || '<unknown>', 1),
          s('Kernel-Version', (o) => str(o, 'status', 'nodeInfo', 'kernelVersion') || '<unknown>', 1),
          s(
            'Container-Runtime',
            (o) => str(o, 'status', 'nodeInfo', 'containerRuntimeVersion') || '<unknown>',
            1,
          ),
        ],
      };
    case '/ResourceQuota':
      return { columns: [], after: [s('Request', quotaColumn(false)), s('Limit', quotaColumn(true))] };
    case 'discovery.k8s.io/EndpointSlice':
      return {
        columns: [
          s('AddressType', (o) => str(o, 'addressType')),
          s('Ports', (o) =>
            firstThree(
              list(o, 'ports')
                .filter(isPlainObject)
                .map((p) => text(p['port'] ?? p['name'] ?? '*')),
            ),
          ),
          s('Endpoints', (o) =>
            firstThree(
              list(o, 'endpoints')
                .filter(isPlainObject)
                .flatMap((e) => (Array.isArray(e['addresses']) ? e['addresses'].map(text) : [])),
            ),
          ),
        ],
      };
    case '/ConfigMap':
      return {
        columns: [
          n(
            'Data',
            (o) =>
              Object.keys(isPlainObject(o['data']) ? o['data'] : {}).length +
              Object.keys(isPlainObject(o['binaryData']) ? o['binaryData'] : {}).length,
          ),
        ],
      };
    case '/Secret':
      return {
        columns: [
          s('Type', (o) => str(o, 'type') || 'Opaque'),
          n('Data', (o) => Object.keys(isPlainObject(o['data']) ? o['data'] : {}).length),
        ],
      };
    case '/ServiceAccount':
      return { columns: [n('Secrets', (o) => list(o, 'secrets').length)] };
    case '/Endpoints':
      return {
        columns: [
          s('Endpoints', (o) => {
            const out: string[] = [];
            for (const sub of list(o, 'subsets').filter(isPlainObject))
              for (const a of Array.isArray(sub['addresses']) ? sub['addresses'] : [])
                for (const p of Array.isArray(sub['ports']) ? sub['ports'] : [])
                  out.push(`${text(valueAt(a, 'ip'))}:${text(valueAt(p, 'port'))}`);
            return out.length > 0
              ? out.slice(0, 3).join(',') + (out.length > 3 ? ` + ${out.length - 3} more...` : '')
              : '<none>';
          }),
        ],
      };
    case '/PersistentVolumeClaim':
      return {
        columns: [
          s('Status', (o) => str(o, 'status', 'phase')),
          s('Volume', (o) => str(o, 'spec', 'volumeName')),
          s('Capacity', (o) => str(o, 'status', 'capacity', 'storage')),
          s('Access Modes', (o) => accessModes(list(o, 'status', 'accessModes'))),
          s('StorageClass', (o) => str(o, 'spec', 'storageClassName')),
          s('VolumeAttributesClass', (o) => str(o, 'spec', 'volumeAttributesClassName') || '<unset>'),
        ],
        after: [s('VolumeMode', (o) => str(o, 'spec', 'volumeMode') || '<unset>', 1)],
      };
    case '/PersistentVolume':
      return {
        columns: [
          s('Capacity', (o) => str(o, 'spec', 'capacity', 'storage')),
          s('Access Modes', (o) => accessModes(list(o, 'spec', 'accessModes'))),
          s('Reclaim Policy', (o) => str(o, 'spec', 'persistentVolumeReclaimPolicy')),
          s('Status', (o) => str(o, 'status', 'phase')),
          s('Claim', (o) => {
            const ns = str(o, 'spec', 'claimRef', 'namespace');
            const name = str(o, 'spec', 'claimRef', 'name');
            return name ? `${ns}/${name}` : '';
          }),
          s('StorageClass', (o) => str(o, 'spec', 'storageClassName')),
          s('VolumeAttributesClass', (o) => str(o, 'spec', 'volumeAttributesClassName') || '<unset>'),
          s('Reason', (o) => str(o, 'status', 'reason')),
        ],
        after: [s('VolumeMode', (o) => str(o, 'spec', 'volumeMode') || '<unset>', 1)],
      };
    case 'networking.k8s.io/Ingress':
      return {
        columns: [
          s('Class', (o) => str(o, 'spec', 'ingressClassName') || '<none>'),
          s('Hosts', (o) => {
            const hosts = list(o, 'spec', 'rules')
              .filter(isPlainObject)
              .map((r) => text(r['host'] ?? '*'));
            return hosts.length > 0 ? hosts.join(',') : '*';
          }),
          s('Address', (o) =>
            list(o, 'status', 'loadBalancer', 'ingress')
              .filter(isPlainObject)
              .map((i) => text(i['ip'] ?? i['hostname'] ?? ''))
              .join(','),
          ),
          s('Ports', (o) => (list(o, 'spec', 'tls').length > 0 ? '80, 443' : '80')),
        ],
      };
    case 'networking.k8s.io/IngressClass':
      return {
        columns: [
          s('Controller', (o) => str(o, 'spec', 'controller')),
          s('Parameters', (o) => {
            const p = valueAt(o, 'spec', 'parameters');
            return isPlainObject(p) ? `${text(p['kind'])}/${text(p['name'])}` : '<none>';
          }),
        ],
      };
    case 'networking.k8s.io/NetworkPolicy':
      return { columns: [s('Pod-Selector', (o) => podSelector(valueAt(o, 'spec', 'podSelector')))] };
    case 'autoscaling/HorizontalPodAutoscaler':
      return {
        columns: [
          s(
            'Reference',
            (o) => `${str(o, 'spec', 'scaleTargetRef', 'kind')}/${str(o, 'spec', 'scaleTargetRef', 'name')}`,
          ),
          s('Targets', hpaTargets),
          s('MinPods', (o) => text(valueAt(o, 'spec', 'minReplicas') ?? '<unset>')),
          n('MaxPods', (o) => num(o, 'spec', 'maxReplicas')),
          n('Replicas', (o) => num(o, 'status', 'currentReplicas')),
        ],
      };
    case 'policy/PodDisruptionBudget':
      return {
        columns: [
          s('Min Available', (o) => intOrNA(valueAt(o, 'spec', 'minAvailable'))),
          s('Max Unavailable', (o) => intOrNA(valueAt(o, 'spec', 'maxUnavailable'))),
          n('Allowed Disruptions', (o) => num(o, 'status', 'disruptionsAllowed')),
        ],
      };
    case 'rbac.authorization.k8s.io/Role':
    case 'rbac.authorization.k8s.io/ClusterRole':
    case 'apiextensions.k8s.io/CustomResourceDefinition':
    case '/LimitRange':
      return { columns: [createdAt], noAge: true };
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      return bindingColumns;
    case 'storage.k8s.io/StorageClass':
      return {
        columns: [
          s('Provisioner', (o) => str(o, 'provisioner')),
          s('ReclaimPolicy', (o) => str(o, 'reclaimPolicy') || 'Delete'),
          s('VolumeBindingMode', (o) => str(o, 'volumeBindingMode') || 'Immediate'),
          s('AllowVolumeExpansion', (o) => text(valueAt(o, 'allowVolumeExpansion') === true)),
        ],
      };
    case 'scheduling.k8s.io/PriorityClass':
      return {
        columns: [
          n('Value', (o) => num(o, 'value')),
          s('Global-Default', (o) => text(valueAt(o, 'globalDefault') === true)),
        ],
        after: [s('PreemptionPolicy', (o) => str(o, 'preemptionPolicy') || 'PreemptLowerPriority')],
      };
    case 'node.k8s.io/RuntimeClass':
      return { columns: [s('Handler', (o) => str(o, 'handler'))] };
    case 'coordination.k8s.io/Lease':
      return { columns: [s('Holder', (o) => str(o, 'spec', 'holderIdentity'))] };
    case 'admissionregistration.k8s.io/MutatingWebhookConfiguration':
    case 'admissionregistration.k8s.io/ValidatingWebhookConfiguration':
      return { columns: [n('Webhooks', (o) => list(o, 'webhooks').length)] };
    case '/PodTemplate':
      return {
        columns: [
          ...containerColumns('template').map((c) => ({ ...c, priority: 0 as const })),
          s('Pod Labels', (o) => formatLabels(valueAt(o, 'template', 'metadata', 'labels'))),
        ],
        noAge: true,
      };
    default:
      return undefined;
  }
}

function accessModes(modes: unknown[]): string {
  const short: Record<string, string> = {
    ReadWriteOnce: 'RWO',
    ReadOnlyMany: 'ROX',
    ReadWriteMany: 'RWX',
    ReadWriteOncePod: 'RWOP',
  };
  return modes.map((m) => short[text(m)] ?? text(m)).join(',');
}

function podSelector(selector: unknown): string {
  const text = formatLabelSelector(selector);
  return text === '<none>' ? '<none>' : text;
}
