import { groupOf, type KubeObject, type ResourceNodeDetails } from '@berth/domain';
import type { ResourceType } from '../api-discovery';
import type { KubeCluster } from '../kube-cluster';
import type { KubeRef } from '../kube-ref';
import { type CachedResource, cachedResourceOf, resourceKeyOf } from './cached-resource';
import { DEFAULT_KIND_WATCH_OPTIONS, type KindSink, KindWatch, type KindWatchOptions } from './kind-watch';

/** A change the cache saw: the resource after it (before it, for DELETED). */
export interface CacheChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: CachedResource;
}

/** What a lookup found: the object, its absence, or that the cache cannot say (ask the server). */
export type CacheLookup = { state: 'found'; object: KubeObject } | { state: 'absent' } | { state: 'unknown' };

export interface ClusterCacheOptions extends Partial<KindWatchOptions> {
  /**
   * Kinds never watched, as `group/kind` (`*` for any kind of a group). Default: Argo CD's default
   * `resource.exclusions` and Events (high churn, never part of an app).
   */
  exclusions?: readonly string[];
  /** Called when a kind's list or watch fails (it is retried with backoff). */
  onError?: (type: ResourceType, err: unknown, retryInMs: number) => void;
  /**
   * Works out each object's resource tree details (health, info lines, images) as it comes in, while the
   * whole object is at hand (gitops-engine's `SetPopulateResourceInfoHandler`). A throw leaves them out.
   */
  details?: (obj: KubeObject) => ResourceNodeDetails | undefined;
}

export const DEFAULT_EXCLUSIONS: readonly string[] = [
  '/Event',
  'events.k8s.io/Event',
  '/Endpoints',
  'discovery.k8s.io/EndpointSlice',
  'coordination.k8s.io/Lease',
  'authentication.k8s.io/*',
  'authorization.k8s.io/*',
  'certificates.k8s.io/CertificateSigningRequest',
  'cert-manager.io/CertificateRequest',
  'cilium.io/CiliumIdentity',
  'cilium.io/CiliumEndpoint',
  'cilium.io/CiliumEndpointSlice',
];

const CRD = 'apiextensions.k8s.io/CustomResourceDefinition';

/**
 * The live state of one cluster, fed by list+watch of every kind it serves (gitops-engine's
 * `pkg/cache`): an index by `group/kind/namespace/name`, an owner index (uid -> owned resources) for the
 * resource tree and for finding the app of a Pod, and change listeners. A CustomResourceDefinition that
 * appears or goes makes the cache read discovery again, so a new kind is watched without a restart.
 * Only app-tracked objects are kept whole (cached-resource.ts). docs/adr/0005-live-state-cluster-cache.md
 */
export class ClusterCache {
  private readonly watches = new Map<string, KindWatch>();
  private readonly resources = new Map<string, CachedResource>();
  private readonly byUid = new Map<string, string>();
  private readonly owned = new Map<string, Set<string>>();
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private readonly options: KindWatchOptions;
  private readonly exclusions: readonly string[];
  private rediscovery: NodeJS.Timeout | undefined;
  private discovering: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly sink: KindSink;
  private readonly detailsOf: ((obj: KubeObject) => ResourceNodeDetails | undefined) | undefined;

  constructor(
    readonly cluster: KubeCluster,
    private readonly cacheOptions: ClusterCacheOptions = {},
  ) {
    this.options = {
      watchTimeoutSeconds: cacheOptions.watchTimeoutSeconds ?? DEFAULT_KIND_WATCH_OPTIONS.watchTimeoutSeconds,
      initialBackoffMs: cacheOptions.initialBackoffMs ?? DEFAULT_KIND_WATCH_OPTIONS.initialBackoffMs,
      maxBackoffMs: cacheOptions.maxBackoffMs ?? DEFAULT_KIND_WATCH_OPTIONS.maxBackoffMs,
      listPageSize: cacheOptions.listPageSize ?? DEFAULT_KIND_WATCH_OPTIONS.listPageSize,
    };
    this.exclusions = cacheOptions.exclusions ?? DEFAULT_EXCLUSIONS;
    const details = cacheOptions.details;
    this.detailsOf =
      details &&
      ((obj) => {
        try {
          return details(obj);
        } catch {
          return undefined;
        }
      });
    this.sink = {
      replaceAll: (type, objects, initial) => this.replaceAll(type, objects, initial),
      upsert: (type, obj) => {
        this.put(type, obj);
        if (`${groupOf(type.apiVersion)}/${type.kind}` === CRD) this.scheduleRediscovery();
      },
      remove: (type, obj) => {
        this.drop(type, obj);
        if (`${groupOf(type.apiVersion)}/${type.kind}` === CRD) this.scheduleRediscovery();
      },
      failed: (type, err, retryInMs) => this.cacheOptions.onError?.(type, err, retryInMs),
    };
  }

