import type { Condition } from '../api/builtin-kinds';
import {
  nameOf,
  namespaceOf,
  type KubeObject,
  type OwnerReference,
  type ResourceType,
} from '../api/resource-type';
import type { ObjectRegistry } from '../registry/object-registry';
import { byNamespaceAndName, resourceKey, type StoreEvent } from '../store/object-store';
import { formatTime, isPlainObject, jsonEqual } from '../store/object-utils';

/** Unscaled delays (ms) of the simulated cluster; multiplied by timeScale. */
export const SIM_DELAYS = {
  podStart: 1000,
  imagePullBackOff: 1000,
  jobRun: 2000,
  loadBalancer: 1000,
  volumeBind: 500,
  terminationPerSecond: 1000,
};

/** Real (unscaled) delay before an object whose write failed is looked at again. */
const REQUEUE_DELAY_MS = 200;

export const NODE_NAME = 'sandbox-node';
export const CONTROLLER_MANAGER = 'kube-controller-manager';

/** `namespace|name` of an object within its resource. */
type ObjectKey = string;

/**
 * What each controller gets: the registry, the simulated clock, and the objects to look at.
 *
 * Like a real controller-manager's informers and work queues, a pass only visits objects that changed since
 * the last one, whose controlled dependents changed (a Pod's change queues its ReplicaSet), or that asked to
 * be woken up at a time. A pass used to re-read every object, so its cost grew with the cluster: at a few
 * thousand objects the simulator took a whole core and starved the API server (issue #7's 1,000-app bench).
 */
export class ControllerContext {
  private readonly firstSeen = new Map<string, number>();
  /** Objects to reconcile next, by resource (`group/plural`). */
  private dirty = new Map<string, Set<ObjectKey>>();
  /** Wake-ups controllers asked for: `resource|namespace|name` -> earliest time. */
  private readonly wakes = new Map<string, number>();
  /** Controller owner uid -> its dependents (`resource|namespace|name`), and the reverse. */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly controllerOf = new Map<string, string>();
  private readonly types = new Map<string, ResourceType>();
  private readonly lists = new Map<string, KubeObject[]>();
  /** CronJob uid -> the simulated instant of its last schedule (cronjob.controller.ts). */
  readonly lastSchedules = new Map<string, number>();

  constructor(
    readonly registry: ObjectRegistry,
    readonly timeScale: number,
    private readonly requestWake: (atMs: number) => void,
  ) {}

  nowMs(): number {
    return Date.now();
  }

  /** Real delay for a simulated duration. */
  scaled(ms: number): number {
    return ms * this.timeScale;
  }

  /** When the simulator first saw this object: the origin of its simulated lifecycle. */
  seen(obj: KubeObject): number {
    const uid = String(obj.metadata?.['uid']);
    let t = this.firstSeen.get(uid);
    if (t === undefined) {
      t = this.nowMs();
      this.firstSeen.set(uid, t);
    }
    return t;
  }

  /** When the simulator first saw this object with a deletionTimestamp. */
  seenTerminating(obj: KubeObject): number {
    const key = `terminating/${String(obj.metadata?.['uid'])}`;
    let t = this.firstSeen.get(key);
    if (t === undefined) {
      t = this.nowMs();
      this.firstSeen.set(key, t);
    }
    return t;
  }

  forget(uid: string): void {
    this.firstSeen.delete(uid);
    this.firstSeen.delete(`terminating/${uid}`);
    this.lastSchedules.delete(uid);
  }

  /** Reconcile `obj` again at `atMs` (a simulated delay ends then). */
  wakeAt(atMs: number, obj: KubeObject): void {
    const type = this.typeOrUndefined(String(obj.apiVersion), String(obj.kind));
    if (!type) return;
    const key = `${resourceKey(type)}|${obj.metadata?.['namespace'] ?? ''}|${obj.metadata?.['name']}`;
    const current = this.wakes.get(key);
    if (current === undefined || atMs < current) this.wakes.set(key, atMs);
    this.requestWake(atMs);
  }

  /** Reconcile `obj` again soon: a write failed in a way a retry may fix (a controller's rate-limited requeue). */
  requeue(obj: KubeObject): void {
    this.wakeAt(this.nowMs() + REQUEUE_DELAY_MS, obj);
  }

  /** The earliest wake-up still pending (Infinity when none). */
  nextWake(): number {
    let next = Infinity;
    for (const at of this.wakes.values()) if (at < next) next = at;
    return next;
  }

  /** True when a change is waiting for the next pass. */
  hasWork(): boolean {
    return this.dirty.size > 0;
  }

  type(apiVersion: string, kind: string): ResourceType {
    const t = this.typeOrUndefined(apiVersion, kind);
    if (!t) throw new Error(`sandbox: built-in kind ${apiVersion} ${kind} is not registered`);
    return t;
  }

  /** Feeds a store write to the queues: the object itself and the controller that owns it (before and after). */
  observe(event: StoreEvent): void {
    const meta = event.object.metadata ?? {};
    const namespace = String(meta['namespace'] ?? '');
    const name = String(meta['name']);
    const self = `${event.resource}|${namespace}|${name}`;
    const ownerUid = controllerRef(event.object)?.uid;
    const previousOwner = this.controllerOf.get(self);
    if (previousOwner !== undefined && (event.type === 'DELETED' || previousOwner !== ownerUid)) {
      this.dependents.get(previousOwner)?.delete(self);
      if (this.dependents.get(previousOwner)?.size === 0) this.dependents.delete(previousOwner);
      this.controllerOf.delete(self);
    }
    if (event.type === 'DELETED') {
      this.wakes.delete(self);
      this.dependents.delete(String(meta['uid']));
    } else {
      this.markDirty(event.resource, namespace, name);
      if (ownerUid !== undefined && previousOwner !== ownerUid) {
        let set = this.dependents.get(ownerUid);
        if (!set) this.dependents.set(ownerUid, (set = new Set()));
        set.add(self);
        this.controllerOf.set(self, ownerUid);
      }
    }
    for (const obj of [event.object, event.previous]) {
      const ref = obj ? controllerRef(obj) : undefined;
      const ownerType = ref ? this.typeOrUndefined(String(ref.apiVersion), String(ref.kind)) : undefined;
      if (ref && ownerType)
        this.markDirty(resourceKey(ownerType), ownerType.namespaced ? namespace : '', String(ref.name));
    }
  }

