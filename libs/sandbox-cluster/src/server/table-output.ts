import type { Pod } from '../api/builtin-kinds';
import type { KubeObject, ResourceType } from '../api/resource-type';
import { builtinColumns, type BuiltinColumn } from './builtin-table-columns';
import { printerColumnValue } from './printer-columns';

/** kubectl asks for `as=Table` so it can print server-side columns; JSON clients never do. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept.split(',')[0] ?? '');
}

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority?: number;
  value: (o: KubeObject) => unknown;
}

function age(o: KubeObject): string {
  return since(o.metadata?.['creationTimestamp'] ?? '');
}

function since(timestamp: string): string {
  const created = Date.parse(timestamp);
  if (!Number.isFinite(created)) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - created) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function columnsFor(type: ResourceType): Column[] {
  const name: Column = {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name',
    value: (o) => o.metadata?.['name'],
  };
  const ageCol: Column = { name: 'Age', type: 'string', description: 'Age', value: age };
  // A CRD that declares columns gets exactly those after Name (the apiextensions table convertor).
  if (type.printerColumns && type.printerColumns.length > 0) {
    return [
      name,
      ...type.printerColumns.map((c) => ({
        name: c.name,
        type: c.type,
        ...(c.format ? { format: c.format } : {}),
        description: c.description ?? '',
        priority: c.priority ?? 0,
        value: (o: KubeObject) => printerColumnValue(c, o, since),
      })),
    ];
  }
  const extra: Column[] = [];
  const wide: Column[] = [];
  // Each kind's columns read the object through that kind's view (api/builtin-kinds.ts).
  const col = <T extends KubeObject>(n: string, value: (o: T) => unknown, t = 'string'): Column => ({
    name: n,
    type: t,
    description: n,
    value: (o) => value(o as T),
  });
  switch (`${type.group}/${type.kind}`) {
    case '/Pod':
      extra.push(
        col<Pod>('Ready', (o) => {
          const cs = o.status?.containerStatuses ?? [];
          return `${cs.filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`;
        }),
        col<Pod>('Status', podStatusReason),
        col<Pod>(
          'Restarts',
          (o) => (o.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
          'integer',
        ),
      );
      wide.push(
        { ...col<Pod>('IP', (o) => o.status?.podIP ?? '<none>'), priority: 1 },
        { ...col<Pod>('Node', (o) => o.spec?.nodeName ?? '<none>'), priority: 1 },
        { ...col<Pod>('Nominated Node', () => '<none>'), priority: 1 },
        { ...col<Pod>('Readiness Gates', (o) => readinessGates(o)), priority: 1 },
      );
      break;
  }
  if (type.builtin && extra.length === 0) {
    const builtin = builtinColumns(type);
    if (builtin) {
      const described = (c: BuiltinColumn): Column => ({ ...c, description: c.name });
      if (builtin.exactly) return builtin.exactly.map(described);
      return [
        name,
        ...builtin.columns.map(described),
        ...(builtin.noAge ? [] : [ageCol]),
        ...(builtin.after ?? []).map(described),
      ];
    }
  }
  return [name, ...extra, ageCol, ...wide];
}

/** A meta.k8s.io/v1 Table (rows carry the object as PartialObjectMetadata like the real server). */
export function toTable(
  type: ResourceType,
  items: KubeObject[],
  metadata: Record<string, unknown>,
): Record<string, unknown> {
  const columns = columnsFor(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority ?? 0,
    })),
    rows: items.map((o) => ({
      cells: columns.map((c) => c.value(o)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/**
 * kubectl's STATUS of a Pod (printPod in pkg/printers/internalversion): the phase, overridden by the last
 * container's waiting or terminated reason (a finished Job's Pod: `Completed`, a failed one: `Error`), a
 * completed container beside a running one counting as Running, and `Terminating` once deleted.
 */
export function podStatusReason(pod: Pod): string {
  let reason = pod.status?.phase ?? 'Pending';
  let hasRunning = false;
  for (const c of [...(pod.status?.containerStatuses ?? [])].reverse()) {
    const { waiting, terminated, running } = c.state ?? {};
    if (waiting?.reason) reason = waiting.reason;
    else if (terminated?.reason) reason = terminated.reason;
    else if (terminated) reason = `ExitCode:${terminated.exitCode ?? 0}`;
    else if (c.ready && running) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  if (pod.metadata?.['deletionTimestamp']) reason = 'Terminating';
  return reason;
}

/** READINESS GATES of `kubectl get pods -o wide`: `<none>`, or ready/total of the pod's gates. */
function readinessGates(pod: Pod): string {
  const gates = (pod.spec as { readinessGates?: Array<{ conditionType?: string }> } | undefined)
    ?.readinessGates;
  if (!gates || gates.length === 0) return '<none>';
  const ready = gates.filter((g) =>
    (pod.status?.conditions ?? []).some((c) => c.type === g.conditionType && c.status === 'True'),
  ).length;
  return `${ready}/${gates.length}`;
}
