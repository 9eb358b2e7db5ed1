import type { KubeObject } from '@berth/domain';
import type { Writable } from 'node:stream';
import {
  ApiException,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  Log,
  RequestContext,
  Watch,
} from '@kubernetes/client-node';
import { ApiDiscovery, type ResourceType } from './api-discovery';
import type { ApplyStrategy } from './apply-strategy';
import { clientSideApplyPatch, JSON_MERGE_PATCH, withLastApplied } from './client-side-apply';
import { codeForStatus, KubeApiError, timedOutError, unreachableError } from './kube-api.error';
import { describeRef, type KubeRef, refFromKey, refOf } from './kube-ref';
import { kubeRequestChannel, requestInfoOf, type KubeRequestMessage } from './kube-request.channel';

export interface WriteOptions {
  /** Server-side dry run (`dryRun=All`): validated and defaulted, nothing stored. */
  dryRun?: boolean;
  /** `fieldValidation`: what the server does with unknown or duplicate fields. Default: the server's (Warn). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface ApplyOptions extends WriteOptions {
  /** Default `berth`. */
  fieldManager?: string;
  /** Take over fields another manager owns (Argo CD's server-side apply does). Default true. */
  force?: boolean;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface ApplyResourceOptions {
  dryRun?: boolean;
  /** The live object as the caller last read it: without it, a server-side apply reports `created`. */
  live?: KubeObject;
  /** How long a Force=true recreation waits for the old object to go. Default 60 s. */
  deleteTimeoutMs?: number;
}

/** What applyResource did, in the words of a sync result. */
export type ApplyResult = 'created' | 'configured' | 'unchanged' | 'replaced';

export interface ApplyOutcome {
  object: KubeObject;
  result: ApplyResult;
}

export interface DeleteOptions extends WriteOptions {
  /** Default Foreground, as Argo CD prunes. */
  propagationPolicy?: PropagationPolicy;
  /** Seconds the object's Pods get to stop; 0 is immediately (Argo CD's forced DeleteResource). */
  gracePeriodSeconds?: number;
}

/** The PATCH content types (Argo CD's PatchResource `patchType` values). */
export const PATCH_CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;
export type PatchType = keyof typeof PATCH_CONTENT_TYPES;

/**
 * One Kubernetes cluster as Berth talks to it. Every body goes over the wire exactly as given and
 * every response comes back as plain JSON: client-node's typed models drop fields they do not
 * know and turn timestamps into Dates, which would make a GitOps diff lie. Only client-node's
 * kubeconfig handling (auth, TLS) and its fetch are used.
 */
/** The query of a pod's log (core/v1 PodLogOptions) that Berth passes on. */
export interface PodLogOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  timestamps?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
}

