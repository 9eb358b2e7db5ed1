import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AdmissionWebhooks } from './admission/admission-webhooks';
import { ResourceRegistry } from './api/resource-registry';
import { ControllerSimulator } from './controllers/controller-simulator';
import { sandboxKubeconfig } from './kubeconfig';
import { GarbageCollector } from './registry/garbage-collector';
import { ObjectRegistry } from './registry/object-registry';
import { ApiServer } from './server/api-server';
import { type RecordedRequest, RequestLog } from './server/request-log';
import { loadState, saveState } from './state/state-file';
import { ObjectStore } from './store/object-store';

export interface SandboxClusterOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 0. */
  port?: number;
  /** Multiplies every simulated delay: 0.01 turns a 2 s rollout into 20 ms. Default 1. */
  timeScale?: number;
  /** Run the controller simulator (Deployments roll out, Jobs complete ...). Default true. */
  simulate?: boolean;
  /** JSON file the state is saved to (debounced) and loaded from at start. */
  stateFile?: string;
  /** Bearer token required on every request and written into the kubeconfig. Default `sandbox`. */
  token?: string;
  /** Watch events kept for resumption; older resourceVersions get 410 Expired. Default 10000. */
  watchHistory?: number;
  /** Interval between watch BOOKMARK events when a client allows them. Default 1000 ms. */
  bookmarkIntervalMs?: number;
  /** Record every request answered (method, path, query, content type, body) for `requests()`. Default false. */
  recordRequests?: boolean;
}

export interface SandboxCluster {
  readonly url: string;
  readonly port: number;
  /** Kubeconfig YAML for kubectl and @kubernetes/client-node. */
  kubeconfig(namespace?: string): string;
  writeKubeconfig(path: string, namespace?: string): Promise<void>;
  /** Direct access for tests and embedding (same semantics as the HTTP API, without admission webhooks). */
  readonly registry: ObjectRegistry;
  /** The requests answered so far, oldest first (`recordRequests: true`; empty otherwise). */
  requests(filter?: (request: RecordedRequest) => boolean): RecordedRequest[];
  clearRequests(): void;
  /** Ends every open watch stream from the server side; returns how many were open. */
  closeWatches(): number;
  /** Drops the watch history (etcd compaction): a watch resumed from an older version gets 410 Gone. */
  compactHistory(): void;
  close(): Promise<void>;
}

const seedNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Starts an in-process Kubernetes API server with a controller simulator. */
export async function startSandboxCluster(options: SandboxClusterOptions = {}): Promise<SandboxCluster> {
  const token = options.token ?? 'sandbox';
  const store = new ObjectStore(options.watchHistory ?? 10000);
  const types = new ResourceRegistry();
  const registry = new ObjectRegistry(store, types);
  const saved = options.stateFile ? await loadState(options.stateFile) : undefined;
  if (saved) {
    store.load(saved);
    const crdType = types.byKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!;
    for (const crd of store.list(crdType)) types.setCrd(String(crd.metadata?.['name']), crd);
  }
  const nsType = types.byKind('v1', 'Namespace')!;
  for (const name of seedNamespaces) {
    if (!store.get(nsType, '', name))
      registry.create(nsType, '', { metadata: { name } }, { fieldManager: 'kube-apiserver' });
  }

  const gc = new GarbageCollector(registry);
  let closed = false;
  let gcPending = false;
  const runGc = () => {
    gcPending = false;
    if (!closed) gc.sweep();
  };
  let saveTimer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    saveTimer = undefined;
    if (options.stateFile) {
      const path = options.stateFile;
      const snapshot = store.snapshot();
      saving = saving
        .then(() => saveState(path, snapshot))
        .catch((err) => console.error(`sandbox: cannot save state to ${path}: ${(err as Error).message}`));
    }
  };
  const unsubscribe = store.subscribe((event) => {
    gc.observe(event);
    if (!gcPending && !closed) {
      gcPending = true;
      setImmediate(runGc);
    }
    if (options.stateFile && !saveTimer && !closed) saveTimer = setTimeout(save, 200);
  });

  const simulator =
    options.simulate === false
      ? undefined
      : new ControllerSimulator(registry, { timeScale: options.timeScale ?? 1 });
  registry.gracefulPodDeletion = simulator !== undefined;
  simulator?.start();

  const requestLog = new RequestLog(options.recordRequests ?? false);
  const api = new ApiServer(registry, {
    token,
    admission: new AdmissionWebhooks(registry),
    requestLog,
    ...(options.bookmarkIntervalMs ? { bookmarkIntervalMs: options.bookmarkIntervalMs } : {}),
  });
  const port = await api.listen(options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    registry,
    requests: (filter) => requestLog.list(filter),
    clearRequests: () => requestLog.clear(),
    closeWatches: () => api.closeWatches(),
    compactHistory: () => store.compactHistory(),
    kubeconfig: (namespace?: string) => sandboxKubeconfig(url, token, namespace),
    async writeKubeconfig(path: string, namespace?: string) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, sandboxKubeconfig(url, token, namespace), { mode: 0o600 });
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      simulator?.stop();
      await api.close();
      if (saveTimer) {
        clearTimeout(saveTimer);
        save();
      }
      await saving;
    },
  };
}
