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
import { workflowHealth } from './workflow.health';

/**
 * A health check for one group/kind. Returning undefined means "no opinion": the next check
 * (built-in, then the status-conditions rule, then "exists means Healthy") decides. Custom checks, such as a Lua
 * `health.lua` run by an adapter, are plain functions of this shape.
 */
export type HealthCheck = (obj: KubeObject) => HealthStatus | undefined;

/**
 * Health checks keyed as Argo CD keys resource customizations: `group/Kind`, or `Kind` for the core group.
 * `*` in the group or kind is a wildcard, and so is `_`, Argo CD's spelling of it in directory names
 * (`_.crossplane.io/_` is `*.crossplane.io/*`; neither groups nor kinds can contain `_`). As in Argo CD, an
 * exact key wins over every wildcard, and among wildcards the first registered wins (the loader registers
 * in directory order, which is Argo CD's "first one in the directory structure").
 */
export class HealthCheckRegistry {
  private readonly exact = new Map<string, HealthCheck>();
  private readonly wildcard: Array<{ pattern: RegExp; check: HealthCheck }> = [];

  register(group: string, kind: string, check: HealthCheck): this {
    const key = configKey(group.replaceAll('_', '*'), kind.replaceAll('_', '*'));
    if (key.includes('*')) {
      const pattern = new RegExp(
        '^' +
          key
            .split('*')
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*') +
          '$',
      );
      this.wildcard.push({ pattern, check });
    } else {
      this.exact.set(key, check);
    }
    return this;
  }

  get(group: string, kind: string): HealthCheck | undefined {
    const key = configKey(group, kind);
    return this.exact.get(key) ?? this.wildcard.find((w) => w.pattern.test(key))?.check;
  }

  /** A copy that can be extended without touching this registry. */
  clone(): HealthCheckRegistry {
    const copy = new HealthCheckRegistry();
    for (const [k, v] of this.exact) copy.exact.set(k, v);
    copy.wildcard.push(...this.wildcard);
    return copy;
  }
}

/** Argo CD's GetConfigMapKey: `group/Kind`, or just `Kind` for the core group. */
function configKey(group: string, kind: string): string {
  return group ? `${group}/${kind}` : kind;
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
    .register('argoproj.io', 'Workflow', workflowHealth)
    .register('argoproj.io', 'Application', applicationHealth);
}