  /** Reads discovery and starts a watch per kind. Resolves once discovery answered (not when synced). */
  async start(): Promise<void> {
    await this.discover();
  }

  stop(): void {
    this.stopped = true;
    if (this.rediscovery) clearTimeout(this.rediscovery);
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
  }

  /** Resolves when every watched kind has had its first list (or rejects after `timeoutMs`). */
  async waitForSync(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.synced) {
      if (Date.now() > deadline)
        throw new Error(`cluster cache of ${this.cluster.url} not synced after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Every watched kind has been listed. */
  get synced(): boolean {
    if (this.watches.size === 0) return false;
    for (const w of this.watches.values()) if (!w.synced) return false;
    return true;
  }

  /** The kinds watched, as `apiVersion/kind`, and their watch counters. */
  watchedKinds(): Array<{ apiVersion: string; kind: string; synced: boolean; stats: KindWatch['stats'] }> {
    return [...this.watches.values()].map((w) => ({
      apiVersion: w.type.apiVersion,
      kind: w.type.kind,
      synced: w.synced,
      stats: { ...w.stats },
    }));
  }

  get size(): number {
    return this.resources.size;
  }

  /**
   * When the oldest list that the cache's current state rests on was taken (epoch ms): every kind is
   * listed once and then kept by its watch, and listed again only after a 410 or an error, so this is the
   * start of the longest unbroken watch among the kinds that answer. Undefined while no kind is synced.
   * Argo CD's `argocd_cluster_cache_age_seconds` counts from the cache's last full sync instead; this cache
   * never relists all kinds at once.
   */
  oldestListAt(): number | undefined {
    let oldest: number | undefined;
    for (const w of this.watches.values())
      if (w.synced && w.listedAt !== undefined && (oldest === undefined || w.listedAt < oldest))
        oldest = w.listedAt;
    return oldest;
  }

  /** The top-level resources (no owner) of a namespace, or undefined while a kind is not listed yet. */
  topLevelInNamespace(namespace: string): CachedResource[] | undefined {
    return this.inNamespace(namespace)?.filter((r) => r.ownerRefs.length === 0);
  }

  onChange(listener: (change: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One object by ref (apiVersion, or the group of an inventory key). `unknown` when the kind is not
   * watched or not listed yet, when the object is kept as a node only (no app tracks it), or when the
   * ref asks for another version than the one watched: the caller GETs it then.
   */
  lookup(ref: KubeRef): CacheLookup {
    const group = ref.apiVersion !== undefined ? groupOf(ref.apiVersion) : (ref.group ?? '');
    const watch = this.watches.get(`${group}/${ref.kind}`);
    if (!watch?.synced) return { state: 'unknown' };
    if (ref.apiVersion !== undefined && ref.apiVersion !== watch.type.apiVersion) return { state: 'unknown' };
    const namespace = watch.type.namespaced ? ref.namespace : undefined;
    if (watch.type.namespaced && !namespace) return { state: 'unknown' };
    const found = this.resources.get(resourceKeyOf(group, ref.kind, namespace, ref.name));
    if (!found) return { state: 'absent' };
    // A copy: callers may shape what they were given; the cache's object must stay as the server sent it.
    return found.object ? { state: 'found', object: structuredClone(found.object) } : { state: 'unknown' };
  }

  /** A resource by key (`group/kind/namespace/name`). */
  get(key: string): CachedResource | undefined {
    return this.resources.get(key);
  }

  /** The resources an object owns (ownerReferences pointing at its uid). */
  ownedBy(uid: string): CachedResource[] {
    return [...(this.owned.get(uid) ?? [])]
      .map((k) => this.resources.get(k))
      .filter((r): r is CachedResource => r !== undefined);
  }

  /**
   * Every resource of a namespace, or undefined while a kind is not listed yet (the answer would be
   * partial). For orphaned resources monitoring.
   */
  inNamespace(namespace: string): CachedResource[] | undefined {
    if (!this.synced) return undefined;
    return [...this.resources.values()].filter((r) => r.namespace === namespace);
  }

  /** Every resource an app tracks. */
  trackedBy(app: string): CachedResource[] {
    return [...this.resources.values()].filter((r) => r.app === app);
  }

  /**
   * The app a resource belongs to: its own tracking id, or that of the nearest owner carrying one
   * (a Pod -> its ReplicaSet -> the app's Deployment), as Argo CD attributes owned resources.
   */
  appOf(resource: CachedResource): string | undefined {
    let current: CachedResource | undefined = resource;
    for (let depth = 0; current && depth < 8; depth++) {
      if (current.app) return current.app;
      const ownerKey: string | undefined = current.ownerRefs[0]
        ? this.byUid.get(current.ownerRefs[0].uid)
        : undefined;
      current = ownerKey ? this.resources.get(ownerKey) : undefined;
    }
    return undefined;
  }

  private scheduleRediscovery(): void {
    if (this.rediscovery || this.stopped) return;
    // A CRD is served a moment after it is created (Established): look now-ish and once more later.
    this.rediscovery = setTimeout(() => {
      this.rediscovery = undefined;
      void this.discover().then(() => {
        if (!this.stopped) setTimeout(() => void this.discover(), 2000).unref();
      });
    }, 200);
    this.rediscovery.unref();
  }

  private discover(): Promise<void> {
    this.discovering = this.discovering.then(async () => {
      if (this.stopped) return;
      let types: ResourceType[];
      try {
        types = await this.cluster.discovery.watchableTypes();
      } catch (err) {
        this.cacheOptions.onError?.(
          { apiVersion: 'v1', kind: '(discovery)', plural: '', namespaced: false },
          err,
          0,
        );
        return;
      }
      const wanted = new Map<string, ResourceType>();
      for (const t of types) {
        const key = `${groupOf(t.apiVersion)}/${t.kind}`;
        if (!this.excluded(key) && !wanted.has(key)) wanted.set(key, t);
      }
      for (const [key, watch] of this.watches) {
        const now = wanted.get(key);
        if (now && now.apiVersion === watch.type.apiVersion && now.plural === watch.type.plural) continue;
        watch.stop();
        this.watches.delete(key);
        this.replaceAll(watch.type, []);
      }
      for (const [key, type] of wanted) {
        if (this.watches.has(key) || this.stopped) continue;
        const watch = new KindWatch(this.cluster, type, this.sink, this.options);
        this.watches.set(key, watch);
        watch.start();
      }
    });
    return this.discovering;
  }

  private excluded(groupKind: string): boolean {
    const group = groupKind.slice(0, groupKind.indexOf('/'));
    return this.exclusions.some((e) => e === groupKind || e === `${group}/*`);
  }

  /**
   * A (re)list: what differs from what the cache held is a change, what it no longer has is deleted. The
   * first list of a kind reports nothing (a worker starting must not ask for a refresh of every app).
   */
  private replaceAll(type: ResourceType, objects: readonly KubeObject[], initial = false): void {
    const prefix = `${groupOf(type.apiVersion)}/${type.kind}/`;
    const seen = new Set<string>();
    for (const obj of objects) seen.add(this.put(type, obj, initial));
    for (const [key, resource] of this.resources) {
      if (key.startsWith(prefix) && !seen.has(key)) this.dropResource(resource);
    }
  }

  private put(type: ResourceType, raw: KubeObject, quiet = false): string {
    const obj = { ...raw, apiVersion: type.apiVersion, kind: type.kind };
    const next = cachedResourceOf(obj, type.namespaced, this.detailsOf);
    const before = this.resources.get(next.key);
    if (before && before.resourceVersion === next.resourceVersion && before.uid === next.uid) return next.key;
    if (before) this.unindex(before);
    this.resources.set(next.key, next);
    if (next.uid) this.byUid.set(next.uid, next.key);
    for (const o of next.ownerRefs) {
      let set = this.owned.get(o.uid);
      if (!set) this.owned.set(o.uid, (set = new Set()));
      set.add(next.key);
    }
    if (!quiet) this.emit({ type: before ? 'MODIFIED' : 'ADDED', resource: next });
    return next.key;
  }

  private drop(type: ResourceType, raw: KubeObject): void {
    const obj = { ...raw, apiVersion: type.apiVersion, kind: type.kind };
    const gone = this.resources.get(cachedResourceOf(obj, type.namespaced).key);
    if (gone) this.dropResource(gone);
  }

  private dropResource(resource: CachedResource): void {
    this.unindex(resource);
    this.resources.delete(resource.key);
    this.emit({ type: 'DELETED', resource });
  }

  private unindex(resource: CachedResource): void {
    if (resource.uid && this.byUid.get(resource.uid) === resource.key) this.byUid.delete(resource.uid);
    for (const o of resource.ownerRefs) {
      const set = this.owned.get(o.uid);
      set?.delete(resource.key);
      if (set?.size === 0) this.owned.delete(o.uid);
    }
  }

  private emit(change: CacheChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own; the cache goes on.
      }
    }
  }
}
