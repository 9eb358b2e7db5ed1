import type { ServiceSpec } from '../api/builtin-kinds';
import type { KubeObject } from '../api/resource-type';
import { isPlainObject } from '../store/object-utils';

/**
 * Hands out ClusterIPs from 10.96.0.0/12 and NodePorts from 30000-32767, keeping existing ones. A dry run
 * shows the addresses the write would get and takes none, as the API server's dry-run
 * allocators do: the real write after it is not pushed to other addresses.
 */
export class IpAllocator {
  private nextIp = 10;
  private nextNodePort = 30000;

  assign(service: KubeObject, live: KubeObject | undefined, dryRun = false): void {
    if (!isPlainObject(service['spec'])) return;
    const spec: ServiceSpec = service['spec'];
    if (spec.type === 'ExternalName') return;
    const liveSpec: ServiceSpec = isPlainObject(live?.['spec']) ? live['spec'] : {};
    if (spec.clusterIP === undefined || spec.clusterIP === '') {
      spec.clusterIP = liveSpec.clusterIP ?? this.ip(dryRun);
    }
    // normalizeClusterIPs: a client that changed only the singular field (an old client, or a patch of
    // clusterIP alone) changes the plural one too, so validation sees and refuses the change.
    if (
      live &&
      spec.clusterIP !== liveSpec.clusterIP &&
      JSON.stringify(spec.clusterIPs) === JSON.stringify(liveSpec.clusterIPs)
    ) {
      spec.clusterIPs = [spec.clusterIP];
    }
    if (spec.clusterIP !== 'None') spec.clusterIPs = spec.clusterIPs ?? [spec.clusterIP];
    else spec.clusterIPs = spec.clusterIPs ?? ['None'];
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') {
      let nextNodePort = this.nextNodePort;
      for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
        if (p.nodePort) continue;
        const prior = (liveSpec.ports ?? []).find(
          (x) => x.port === p.port && (x.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
        );
        p.nodePort = prior?.nodePort ?? nextNodePort++;
      }
      if (!dryRun) this.nextNodePort = nextNodePort;
    }
  }

  private ip(dryRun: boolean): string {
    const n = this.nextIp;
    if (!dryRun) this.nextIp++;
    return `10.96.${Math.floor(n / 256)}.${n % 256}`;
  }
}
