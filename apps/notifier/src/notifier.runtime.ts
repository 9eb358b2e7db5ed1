import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createRedis, readyWithin, type RedisTarget } from '@berth/queues';
import { type DependencyStatus, postgresStatus, redisStatus } from '@berth/runtime';
import { EventLogSubscription, PostgresEventStore } from '@berth/event-store';
import { OutboundGuard, OutboundRefusedError } from '@berth/net';
import type { FetchLike, NotificationServiceOptions, SecretLookup, SendResult } from '@berth/notifications';
import type { RedisClient } from '@berth/infra';
import type { DataSource } from 'typeorm';
import { DeliverySender } from './delivery.sender';
import { NotificationDeliveriesRepository } from './notification-deliveries.repository';
import { planNotifications } from './notification.planner';
import { NotificationsConfigSource } from './notifications-config.source';
import { NotifierMetrics } from './notifier.metrics';
import { DELIVERY_TAKEOVER_TIMINGS, NotifyQueue } from './notify.queue';
import { type NotificationRenderBudget, TemplateRenderPool } from './template-render.pool';

export const NOTIFIER_SUBSCRIPTION = 'notifier';

export interface NotifierOptions {
  dataSource: DataSource;
  /**
   * For the LISTEN connections (event log and new deliveries): BERTH_DATABASE_LISTEN_URL, Postgres itself,
   * never a transaction-mode pooler (a LISTEN there hears nothing).
   */
  databaseUrl: string;
  /** REDIS_URL, or the config's Redis settings with their topology (Cluster, Sentinel). */
  redisUrl: RedisTarget;
  queuePrefix: string;
  /** Path of the argocd-notifications-cm YAML (NOTIFICATIONS_CONFIG); undefined = database/API only. */
  configFile: string | undefined;
  secrets: SecretLookup;
  concurrency?: number;
  instanceId?: string;
  /** Event-log poll interval (LISTEN/NOTIFY wakes it sooner). */
  pollIntervalMs?: number;
  /**
   * How often the reconciler re-enqueues open rows without a job (default 5 s): after a Redis FLUSHALL
   * nothing else tells the notifier its jobs are gone, so this bounds how late such a message is.
   */
  reconcileIntervalMs?: number;
  /** A `sending` claim not renewed for this long is taken over (default DELIVERY_TAKEOVER_TIMINGS, 10 s). */
  claimTimeoutMs?: number;
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  /** Events older than this when handled send nothing (default 1 h; 0 = no limit). */
  maxEventAgeMs?: number;
  /** false: follow the log and queue deliveries, but run no worker (e.g. a planner-only replica, tests). */
  sendingEnabled?: boolean;
  services?: NotificationServiceOptions;
  /**
   * Destinations re-opened for notification services (BerthConfig.outboundAllow, `BERTH_OUTBOUND_ALLOW`);
   * link-local and cloud metadata hosts are refused otherwise, when the config loads and at connect time.
   */
  outboundAllow?: string[];
  /** Render budget (BerthConfig.notificationRender); defaults in DEFAULT_NOTIFICATION_RENDER_BUDGET. */
  renderBudget?: NotificationRenderBudget;
  /** The compiled render thread entry (default: found beside the pool, or in dist/). */
  renderWorkerFile?: string;
  /** Test-only hook between "receiver answered" and "row recorded". */
  afterSend?: (deliveryId: string, result: SendResult) => Promise<void>;
  log?: (level: 'log' | 'warn' | 'error' | 'debug', message: string) => void;
}

/**
 * The notifier without HTTP: follows the event log, plans deliveries, runs the `notify` worker and the
 * reconciler. The Nest module exposes it; tests start several of these on one database and Redis.
 */
export class NotifierRuntime {
  readonly metrics = new NotifierMetrics();
  readonly config: NotificationsConfigSource;
  readonly instanceId: string;
  /** The delivery outbox, for the API's delivery log. */
  readonly deliveries: NotificationDeliveriesRepository;
  private readonly redis: RedisClient;
  readonly queue: NotifyQueue;
  private readonly sender: DeliverySender;
  private readonly subscription: EventLogSubscription;
  private readonly outbound: OutboundGuard;
  private readonly renderPool: TemplateRenderPool;
  private stopListening: (() => Promise<void>) | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private enqueueing: Promise<unknown> = Promise.resolve();
  private started = false;

