import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ArgoCdMetrics, type AppInfoLabels } from './argocd-metrics';

/** One Prometheus registry per process, with the figures every Berth process reports. */
export class BerthMetrics {
  readonly registry = new Registry();
  readonly eventsAppended: Counter;
  readonly queueDepth: Gauge;
  /** Seconds the oldest due job of each queue has waited for a worker (0: none waits). */
  readonly queueOldestJobAge: Gauge;
  readonly jobDuration: Histogram;
  readonly jobWait: Histogram;
  readonly manifestCache: Counter;
  /** Seconds one append of events to the log took (the transaction with its read models). */
  readonly eventAppendDuration: Histogram;
  /** Argo CD's metrics (docs/metrics.md). */
  readonly argocd: ArgoCdMetrics;
  private readonly seenCache = { hits: 0, misses: 0 };

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'berth_' });
    this.eventsAppended = new Counter({
      name: 'berth_events_appended_total',
      help: 'Events appended to the log by this process',
      registers: [this.registry],
    });
    this.queueDepth = new Gauge({
      name: 'berth_queue_depth',
      help: 'Jobs waiting or delayed, per queue',
      labelNames: ['queue'],
      registers: [this.registry],
    });
    this.queueOldestJobAge = new Gauge({
      name: 'berth_queue_oldest_job_age_seconds',
      help: 'Seconds the oldest job that is due (waiting, its delay over) has waited, per queue; 0 when none waits',
      labelNames: ['queue'],
      registers: [this.registry],
    });
    this.jobDuration = new Histogram({
      name: 'berth_job_duration_seconds',
      help: 'Time a job held its application, per queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    this.jobWait = new Histogram({
      name: 'berth_job_wait_seconds',
      help: 'Time a job waited from when it was due (queued, or its delay over) until a worker started it, per queue',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [this.registry],
    });
    this.manifestCache = new Counter({
      name: 'berth_manifest_cache_requests_total',
      help: 'Renders answered from the manifest cache (result="hit") or rendered (result="miss"); hit rate = hit / all',
      labelNames: ['result'],
      registers: [this.registry],
    });
    this.eventAppendDuration = new Histogram({
      name: 'berth_event_append_duration_seconds',
      help: 'Time one append to the event log took, read models included',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [this.registry],
    });
    this.argocd = new ArgoCdMetrics([this.registry]);
  }

  /** Replaces every `argocd_app_info` series (Applications that are gone disappear with the next scrape). */
  setAppInfo(apps: readonly AppInfoLabels[]): void {
    this.argocd.appInfo.reset();
    for (const labels of apps) this.argocd.appInfo.set({ ...labels }, 1);
  }

  /** Sets the queue gauges from one reading of the queues (`JobQueues.depths` and `oldestWaitingAgeSeconds`). */
  setQueueState(depths: Record<string, number>, oldestAgeSeconds: Record<string, number>): void {
    for (const [queue, depth] of Object.entries(depths)) this.queueDepth.set({ queue }, depth);
    for (const [queue, age] of Object.entries(oldestAgeSeconds)) this.queueOldestJobAge.set({ queue }, age);
  }

  /** Brings the manifest cache counters up to the renderer's own running totals. */
  observeManifestCache(totals: { cacheHits: number; cacheMisses: number }): void {
    this.manifestCache.inc({ result: 'hit' }, Math.max(0, totals.cacheHits - this.seenCache.hits));
    this.manifestCache.inc({ result: 'miss' }, Math.max(0, totals.cacheMisses - this.seenCache.misses));
    this.seenCache.hits = totals.cacheHits;
    this.seenCache.misses = totals.cacheMisses;
  }
}
