import { OutboundGuard } from '@berth/net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster, type KubeClientOptions } from './kube-cluster';

/** Argo CD's name for the cluster Berth runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
export const IN_CLUSTER_NAME = 'in-cluster';

export class UnknownClusterError extends Error {
  override readonly name = 'UnknownClusterError';
  readonly code = 'UnknownCluster';
  constructor(destination: { server?: string; name?: string }) {
    const what = destination.name
      ? `name "${destination.name}"`
      : destination.server
        ? `server "${destination.server}"`
        : 'neither server nor name';
    super(
      `spec.destination ${what} is not a registered cluster; register it with POST /api/v1/clusters, ` +
        `or use server "${IN_CLUSTER_SERVER}" (name "${IN_CLUSTER_NAME}") for the cluster Berth runs in`,
    );
  }
}

export type Destination = { server?: string; name?: string };

/** A registered cluster as its store keeps it: the kubeconfig sealed at rest (`clusters.sealed_config`). */
export interface RegisteredClusterRecord {
  name: string;
  sealed_config: string | null;
}

/** Where registered clusters are looked up (the `clusters` read model, ClustersRepository). */
export interface RegisteredClusters {
  find(name: string): Promise<RegisteredClusterRecord | undefined>;
  findByServer(server: string): Promise<RegisteredClusterRecord | undefined>;
}

/** What opens a sealed kubeconfig (SecretBox). */
export interface SealedConfigOpener {
  open(sealed: string): string;
}

/** The client settings of BerthConfig (`BERTH_KUBE_REQUEST_TIMEOUT_SECONDS`). */
export function clientOptionsOf(config: { kubeRequestTimeoutSeconds: number }): KubeClientOptions {
  return { requestTimeoutMs: config.kubeRequestTimeoutSeconds * 1000 };
}

/** Finds the cluster for an Application's `spec.destination`. */
export interface ClusterResolver {
  forDestination(destination: Destination): Promise<KubeCluster>;
}

function isInCluster(destination: Destination): boolean {
  const server = destination.server?.replace(/\/+$/, '');
  return server === IN_CLUSTER_SERVER || (!server && destination.name === IN_CLUSTER_NAME);
}

/**
 * The in-cluster destination only (Argo CD's `https://kubernetes.default.svc` / `in-cluster`),
 * reached through the kubeconfig the worker was given.
 */
export class InClusterResolver implements ClusterResolver {
  constructor(private readonly cluster: KubeCluster) {}

  /** The default destination of `BerthConfig` (the same rule as the scheduler's: see `defaultClusterOf`). */
  static fromConfig(config: {
    defaultCluster: { kubeconfigPath: string | undefined };
    kubeRequestTimeoutSeconds: number;
  }): InClusterResolver {
    const { kubeconfigPath } = config.defaultCluster;
    const options = clientOptionsOf(config);
    return new InClusterResolver(
      kubeconfigPath
        ? KubeCluster.fromKubeconfigFile(kubeconfigPath, options)
        : KubeCluster.inCluster(options),
    );
  }

  forDestination(destination: Destination): Promise<KubeCluster> {
    if (isInCluster(destination)) return Promise.resolve(this.cluster);
    return Promise.reject(new UnknownClusterError(destination));
  }
}

/** A registered cluster Berth must not connect to as it is stored; says how to fix it. */
export class RefusedClusterError extends Error {
  override readonly name = 'RefusedClusterError';
  readonly code = 'RefusedCluster';
  constructor(cluster: string, reason: string) {
    super(
      `cluster "${cluster}": its kubeconfig ${reason}; register it again (POST /api/v1/clusters?upsert=true), which checks it`,
    );
  }
}

/**
 * The in-cluster destination plus the clusters registered in the `clusters` table (by
 * `destination.name` or `destination.server`, as Argo CD matches them). Their kubeconfigs are
 * sealed at rest; a client is built once per sealed value, so a re-registered cluster is picked
 * up on the next operation. Every connection first passes the outbound policy (`@berth/net`:
 * no link-local or cloud metadata destinations unless BERTH_OUTBOUND_ALLOW says so), judged each
 * time since a name may resolve elsewhere later; the scheduler judged it at registration too.
 */
export class RegisteredClusterResolver implements ClusterResolver {
  /** Per cluster name: the client and the sealed kubeconfig it was built from. */
  private readonly clients = new Map<string, { sealed: string; client: KubeCluster }>();

  constructor(
    private readonly clusters: RegisteredClusters,
    private readonly box: SealedConfigOpener,
    private readonly inCluster: ClusterResolver,
    private readonly guard: OutboundGuard = new OutboundGuard(),
    private readonly clientOptions: KubeClientOptions = {},
  ) {}

  async forDestination(destination: Destination): Promise<KubeCluster> {
    if (isInCluster(destination)) return this.inCluster.forDestination(destination);
    const row = destination.name
      ? await this.clusters.find(destination.name)
      : destination.server
        ? await this.clusters.findByServer(destination.server)
        : undefined;
    if (!row?.sealed_config) throw new UnknownClusterError(destination);
    const cached = this.clients.get(row.name);
    let client = cached?.sealed === row.sealed_config ? cached.client : undefined;
    if (!client) {
      const kc = new KubeConfig();
      kc.loadFromString(this.box.open(row.sealed_config));
      const reason = localAccessOf(kc);
      if (reason) throw new RefusedClusterError(row.name, reason);
      client = new KubeCluster(kc, this.clientOptions);
      this.clients.set(row.name, { sealed: row.sealed_config, client });
    }
    await this.guard.assertAllowed(client.url, `cluster "${row.name}" server`);
    return client;
  }
}

/**
 * What a kubeconfig would make client-node do on this host besides connecting: run a command, read
 * a file, go through a proxy. The scheduler refuses these at registration since they were found;
 * this catches kubeconfigs stored before that.
 */
function localAccessOf(kc: KubeConfig): string | undefined {
  const user = kc.getCurrentUser();
  const cluster = kc.getCurrentCluster();
  if (user?.exec) return 'runs a command (users[].user.exec)';
  if (user?.authProvider) return 'runs an auth provider (users[].user.auth-provider)';
  if (user?.certFile || user?.keyFile)
    return 'reads client certificate files (client-certificate, client-key)';
  if (cluster?.caFile) return 'reads a CA file (certificate-authority)';
  if (cluster?.proxyUrl) return 'connects through a proxy (proxy-url)';
  return undefined;
}
