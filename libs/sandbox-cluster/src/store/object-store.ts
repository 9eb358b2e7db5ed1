import { nameOf, namespaceOf, type KubeObject, type ResourceType } from '../api/resource-type';
import { clone } from './object-utils';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** Global resourceVersion of this write. */
  resourceVersion: number;
  /** `group/plural` of the object, so watchers filter by collection. */
  resource: string;
  object: KubeObject;
  /** The object before this write (for selector transitions on watches). */
  previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

export interface StoreSnapshot {
  resourceVersion: number;
  objects: Array<{ resource: string; object: KubeObject }>;
}

export function resourceKey(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${type.group}/${type.plural}`;
}

/**
 * In-memory object storage with one global resourceVersion counter (etcd's revision), an event
 * history ring for watch resumption, and listeners. It knows nothing about API semantics.
 */
export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historyLimit = 10000) {}

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest RV from which a watch can still be resumed without a 410. */
  get oldestResumableVersion(): number {
    const first = this.history[0];
    return first ? first.resourceVersion - 1 : this.revision;
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const found = this.bucket(resourceKey(type)).get(objectKey(namespace, name));
    return found ? clone(found) : undefined;
  }

  /** The stored object itself, not a copy: for readers that never mutate it (the controller simulator). */
  peek(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.bucket(resourceKey(type)).get(objectKey(namespace, name));
  }

  /**
   * Objects of one kind sorted by namespace/name. `shared` skips the defensive copy for readers
   * that never mutate (serialization, controllers' snapshots): copying dominated the CPU profile.
   */
  list(type: ResourceType, namespace?: string, shared = false): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.bucket(resourceKey(type)).values()) {
      if (namespace === undefined || (obj.metadata?.['namespace'] ?? '') === namespace)
        out.push(shared ? obj : clone(obj));
    }
    return out.sort(byNamespaceAndName);
  }

  /** Every stored object, for namespace cleanup and garbage collection. */
  entries(): Array<{ resource: string; object: KubeObject }> {
    const out: Array<{ resource: string; object: KubeObject }> = [];
    for (const [resource, bucket] of this.objects)
      for (const o of bucket.values()) out.push({ resource, object: o });
    return out;
  }

  /** Persists `object` with the next resourceVersion and notifies listeners. Returns the stored copy. */
  put(type: ResourceType, object: KubeObject): KubeObject {
    const key = resourceKey(type);
    const ok = objectKey(namespaceOf(object), nameOf(object));
    const previous = this.bucket(key).get(ok);
    const stored = clone(object);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.revision) };
    this.bucket(key).set(ok, stored);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      resourceVersion: this.revision,
      resource: key,
      object: stored,
      ...(previous ? { previous } : {}),
    });
    return clone(stored);
  }

  remove(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const key = resourceKey(type);
    const previous = this.bucket(key).get(objectKey(namespace, name));
    if (!previous) return undefined;
    this.bucket(key).delete(objectKey(namespace, name));
    const gone = clone(previous);
    gone.metadata = { ...gone.metadata, resourceVersion: String(++this.revision) };
    this.emit({ type: 'DELETED', resourceVersion: this.revision, resource: key, object: gone, previous });
    return clone(gone);
  }

  /** Events with RV > `since`, or `undefined` when that part of history is gone (410 Expired). */
  eventsSince(since: number): StoreEvent[] | undefined {
    if (since < this.oldestResumableVersion) return undefined;
    return this.history.filter((e) => e.resourceVersion > since);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the watch history (etcd compaction): resuming from any older version now gets 410. */
  compactHistory(): void {
    this.history.length = 0;
  }

  snapshot(): StoreSnapshot {
    return {
      resourceVersion: this.revision,
      objects: this.entries().map((e) => ({ ...e, object: clone(e.object) })),
    };
  }

  load(snapshot: StoreSnapshot): void {
    this.objects.clear();
    this.history.length = 0;
    this.revision = snapshot.resourceVersion;
    for (const { resource, object } of snapshot.objects) {
      this.bucket(resource).set(objectKey(namespaceOf(object), nameOf(object)), object);
    }
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit)
      this.history.splice(0, this.history.length - this.historyLimit);
    for (const l of [...this.listeners]) l(event);
  }

  private bucket(key: string): Map<string, KubeObject> {
    let b = this.objects.get(key);
    if (!b) {
      b = new Map();
      this.objects.set(key, b);
    }
    return b;
  }
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata?.['namespace'] ?? ''}/${a.metadata?.['name']}`;
  const kb = `${b.metadata?.['namespace'] ?? ''}/${b.metadata?.['name']}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
