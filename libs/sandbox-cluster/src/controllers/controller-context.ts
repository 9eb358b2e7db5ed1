import type { AnyJson } from '../api/json';
import type { KubeObject, ResourceType } from '../api/resource-type';
import type { ObjectRegistry } from '../registry/object-registry';
import { formatTime, isPlainObject, jsonEqual } from '../store/object-utils';

/** Unscaled delays (ms) of the simulated cluster; multiplied by timeScale. */
export const SIM_DELAYS = {
  podStart: 1000,
  imagePullBackOff: 1000,
  crashRestart: 10000,
  jobRun: 2000,
  loadBalancer: 1000,
  volumeBind: 500,
  terminationPerSecond: 1000,
};

export const NODE_NAME = 'sandbox-node';
export const CONTROLLER_MANAGER = 'kube-controller-manager';

/** What each controller gets: the registry, the simulated clock, and a way to ask for a wakeup. */
export class ControllerContext {
  private readonly firstSeen = new Map<string, number>();
  private readonly lists = new Map<string, KubeObject[]>();
  private readonly owners = new Map<string, Map<string, KubeObject[]>>();

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
  }

  wakeAt(atMs: number): void {
    this.requestWake(atMs);
  }

  type(apiVersion: string, kind: string): ResourceType {
    const t = this.registry.types.byKind(apiVersion, kind);
    if (!t) throw new Error(`sandbox: built-in kind ${apiVersion} ${kind} is not registered`);
    return t;
  }

  /** Drops the per-pass snapshots: each pass reads the store once per kind. */
  beginPass(): void {
    this.lists.clear();
    this.owners.clear();
  }

  /** Every object of a kind, as of the start of this pass (writes show up in the next pass). */
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

  /** Objects whose controller ownerReference points at `owner`. */
  owned(apiVersion: string, kind: string, owner: KubeObject): KubeObject[] {
    const key = `${apiVersion}/${kind}`;
    let index = this.owners.get(key);
    if (!index) {
      index = new Map();
      for (const o of this.list(apiVersion, kind)) {
        const ref = (o.metadata?.['ownerReferences'] ?? []).find((r: AnyJson) => r.controller === true);
        if (!ref) continue;
        const bucket = index.get(ref.uid) ?? [];
        bucket.push(o);
        index.set(ref.uid, bucket);
      }
      this.owners.set(key, index);
    }
    return index.get(owner.metadata?.['uid']) ?? [];
  }

  writeStatus(
    apiVersion: string,
    kind: string,
    obj: KubeObject,
    status: Record<string, unknown>,
    manager = CONTROLLER_MANAGER,
  ): void {
    const next = prune(status);
    // Most passes change nothing: skip the write pipeline when status and annotations already match.
    const live = this.list(apiVersion, kind).find((o) => o.metadata?.['uid'] === obj.metadata?.['uid']);
    if (
      live &&
      jsonEqual(live['status'], next) &&
      jsonEqual(live.metadata?.['annotations'], obj.metadata?.['annotations'])
    )
      return;
    try {
      this.registry.writeStatus(this.type(apiVersion, kind), obj, next, manager);
    } catch {
      // The object went away or its namespace is terminating: the next pass sees the new state.
    }
  }

  time(ms: number): string {
    return formatTime(ms);
  }
}

export function ownerReference(owner: KubeObject): Record<string, unknown> {
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
  conditions: AnyJson[] | undefined,
  next: { type: string; status: string; reason: string; message: string },
  now: string,
  fields: { update?: boolean; probe?: boolean } = {},
): AnyJson[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const same =
    prev && prev.status === next.status && prev.reason === next.reason && prev.message === next.message;
  const transition = prev && prev.status === next.status ? prev.lastTransitionTime : now;
  const cond: Record<string, unknown> = { type: next.type, status: next.status };
  if (fields.probe) cond['lastProbeTime'] = same ? prev.lastProbeTime : now;
  if (fields.update) cond['lastUpdateTime'] = same ? prev.lastUpdateTime : now;
  cond['lastTransitionTime'] = transition;
  cond['reason'] = next.reason;
  cond['message'] = next.message;
  if (i >= 0) list[i] = cond;
  else list.push(cond);
  return list;
}