  /** Starts a pass: due wake-ups join the queue, and the snapshots of the previous pass are dropped. */
  beginPass(): void {
    this.lists.clear();
    const now = this.nowMs();
    for (const [key, at] of this.wakes) {
      if (at > now) continue;
      this.wakes.delete(key);
      const [resource, namespace, name] = key.split('|') as [string, string, string];
      this.markDirty(resource, namespace, name);
    }
  }

  /**
   * The objects of a kind this pass must reconcile (and takes them off the queue). Changes made while the
   * pass runs queue their objects for the next one.
   */
  pending(apiVersion: string, kind: string): KubeObject[] {
    const type = this.type(apiVersion, kind);
    const resource = resourceKey(type);
    const keys = this.dirty.get(resource);
    if (!keys) return [];
    this.dirty.delete(resource);
    const out: KubeObject[] = [];
    for (const key of keys) {
      const [namespace, name] = key.split('|') as [string, string];
      const obj = this.registry.store.peek(type, namespace, name);
      if (obj) out.push(this.registry.present(type, obj));
    }
    return out.sort(byNamespaceAndName);
  }

  /** Every object of a kind, as of its first read in this pass: for the few kinds that watch another kind. */
  list(apiVersion: string, kind: string): KubeObject[] {
    const key = `${apiVersion}/${kind}`;
    let items = this.lists.get(key);
    if (!items) {
      const type = this.type(apiVersion, kind);
      items = this.registry.store.list(type, undefined, true).map((o) => this.registry.present(type, o));
      this.lists.set(key, items);
    }
    return items;
  }

  /** Objects whose controller ownerReference points at `owner`, as they are now. */
  owned(apiVersion: string, kind: string, owner: KubeObject): KubeObject[] {
    const type = this.type(apiVersion, kind);
    const prefix = `${resourceKey(type)}|`;
    const out: KubeObject[] = [];
    for (const key of this.dependents.get(String(owner.metadata?.['uid'])) ?? []) {
      if (!key.startsWith(prefix)) continue;
      const [, namespace, name] = key.split('|') as [string, string, string];
      const obj = this.registry.store.peek(type, namespace, name);
      if (obj) out.push(this.registry.present(type, obj));
    }
    return out.sort(byNamespaceAndName);
  }

  writeStatus(
    apiVersion: string,
    kind: string,
    obj: KubeObject,
    status: Record<string, unknown>,
    manager = CONTROLLER_MANAGER,
  ): void {
    const next = prune(status);
    const type = this.type(apiVersion, kind);
    // Most reconciles change nothing: skip the write pipeline when status and annotations already match.
    const live = this.registry.store.peek(type, namespaceOf(obj), nameOf(obj));
    if (
      live &&
      live.metadata?.['uid'] === obj.metadata?.['uid'] &&
      jsonEqual(live['status'], next) &&
      jsonEqual(live.metadata?.['annotations'], obj.metadata?.['annotations'])
    )
      return;
    try {
      this.registry.writeStatus(type, obj, next, manager);
    } catch {
      // The object went away or its namespace is terminating: the next pass sees the new state.
    }
  }

  time(ms: number): string {
    return formatTime(ms);
  }

  private markDirty(resource: string, namespace: string, name: string): void {
    let keys = this.dirty.get(resource);
    if (!keys) this.dirty.set(resource, (keys = new Set()));
    keys.add(`${namespace}|${name}`);
  }

  private typeOrUndefined(apiVersion: string, kind: string): ResourceType | undefined {
    const key = `${apiVersion}/${kind}`;
    let t = this.types.get(key);
    if (!t) {
      // Only hits are cached: a CRD applied later makes an unknown kind known.
      t = this.registry.types.byKind(apiVersion, kind);
      if (t) this.types.set(key, t);
    }
    return t;
  }
}

function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
}

export function ownerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata?.['name'],
    uid: owner.metadata?.['uid'],
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Status fields are `omitempty` in Go: drop undefined values and zero counters where Go would. */
function prune(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    out[k] = isPlainObject(x) ? prune(x) : x;
  }
  return out;
}

/** A condition list update that keeps lastTransitionTime when the status did not flip. */
export function setCondition(
  conditions: Condition[] | undefined,
  next: { type: string; status: string; reason: string; message: string },
  now: string,
  fields: { update?: boolean; probe?: boolean } = {},
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const same =
    prev && prev.status === next.status && prev.reason === next.reason && prev.message === next.message;
  const transition = prev && prev.status === next.status ? prev.lastTransitionTime : now;
  const cond: Condition = { type: next.type, status: next.status };
  if (fields.probe) cond.lastProbeTime = same ? prev.lastProbeTime : now;
  if (fields.update) cond.lastUpdateTime = same ? prev.lastUpdateTime : now;
  cond.lastTransitionTime = transition;
  cond.reason = next.reason;
  cond.message = next.message;
  if (i >= 0) list[i] = cond;
  else list.push(cond);
  return list;
}
