import type { ObjectRegistry } from '../registry/object-registry';
import { ControllerContext } from './controller-context';
import { reconcileCronJobs } from './cronjob.controller';
import { reconcileDaemonSets } from './daemonset.controller';
import { reconcileDeployments } from './deployment.controller';
import { reconcileDisruptionBudgets } from './disruption.controller';
import { reconcileJobs } from './job.controller';
import { reconcileLoadBalancers } from './load-balancer.controller';
import { reconcilePods } from './pod-kubelet.controller';
import { reconcileReplicaSets } from './replicaset.controller';
import { reconcileServiceAccounts } from './service-account.controller';
import { reconcileStatefulSets } from './statefulset.controller';
import { reconcileAutoscalers } from './autoscaler.controller';
import { reconcileVolumeClaims } from './volume-claim.controller';

const MIN_PASS_GAP_MS = 5;

export interface SimulatorOptions {
  /** Multiplies every simulated delay (0.01 = 100x faster). */
  timeScale: number;
}

/**
 * Runs the simulated controllers (kubelet, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job,
 * load balancers, volume binder, HPA). A pass runs after any store change (coalesced) or when
 * a controller asked to be woken up, and visits only the objects queued since the last one (see
 * ControllerContext); every write goes through the API semantics, so RVs, watch events and
 * managedFields look like a real cluster's.
 */
export class ControllerSimulator {
  private readonly ctx: ControllerContext;
  private readonly progress = new Map<string, { key: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private lastPass = 0;
  private stopped = false;

  constructor(
    private readonly registry: ObjectRegistry,
    options: SimulatorOptions,
  ) {
    this.ctx = new ControllerContext(registry, options.timeScale, (at) => this.schedule(at));
  }

  start(): void {
    // Objects loaded from a state file are queued like fresh ones.
    for (const { resource, object } of this.registry.store.entries())
      this.ctx.observe({ type: 'ADDED', resource, object, resourceVersion: 0 });
    this.unsubscribe = this.registry.store.subscribe((e) => {
      this.ctx.observe(e);
      if (e.type === 'DELETED') {
        this.ctx.forget(String(e.object.metadata?.['uid']));
        this.progress.delete(String(e.object.metadata?.['uid']));
      }
      this.schedule(Date.now());
    });
    this.schedule(Date.now());
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(requested: number): void {
    // Coalesce bursts of writes into one pass, and leave the event loop to API requests between passes.
    const at = Math.max(requested, this.lastPass + MIN_PASS_GAP_MS);
    if (this.stopped || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.pass(), Math.max(0, at - Date.now()));
  }

  private pass(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.stopped || this.running) return;
    this.running = true;
    this.lastPass = Date.now();
    try {
      this.ctx.beginPass();
      reconcileServiceAccounts(this.ctx);
      reconcilePods(this.ctx);
      reconcileReplicaSets(this.ctx);
      reconcileDeployments(this.ctx, this.progress);
      reconcileStatefulSets(this.ctx);
      reconcileDaemonSets(this.ctx);
      reconcileCronJobs(this.ctx);
      reconcileJobs(this.ctx);
      reconcileLoadBalancers(this.ctx);
      reconcileVolumeClaims(this.ctx);
      reconcileAutoscalers(this.ctx);
      reconcileDisruptionBudgets(this.ctx);
    } catch (err) {
      console.error(`sandbox simulator: ${err instanceof Error ? err.stack : String(err)}`);
    } finally {
      this.running = false;
    }
    if (this.ctx.hasWork()) this.schedule(Date.now());
    const wake = this.ctx.nextWake();
    if (wake !== Infinity) this.schedule(wake);
  }
}