  constructor(private readonly options: NotifierOptions) {
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const log = options.log ?? (() => undefined);
    this.outbound = OutboundGuard.fromAllowList(options.outboundAllow ?? []);
    this.renderPool = new TemplateRenderPool({
      budget: options.renderBudget,
      workerFile: options.renderWorkerFile,
    });
    this.config = new NotificationsConfigSource(options.dataSource, {
      file: options.configFile,
      secrets: options.secrets,
      log,
      checkDestination: (url) => {
        const refusal = this.outbound.policy.refusalOfHost(url.hostname);
        return refusal && new OutboundRefusedError(url.hostname, refusal).message;
      },
    });
    this.redis = createRedis(options.redisUrl, `berth-notifier-${this.instanceId}`);
    this.deliveries = new NotificationDeliveriesRepository(options.dataSource);
    const maxAttempts = options.maxAttempts ?? 8;
    const claimTimeoutMs = options.claimTimeoutMs ?? DELIVERY_TAKEOVER_TIMINGS.claimTimeoutMs;
    const currentConfig = () => this.config.config;
    this.queue = new NotifyQueue(this.deliveries, this.redis, {
      prefix: options.queuePrefix,
      concurrency: options.concurrency ?? 4,
      maxAttempts,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 2_000,
      claimTimeoutMs,
      config: currentConfig,
      log,
    });
    this.sender = new DeliverySender(options.dataSource, {
      instanceId: this.instanceId,
      config: currentConfig,
      claimTimeoutMs,
      maxAttempts,
      // Every service request goes through the guard: a name that resolves to a metadata address is refused
      // when connecting, whatever it resolved to when the config was loaded.
      services: { fetch: this.outbound.fetch as unknown as FetchLike, ...options.services },
      render: (input) => this.renderPool.render(input),
      afterSend: options.afterSend,
      log,
    });
    const store = new PostgresEventStore(options.dataSource);
    this.subscription = new EventLogSubscription(
      options.dataSource,
      store,
      {
        name: NOTIFIER_SUBSCRIPTION,
        databaseUrl: options.databaseUrl,
        pollIntervalMs: options.pollIntervalMs,
        ...(options.log ? { log: options.log } : {}),
      },
      async (events, manager) => {
        const result = await planNotifications(events, manager, {
          config: currentConfig,
          maxEventAgeMs: options.maxEventAgeMs ?? 3_600_000,
          now: Date.now,
          log,
        });
        this.metrics.eventsProcessed.inc(events.length);
        this.metrics.planned.inc(result.inserted.length);
        const last = events[events.length - 1];
        if (last) this.metrics.lag.set((Date.now() - last.recordedAt.getTime()) / 1000);
      },
    );
    const subscription = this.subscription;
    this.metrics.heldBackSeconds = () => subscription.heldBackSeconds();
  }

  async start(): Promise<void> {
    this.started = true;
    await this.config.start();
    this.metrics.configValid.set(this.config.status().status === 'invalid' ? 0 : 1);
    this.stopListening = await this.deliveries.listenForQueued(
      this.options.databaseUrl,
      () => this.scheduleEnqueue(),
      this.options.log,
    );
    if (this.options.sendingEnabled !== false) this.queue.startWorker(this.sender, this.metrics);
    // Redis may be away at start: the notifier starts anyway (not ready, see /readyz) and the
    // reconcile timer below puts the open deliveries in the queue once Redis is back.
    if (await readyWithin(this.redis, 2_000)) await this.reconcile();
    this.reconcileTimer = setInterval(() => {
      this.reconcile().catch((err: unknown) =>
        this.options.log?.('error', `reconcile failed: ${String(err)}`),
      );
    }, this.options.reconcileIntervalMs ?? 5_000);
    // Redis back after an outage (a restart comes back empty): put the open deliveries back at once.
    this.redis.on('ready', this.onRedisReady);
    await this.subscription.start();
  }

  /** Stops following the log, then lets jobs in flight finish and closes the worker. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.subscription.stop();
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.redis.off('ready', this.onRedisReady);
    await this.stopListening?.();
    await this.enqueueing;
    this.config.stop();
    await this.queue.close();
    await this.renderPool.close();
    await this.outbound.close();
    await this.redis.quit().catch(() => undefined);
  }

  /** Handles everything committed to the log so far and enqueues what it planned. For tests and shutdown. */
  async drain(): Promise<void> {
    // drain() races the background pump for the same batch; the loser rolls back ("checkpoint moved"): go again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.subscription.drain();
        break;
      } catch (err) {
        if (attempt >= 5 || !/checkpoint moved/.test((err as Error).message)) throw err;
      }
    }
    await this.enqueueing;
    await this.queue.enqueueNew();
  }

  private readonly onRedisReady = (): void => {
    this.reconcile().catch((err: unknown) => this.options.log?.('error', `reconcile failed: ${String(err)}`));
  };

  /** Re-reads config (the database version may have changed on another replica) and re-enqueues lost jobs. */
  async reconcile(): Promise<void> {
    await this.config.reload();
    this.metrics.configValid.set(this.config.status().status === 'invalid' ? 0 : 1);
    await this.queue.reconcile();
  }

  /** Readiness of Postgres (event log, outbox) and Redis (notify queue), each answered within 1.5 s. */
  async readiness(): Promise<{ postgres: DependencyStatus; redis: DependencyStatus }> {
    const [postgres, redis] = await Promise.all([
      postgresStatus(this.options.dataSource),
      redisStatus(this.redis),
    ]);
    return { postgres, redis };
  }

  private scheduleEnqueue(): void {
    this.enqueueing = this.enqueueing
      .then(() => this.queue.enqueueNew())
      .catch((err: unknown) => this.options.log?.('error', `enqueue failed: ${String(err)}`));
  }
}
