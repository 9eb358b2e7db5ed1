import { KubeCluster } from '@berth/infra/kube';

/** Argo CD's name for the cluster Berth runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

export class UnknownClusterError extends Error {
  override readonly name = 'UnknownClusterError';
  readonly code = 'UnknownCluster';
  constructor(destination: string) {
    super(
      `spec.destination ${destination} is not a cluster this worker knows; use server "${IN_CLUSTER_SERVER}" (or name "in-cluster")`,
    );
  }
}

/** Finds the cluster for an Application's `spec.destination`. */
export interface ClusterResolver {
  forDestination(destination: { server?: string; name?: string }): KubeCluster;
}

/**
 * The in-cluster destination only (Argo CD's `https://kubernetes.default.svc` / `in-cluster`),
 * reached through the kubeconfig the worker was given. Registered external clusters come later.
 */
export class InClusterResolver implements ClusterResolver {
  constructor(private readonly cluster: KubeCluster) {}

  /** KUBECONFIG (file) when set, else the pod's service account. */
  static fromEnvironment(env: Record<string, string | undefined> = process.env): InClusterResolver {
    const file = env['KUBECONFIG'];
    return new InClusterResolver(file ? KubeCluster.fromKubeconfigFile(file) : KubeCluster.inCluster());
  }

  forDestination(destination: { server?: string; name?: string }): KubeCluster {
    const server = destination.server?.replace(/\/+$/, '');
    if (server === IN_CLUSTER_SERVER || (!server && destination.name === 'in-cluster')) return this.cluster;
    throw new UnknownClusterError(JSON.stringify(destination));
  }
}