/** How a KubeCluster talks to its API server. */
export interface KubeClientOptions {
  /**
   * A request (watches and followed logs excepted) that has not been answered, body included, within this
   * long fails as Unreachable (transient), so a hung API server costs a retry, never a stalled job.
   * Default 30 s, Argo CD's default Kubernetes client timeout (`ARGOCD_K8S_TCP_TIMEOUT`).
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_KUBE_REQUEST_TIMEOUT_MS = 30_000;

export class KubeCluster {
  readonly discovery: ApiDiscovery;
  /** Where `liveObjects` reads first when asked to (a watch-fed ClusterCache); GETs what it cannot say. */
  private liveCache: LiveCache | undefined;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly server: string;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly config: KubeConfig,
    options: KubeClientOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_KUBE_REQUEST_TIMEOUT_MS;
    const cluster = config.getCurrentCluster();
    if (!cluster) {
      throw new KubeApiError(
        'Unreachable',
        'the kubeconfig has no current cluster; set current-context to a context whose cluster exists',
        0,
      );
    }
    this.server = cluster.server.replace(/\/+$/, '');
    this.discovery = new ApiDiscovery(async (path) => {
      const res = await this.request('GET', path);
      return res.status === 404 ? undefined : res.body;
    });
  }

  static fromKubeconfig(text: string, options: KubeClientOptions = {}): KubeCluster {
    const kc = new KubeConfig();
    kc.loadFromString(text);
    return new KubeCluster(kc, options);
  }

  static fromKubeconfigFile(path: string, options: KubeClientOptions = {}): KubeCluster {
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    return new KubeCluster(kc, options);
  }

  /** The service account of the pod Berth runs in. */
  static inCluster(options: KubeClientOptions = {}): KubeCluster {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return new KubeCluster(kc, options);
  }

  get url(): string {
    return this.server;
  }

  /** Resolves the type of a ref: by apiVersion, or by group at the preferred version for inventory keys. */
  async typeOf(ref: KubeRef): Promise<ResourceType> {
    return ref.apiVersion
      ? this.discovery.forApiVersion(ref.apiVersion, ref.kind)
      : this.discovery.forGroup(ref.group ?? '', ref.kind);
  }

  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.discovery.forApiVersion(apiVersion, kind)).namespaced;
  }

  /** The server's version (`GET /version`), e.g. `v1.34.1`: what a cluster's connection check reads. */
  async serverVersion(): Promise<string> {
    const res = await this.request('GET', '/version');
    if (res.status >= 400) {
      const status = (res.body ?? {}) as { message?: string; reason?: string };
      throw new KubeApiError(
        codeForStatus(res.status, status.reason),
        `reading the server version was refused: ${status.message ?? `HTTP ${res.status}`}`,
        res.status,
        status.reason,
      );
    }
    const version = (res.body ?? {}) as { gitVersion?: unknown };
    return typeof version.gitVersion === 'string' ? version.gitVersion : 'unknown';
  }

  /** The live object, or undefined when it does not exist. */
  async get(ref: KubeRef): Promise<KubeObject | undefined> {
    const path = await this.objectPath(ref);
    const res = await this.request('GET', path);
    if (res.status === 404) return undefined;
    return this.expectObject(res, 'read', ref);
  }

  /** Lets `liveObjects(..., { fromCache: true })` read from this cache (ClusterCache). */
  useCache(cache: LiveCache | undefined): void {
    this.liveCache = cache;
  }

  /**
   * The live objects of an app: each desired object and each inventory key (`group/kind/ns/name`)
   * read by name. No listing of every API type: cost is one GET per resource, except, with `fromCache`,
   * the ones the attached cache can answer for (docs/adr/0005-live-state-cluster-cache.md).
   */
  async liveObjects(
    desired: readonly KubeObject[],
    inventory: readonly string[] = [],
    options: { fromCache?: boolean } = {},
  ): Promise<KubeObject[]> {
    const refs = new Map<string, KubeRef>();
    for (const obj of desired) refs.set(keyOf(refOf(obj), obj.apiVersion), refOf(obj));
    for (const key of inventory) {
      const ref = refFromKey(key);
      if (ref) refs.set(key, ref);
    }
    const seen = new Set<string>();
    const cache = options.fromCache ? this.liveCache : undefined;
    const found = await Promise.all(
      [...refs.values()].map((ref) => {
        const cached = cache?.lookup(ref);
        if (cached?.state === 'found') return Promise.resolve(cached.object);
        if (cached?.state === 'absent') return Promise.resolve(undefined);
        return this.get(ref).catch((err: unknown) => {
          // A kind the cluster does not serve (CRD not installed yet) has no live object.
          if (err instanceof KubeApiError && err.code === 'UnknownResourceType') return undefined;
          throw err;
        });
      }),
    );
    return found.filter((o): o is KubeObject => {
      if (!o) return false;
      const uid =
        typeof o.metadata['uid'] === 'string'
          ? o.metadata['uid']
          : `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
      if (seen.has(uid)) return false;
      seen.add(uid);
      return true;
    });
  }

  /**
   * Every object of one kind in `namespace` (cluster-wide for cluster-scoped kinds, and for namespaced
   * kinds with `allNamespaces`), each with its apiVersion and kind set (list items carry neither). A kind
   * the cluster does not serve has none. `fieldSelector` goes to the server as it is (e.g.
   * `involvedObject.name=web`): build it with `fieldSelectorOf`, which escapes the values.
   */
  async list(
    type: { apiVersion: string; kind: string; namespace?: string },
    options: { fieldSelector?: string; allNamespaces?: boolean } = {},
  ): Promise<KubeObject[]> {
    const ref: KubeRef = { ...type, name: '' };
    let path: string;
    try {
      path = await this.collectionPath(ref, options.allNamespaces === true);
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 'UnknownResourceType') return [];
      throw err;
    }
    const res = await this.request('GET', path, {
      query: options.fieldSelector ? { fieldSelector: options.fieldSelector } : {},
    });
    if (res.status === 404) return [];
    const list = this.expectObject(res, 'list', ref) as unknown as { items?: KubeObject[] };
    return (list.items ?? []).map((item) => ({ ...item, apiVersion: type.apiVersion, kind: type.kind }));
  }

  /**
   * One page of every object of a resolved type in all namespaces, with the list's resourceVersion (where
   * a watch starts from). Items get their apiVersion and kind set. `continue` pages through big lists.
   */
  async listCollection(
    type: ResourceType,
    options: { limit?: number; continue?: string } = {},
  ): Promise<CollectionPage> {
    const res = await this.request('GET', typePath(type), {
      query: {
        ...(options.limit ? { limit: String(options.limit) } : {}),
        ...(options.continue ? { continue: options.continue } : {}),
      },
    });
    const ref: KubeRef = { apiVersion: type.apiVersion, kind: type.kind, name: '' };
    const list = this.expectObject(res, 'list', ref) as unknown as {
      items?: KubeObject[];
      metadata?: { resourceVersion?: string; continue?: string };
    };
    return {
      items: (list.items ?? []).map((item) => ({ ...item, apiVersion: type.apiVersion, kind: type.kind })),
      resourceVersion: list.metadata?.resourceVersion ?? '',
      ...(list.metadata?.continue ? { continue: list.metadata.continue } : {}),
    };
  }

  /**
   * Watches a resolved type in all namespaces from `resourceVersion` (with bookmarks), through client-node's
   * `Watch`, which hands events over as plain JSON. `onDone` is called once, when the stream ends (the
   * server closed it, it timed out, or it failed: then with the error, whose `statusCode` says why).
   * The returned controller stops it. The stream is dropped after `timeoutSeconds` + 30 s of silence.
   */
  async watchCollection(
    type: ResourceType,
    options: { resourceVersion: string; timeoutSeconds: number },
    onEvent: (event: WatchEvent) => void,
    onDone: (err: unknown) => void,
  ): Promise<AbortController> {
    const watch = new Watch(this.config);
    // client-node aborts a stream silent for 30 s (a private field, no option): a real API server sends
    // bookmarks about once a minute, so the server's timeoutSeconds must end the stream first.
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs =
      (options.timeoutSeconds + 30) * 1000;
    return watch.watch(
      typePath(type),
      {
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: options.timeoutSeconds,
      },
      (eventType: string, object: unknown) => onEvent({ type: eventType, object: object as KubeObject }),
      onDone,
    );
  }

  /** Server-side apply (`application/apply-patch+yaml`), creating the object if needed. */
  async apply(obj: KubeObject, options: ApplyOptions = {}): Promise<KubeObject> {
    const ref = refOf(obj);
    const path = await this.objectPath(ref);
    const res = await this.request('PATCH', path, {
      query: {
        fieldManager: options.fieldManager ?? 'berth',
        force: String(options.force ?? true),
        ...writeQuery(options),
      },
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
    return this.expectObject(res, 'apply', ref);
  }

  /**
   * Writes one object the way its sync options ask (gitops-engine applyObject): server-side apply,
   * client-side apply (kubectl's three-way patch and last-applied-configuration annotation), or replace;
   * with Force=true, delete and recreate as kubectl's `--force` does. A namespace Git set on a
   * cluster-scoped object is dropped. Never deletes a CustomResourceDefinition or a Namespace.
   */
  async applyResource(
    obj: KubeObject,
    strategy: ApplyStrategy,
    options: ApplyResourceOptions = {},
  ): Promise<ApplyOutcome> {
    const type = await this.typeOf(refOf(obj));
    const target = type.namespaced ? obj : withoutNamespace(obj);
    const write: WriteOptions = {
      ...(options.dryRun ? { dryRun: true } : {}),
      fieldValidation: strategy.validate ? 'Strict' : 'Ignore',
    };
    const recreatable = strategy.force && !neverRecreated(target);
    if (strategy.mode === 'replace' && recreatable) return this.recreate(target, strategy, write, options);
    try {
      if (strategy.mode === 'replace') return await this.replaceOrCreate(target, write);
      if (strategy.mode === 'client-side') return await this.clientSideApply(target, write);
      const applied = await this.apply(target, write);
      return { object: applied, result: resultOf(options.live, applied) };
    } catch (err) {
      // kubectl apply --force: what the server refuses to patch (an immutable field) is deleted and created anew.
      if (recreatable && err instanceof KubeApiError && (err.code === 'Invalid' || err.code === 'Conflict'))
        return this.recreate(target, strategy, write, options);
      throw err;
    }
  }

  /** kubectl apply (client-side): create with the annotation, or the three-way patch, or nothing when it is empty. */
  private async clientSideApply(obj: KubeObject, write: WriteOptions): Promise<ApplyOutcome> {
    const modified = withLastApplied(obj);
    const ref = refOf(obj);
    const live = await this.get(ref);
    if (!live) return { object: await this.create(modified, write), result: 'created' };
    let { patch, contentType } = clientSideApplyPatch(modified, live);
    if (Object.keys(patch).length === 0) return { object: live, result: 'unchanged' };
    const send = () =>
      this.patchObject(ref, patch, contentType, {
        fieldManager: 'berth',
        ...writeQuery(write),
      });
    let patched: KubeObject;
    try {
      patched = await send();
    } catch (err) {
      // A kind in a built-in looking group that is a custom resource: the server takes only merge patches.
      if (!(err instanceof KubeApiError && err.status === 415 && contentType !== JSON_MERGE_PATCH)) throw err;
      ({ patch, contentType } = clientSideApplyPatch(modified, live, true));
      patched = await send();
    }
    return { object: patched, result: resultOf(live, patched) };
  }

  private async replaceOrCreate(obj: KubeObject, write: WriteOptions): Promise<ApplyOutcome> {
    const live = await this.get(refOf(obj));
    if (!live) return { object: await this.create(obj, write), result: 'created' };
    const body = { ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata['resourceVersion'] } };
    return { object: await this.replace(body, write), result: 'replaced' };
  }

  /**
   * Force=true: delete (background), wait until the object is gone, create it again the way the strategy
   * writes. A dry run deletes nothing: it validates the object with a dry-run replace, and a refusal a
   * recreation would get past (invalid, conflicting) still reports `replaced`.
   */
  private async recreate(
    obj: KubeObject,
    strategy: ApplyStrategy,
    write: WriteOptions,
    options: ApplyResourceOptions,
  ): Promise<ApplyOutcome> {
    const ref = refOf(obj);
    if (write.dryRun) {
      try {
        return await this.replaceOrCreate(obj, write);
      } catch (err) {
        if (err instanceof KubeApiError && (err.code === 'Invalid' || err.code === 'Conflict'))
          return { object: obj, result: 'replaced' };
        throw err;
      }
    }
    const existed = await this.delete(ref, { propagationPolicy: 'Background' });
    const deadline = Date.now() + (options.deleteTimeoutMs ?? 60_000);
    while (existed && (await this.get(ref))) {
      if (Date.now() > deadline) {
        throw new KubeApiError(
          'ServerError',
          `${describeRef(ref)} was deleted to be recreated (Force=true) but is still there after ${options.deleteTimeoutMs ?? 60_000} ms; check its finalizers`,
          0,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const created =
      strategy.mode === 'server-side'
        ? await this.apply(obj, write)
        : await this.create(strategy.mode === 'client-side' ? withLastApplied(obj) : obj, write);
    return { object: created, result: existed ? 'replaced' : 'created' };
  }

  async create(obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const ref = refOf(obj);
    const path = await this.collectionPath(ref);
    const res = await this.request('POST', path, {
      query: { fieldManager: 'berth', ...writeQuery(options) },
      body: obj,
    });
    return this.expectObject(res, 'create', ref);
  }

  /** PUT the whole object (Replace=true); takes the live resourceVersion when the object has none. */
  async replace(obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const ref = refOf(obj);
    let body = obj;
    if (obj.metadata['resourceVersion'] === undefined) {
      const live = await this.get(ref);
      if (!live) return this.create(obj, options);
      body = { ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata['resourceVersion'] } };
    }
    const res = await this.request('PUT', await this.objectPath(ref), {
      query: { fieldManager: 'berth', ...writeQuery(options) },
      body,
    });
    return this.expectObject(res, 'replace', ref);
  }

  /**
   * Streams one container's log into `out` (client-node's `Log`: the kubeconfig's credentials and TLS), which
   * ends when the server ends the answer; abort the returned controller to stop following. A refusal (the
   * container is waiting, no previous run...) is a KubeApiError with the server's message: client-node's
   * `Log` keeps only the status code, so the message is read with a plain GET of the same log.
   */
  async streamPodLog(
    pod: { namespace: string; name: string },
    out: Writable,
    options: PodLogOptions = {},
  ): Promise<AbortController> {
    try {
      return await new Log(this.config).log(pod.namespace, pod.name, options.container ?? '', out, {
        follow: options.follow ?? false,
        previous: options.previous ?? false,
        timestamps: options.timestamps ?? false,
        ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
        ...(options.sinceSeconds !== undefined ? { sinceSeconds: options.sinceSeconds } : {}),
      });
    } catch (err) {
      if (!(err instanceof ApiException)) throw unreachableError(this.server, err);
      const query: Record<string, string> = { previous: String(options.previous ?? false) };
      if (options.container) query['container'] = options.container;
      const res = await this.request(
        'GET',
        `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/log`,
        { query },
      );
      const status = (res.body ?? {}) as { message?: string; reason?: string };
      throw new KubeApiError(
        codeForStatus(err.code, status.reason),
        `logs of pod ${pod.namespace}/${pod.name} refused: ${status.message ?? `HTTP ${err.code}`}`,
        err.code,
        status.reason,
      );
    }
  }

  /** JSON merge patch, for small edits (tests, annotations). */
  async mergePatch(ref: KubeRef, patch: Record<string, unknown>): Promise<KubeObject> {
    return this.patchObject(ref, patch, JSON_MERGE_PATCH);
  }

  /**
   * A PATCH as a person sends it (a merge, JSON or strategic merge patch); the API server checks it. The
   * answer is the object after the patch.
   */
  async patch(ref: KubeRef, patch: unknown, type: PatchType): Promise<KubeObject> {
    return this.patchObject(ref, patch, PATCH_CONTENT_TYPES[type], { fieldManager: 'berth' });
  }

  private async patchObject(
    ref: KubeRef,
    patch: unknown,
    contentType: string,
    query: Record<string, string> = {},
  ): Promise<KubeObject> {
    const res = await this.request('PATCH', await this.objectPath(ref), { query, body: patch, contentType });
    return this.expectObject(res, 'patch', ref);
  }

  /** Deletes; returns false when the object was already gone. */
  async delete(ref: KubeRef, options: DeleteOptions = {}): Promise<boolean> {
    const res = await this.request('DELETE', await this.objectPath(ref), {
      query: { ...(options.dryRun ? { dryRun: 'All' } : {}) },
      body: {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: options.propagationPolicy ?? 'Foreground',
        ...(options.gracePeriodSeconds !== undefined
          ? { gracePeriodSeconds: options.gracePeriodSeconds }
          : {}),
        ...(options.dryRun ? { dryRun: ['All'] } : {}),
      },
    });
    if (res.status === 404) return false;
    this.expectObject(res, 'delete', ref);
    return true;
  }

  /** Creates the namespace unless it exists; returns true when it was created. */
  async ensureNamespace(name: string, options: WriteOptions = {}): Promise<boolean> {
    const ref: KubeRef = { apiVersion: 'v1', kind: 'Namespace', name };
    if (await this.get(ref)) return false;
    try {
      await this.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, options);
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 'AlreadyExists') return false;
      throw err;
    }
  }

  private async collectionPath(ref: KubeRef, allNamespaces = false): Promise<string> {
    const type = await this.typeOf(ref);
    const prefix = type.apiVersion.includes('/') ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
    if (!type.namespaced || (allNamespaces && !ref.namespace)) return `${prefix}/${type.plural}`;
    if (!ref.namespace) {
      throw new KubeApiError(
        'Invalid',
        `${describeRef(ref)} is namespaced but has no namespace; set metadata.namespace or spec.destination.namespace`,
        400,
      );
    }
    return `${prefix}/namespaces/${encodeURIComponent(ref.namespace)}/${type.plural}`;
  }

  private async objectPath(ref: KubeRef): Promise<string> {
    return `${await this.collectionPath(ref)}/${encodeURIComponent(ref.name)}`;
  }

  private expectObject(res: { status: number; body: unknown }, verb: string, ref: KubeRef): KubeObject {
    if (res.status >= 200 && res.status < 300) return res.body as KubeObject;
    const status = (res.body ?? {}) as { message?: string; reason?: string };
    throw new KubeApiError(
      codeForStatus(res.status, status.reason),
      `${verb} ${describeRef(ref)} failed: ${status.message ?? `HTTP ${res.status}`}`,
      res.status,
      status.reason,
    );
  }

  private async request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: { query?: Record<string, string>; body?: unknown; contentType?: string } = {},
  ): Promise<{ status: number; body: unknown }> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), HttpMethod[method]);
    ctx.setHeaderParam('Accept', 'application/json');
    if (options.body !== undefined) {
      ctx.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(options.body));
    }
    await this.config.applySecurityAuthentication(ctx);
    const deadline = AbortSignal.timeout(this.requestTimeoutMs);
    ctx.setSignal(deadline);
    let response;
    let text: string;
    try {
      response = await this.http.send(ctx).toPromise();
      // A connection reset while the body arrives is as unreachable as one refused.
      text = await response.body.text();
    } catch (err) {
      if (deadline.aborted) throw timedOutError(this.server, this.requestTimeoutMs);
      throw unreachableError(this.server, err);
    }
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = { message: text.slice(0, 500) };
      }
    }
    if (kubeRequestChannel.hasSubscribers) {
      const message: KubeRequestMessage = {
        server: this.server,
        statusCode: response.httpStatusCode,
        ...requestInfoOf(method, path, options.query),
      };
      kubeRequestChannel.publish(message);
    }
    return { status: response.httpStatusCode, body };
  }
}

/** What `liveObjects` asks before it GETs (ClusterCache.lookup). */
export interface LiveCache {
  lookup(ref: KubeRef): { state: 'found'; object: KubeObject } | { state: 'absent' } | { state: 'unknown' };
}

/** One page of a list: its items and the resourceVersion a watch starts from. */
export interface CollectionPage {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
}

/** A watch event as the server sends it: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (a Status). */
export interface WatchEvent {
  type: string;
  object: KubeObject;
}

/** `/api[s]/<apiVersion>/<plural>`: a type's collection across all namespaces. */
function typePath(type: ResourceType): string {
  const prefix = type.apiVersion.includes('/') ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
  return `${prefix}/${type.plural}`;
}

function writeQuery(options: WriteOptions): Record<string, string> {
  return {
    ...(options.dryRun ? { dryRun: 'All' } : {}),
    ...(options.fieldValidation ? { fieldValidation: options.fieldValidation } : {}),
  };
}

/** created without a live object, unchanged when the server kept its resourceVersion, else configured. */
function resultOf(live: KubeObject | undefined, written: KubeObject): ApplyResult {
  if (!live) return 'created';
  return written.metadata['resourceVersion'] === live.metadata['resourceVersion']
    ? 'unchanged'
    : 'configured';
}

function withoutNamespace(obj: KubeObject): KubeObject {
  if (obj.metadata.namespace === undefined) return obj;
  const { namespace: _namespace, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** Kinds whose deletion takes everything in them along: Force=true never recreates them. */
function neverRecreated(obj: KubeObject): boolean {
  return (
    (obj.apiVersion === 'v1' && obj.kind === 'Namespace') ||
    (obj.apiVersion.startsWith('apiextensions.k8s.io/') && obj.kind === 'CustomResourceDefinition')
  );
}

function keyOf(ref: KubeRef, apiVersion: string): string {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/**
 * A `fieldSelector` of equality terms (`involvedObject.name=web,involvedObject.namespace=prod`), as
 * apimachinery's `fields.SelectorFromSet` writes it: terms sorted by field, `\`, `,` and `=` in values
 * escaped with a backslash, so a value cannot add a term of its own.
 */
export function fieldSelectorOf(terms: Readonly<Record<string, string>>): string {
  return Object.keys(terms)
    .sort()
    .map((field) => `${field}=${terms[field]!.replace(/[\\,=]/g, (c) => `\\${c}`)}`)
    .join(',');
}
