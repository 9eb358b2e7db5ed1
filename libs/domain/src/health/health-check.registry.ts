import type { KubeObject } from '../diff/kube-object';
import { apiServiceHealth } from './apiservice.health';
import { applicationHealth } from './application.health';
import { cronJobHealth } from './cronjob.health';
import { daemonSetHealth } from './daemonset.health';
import { deploymentHealth } from './deployment.health';
import type { HealthStatus } from './health-status';
import { hpaHealth } from './hpa.health';
import { ingressHealth } from './ingress.health';
import { jobHealth } from './job.health';
import { podHealth } from './pod.health';
import { pvcHealth } from './pvc.health';
import { replicaSetHealth } from './replicaset.health';
import { serviceHealth } from './service.health';
import { statefulSetHealth } from './statefulset.health';

/**
 * A health check for one group/kind. Returning undefined means "no opinion": the next check
 * (built-in, then the "exists means Healthy" default) decides. Custom checks, such as a Lua
 * `health.lua` run by an adapter, are plain functions of this shape.
 */
export type HealthCheck = (obj: KubeObject) => HealthStatus | undefined;

/**
 * Health checks keyed by `group/kind`. The group may be "*" (any group) or "*.example.io"
 * (Argo CD's `_.example.io` wildcard directories); exact keys win over wildcards.
 */
export class HealthCheckRegistry {
  private readonly exact = new Map<string, HealthCheck>();
  private readonly wildcard: Array<{ group: RegExp; kind: string; check: HealthCheck }> = [];

  register(group: string, kind: string, check: HealthCheck): this {
    const g = group.startsWith('_.') ? '*' + group.slice(1) : group;
    if (g.includes('*') || kind === '*') {
      const re = new RegExp(
        '^' +
          g
            .split('*')
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*') +
          '$',
      );
      this.wildcard.push({ group: re, kind, check });
    } else {
      this.exact.set(`${g}/${kind}`, check);
    }
    return this;
  }

  get(group: string, kind: string): HealthCheck | undefined {
    return (
      this.exact.get(`${group}/${kind}`) ??
      this.wildcard.find((w) => w.group.test(group) && (w.kind === '*' || w.kind === kind))?.check
    );
  }

  /** A copy that can be extended without touching this registry. */
  clone(): HealthCheckRegistry {
    const copy = new HealthCheckRegistry();
    for (const [k, v] of this.exact) copy.exact.set(k, v);
    copy.wildcard.push(...this.wildcard);
    return copy;
  }
}

/** The built-in checks, as gitops-engine's GetHealthCheckFunc plus Application and CronJob. */
export function builtinHealthChecks(): HealthCheckRegistry {
  return new HealthCheckRegistry()
    .register('apps', 'Deployment', deploymentHealth)
    .register('extensions', 'Deployment', deploymentHealth)
    .register('apps', 'StatefulSet', statefulSetHealth)
    .register('apps', 'DaemonSet', daemonSetHealth)
    .register('extensions', 'DaemonSet', daemonSetHealth)
    .register('apps', 'ReplicaSet', replicaSetHealth)
    .register('extensions', 'ReplicaSet', replicaSetHealth)
    .register('', 'Pod', podHealth)
    .register('', 'Service', serviceHealth)
    .register('', 'PersistentVolumeClaim', pvcHealth)
    .register('batch', 'Job', jobHealth)
    .register('batch', 'CronJob', cronJobHealth)
    .register('networking.k8s.io', 'Ingress', ingressHealth)
    .register('extensions', 'Ingress', ingressHealth)
    .register('autoscaling', 'HorizontalPodAutoscaler', hpaHealth)
    .register('apiregistration.k8s.io', 'APIService', apiServiceHealth)
    .register('argoproj.io', 'Application', applicationHealth);
}
