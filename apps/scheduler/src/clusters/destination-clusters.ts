import { DomainError } from '@berth/domain';
import { DependencyUnavailableError, SecretBox } from '@berth/infra';
import {
  InClusterResolver,
  clientOptionsOf,
  KubeApiError,
  RefusedClusterError,
  RegisteredClusterResolver,
  UnknownClusterError,
  type ClusterResolver,
  type Destination,
  type KubeCluster,
} from '@berth/kube';
import { OutboundGuard } from '@berth/net';
import { Injectable } from '@nestjs/common';
import { SchedulerContext } from '../scheduler.context';

/**
 * The clusters Applications deploy to, for the reads Argo CD's API server passes on to them (a resource's
 * events). The same resolution as the worker's (`RegisteredClusterResolver`: in-cluster, or a registered
 * cluster by name or server, through the outbound policy). The in-cluster client is made on first use: a
 * scheduler outside a pod without KUBECONFIG has none, and only the requests that need it fail.
 */
@Injectable()
export class DestinationClusters {
  private resolver: ClusterResolver | undefined;
  private inCluster: InClusterResolver | undefined;

  constructor(private readonly ctx: SchedulerContext) {}

  /** The cluster of an Application's destination; a destination Berth cannot use is a 400 saying why. */
  async forDestination(destination: Destination): Promise<KubeCluster> {
    try {
      return await this.resolverOf().forDestination(destination);
    } catch (error) {
      if (error instanceof UnknownClusterError || error instanceof RefusedClusterError)
        throw new DomainError('Invalid', error.message);
      throw error;
    }
  }

  /**
   * Runs a read against a destination cluster; a cluster that does not answer is a 503 naming it (the
   * request changed nothing and may be repeated), a refusal by the cluster a 400 with its message.
   */
  async read<T>(
    destination: Destination,
    what: string,
    fn: (cluster: KubeCluster) => Promise<T>,
  ): Promise<T> {
    const cluster = await this.forDestination(destination);
    try {
      return await fn(cluster);
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      if (error.code === 'Unreachable' || error.code === 'ServerError')
        throw new DependencyUnavailableError('cluster', `cannot ${what}: ${error.message}; retry later`, {
          cause: error,
        });
      throw new DomainError(
        error.code === 'Forbidden' ? 'Forbidden' : 'Invalid',
        `cannot ${what}: ${error.message}`,
      );
    }
  }

  private resolverOf(): ClusterResolver {
    this.resolver ??= new RegisteredClusterResolver(
      this.ctx.clusters,
      SecretBox.fromConfig(this.ctx.config),
      {
        forDestination: (destination) => {
          this.inCluster ??= InClusterResolver.fromConfig(this.ctx.config);
          return this.inCluster.forDestination(destination);
        },
      },
      OutboundGuard.fromAllowList(this.ctx.config.outboundAllow),
      clientOptionsOf(this.ctx.config),
    );
    return this.resolver;
  }
}
