import { DEFAULT_RENDER_BUDGET } from '@berth/gotemplate';
import {
  createNotificationService,
  type FiredCondition,
  InMemorySlackThreadStore,
  markDelivered,
  type NotificationService,
  type NotificationServiceOptions,
  type NotificationTemplate,
  NotificationRenderError,
  type NotificationsConfig,
  parseTriggerState,
  type RenderedNotification,
  type SendResult,
} from '@berth/notifications';
import type { DataSource } from 'typeorm';
import { withLogContext } from '@berth/infra';
import { CompiledTemplates, type DeliveryRenderInput, renderDelivery } from './delivery.render';
import {
  type DeliveryClaim,
  type DeliveryRow,
  NotificationDeliveriesRepository,
} from './notification-deliveries.repository';
import { NotifierAppStateRepository } from './notifier-app-state.repository';

export type { DeliveryRow } from './notification-deliveries.repository';

export type SendOutcome =
  /** `alreadyDelivered`: an earlier attempt's message was found at the receiver; nothing was sent again. */
  | { kind: 'sent'; service: string; alreadyDelivered?: boolean }
  | { kind: 'failed'; service: string; reason: string }
  /** Sent or failed already, or gone: nothing to do. */
  | { kind: 'skipped'; reason: string }
  /**
   * Another notifier's claim is live (renewed within the claim timeout): look again once it would have
   * expired, in case its notifier died.
   */
  | { kind: 'busy'; reason: string; retryAfterMs: number }
  | { kind: 'retry'; service: string; recipient: string; reason: string; retryAfterMs?: number };

export interface DeliverySenderOptions {
  /** Names this process in `claimed_by`. */
  instanceId: string;
  config: () => NotificationsConfig | undefined;
  /**
   * A `sending` claim not renewed for this long is abandoned (its process died) and may be taken over. The
   * sender renews its claims every third of it while a send runs, so a slow send keeps its claim.
   */
  claimTimeoutMs: number;
  /** Attempts before a retryable failure becomes `failed` (dead letter). */
  maxAttempts: number;
  services?: NotificationServiceOptions;
  /**
   * Renders a delivery (the runtime passes its TemplateRenderPool, which bounds wall time). Default: on the
   * calling thread with the evaluator's default budget, which bounds work but not wall time.
   */
  render?: (input: DeliveryRenderInput) => Promise<RenderedNotification>;
  /**
   * Test-only: runs after the receiver answered and before the result is recorded, to simulate a crash in the
   * window that can duplicate a message.
   */
  afterSend?: (deliveryId: string, result: SendResult) => Promise<void>;
  log?: (level: 'log' | 'warn', message: string) => void;
}

/** How long after a live claim's expiry a delivery that found it busy looks again. */
const BUSY_MARGIN_MS = 250;

/** Postgres errors that mean "nothing was written, run the transaction again": deadlock, serialization failure. */
const TRANSIENT_PG_CODES = new Set(['40P01', '40001']);

async function retryTransient<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: unknown; driverError?: { code?: unknown } };
      const code = e.code ?? e.driverError?.code;
      if (attempt >= attempts || typeof code !== 'string' || !TRANSIENT_PG_CODES.has(code)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/** A delivery that cannot be rendered or sent whatever we retry: wrong config, named key. */
class PermanentDeliveryError extends Error {
  readonly code = 'NOTIFICATION_UNDELIVERABLE';
}

/**
 * Delivers one notification_deliveries row: claims it (so two notifiers never send it at the same time), renders
 * the templates of the current config from the app snapshot taken when the trigger fired, sends, and records the
 * outcome (+ the oncePer value in the app's trigger state on success).
 */
export class DeliverySender {
  private readonly services = new WeakMap<NotificationsConfig, Map<string, NotificationService>>();
  private readonly threads = new InMemorySlackThreadStore();
  private readonly render: (input: DeliveryRenderInput) => Promise<RenderedNotification>;
  private readonly deliveries: NotificationDeliveriesRepository;
  private readonly appStates: NotifierAppStateRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: DeliverySenderOptions,
  ) {
    this.deliveries = new NotificationDeliveriesRepository(dataSource);
    this.appStates = new NotifierAppStateRepository(dataSource);
    const compiled = new CompiledTemplates();
    this.render =
      options.render ??
      ((input) => Promise.resolve().then(() => renderDelivery(input, DEFAULT_RENDER_BUDGET, compiled)));
  }

  async process(id: string): Promise<SendOutcome> {
    const row = await this.deliveries.claim(id, this.options.instanceId, this.options.claimTimeoutMs);
    if (!row) return this.notClaimed(id);
    const claim: DeliveryClaim = { claimedBy: this.options.instanceId, attempt: row.attempts };
    const stopRenewing = this.keepClaimed(row.id, claim);
    // Structured logs (LOG_FORMAT=json) name the app and the delivery on every line of this send.
    return withLogContext(
      { application: row.application, correlationId: `delivery:${row.id}`, actor: 'system:notifier' },
      async () => {
        try {
          const outcome = await this.deliver(row, claim);
          this.logOutcome(row, outcome);
          return outcome;
        } finally {
          stopRenewing();
        }
      },
    );
  }

  private async deliver(row: DeliveryRow, claim: DeliveryClaim): Promise<SendOutcome> {
    const config = this.options.config();
    if (!config) {
      return this.recordRetry(row, claim, {
        ok: false,
        retryable: true,
        reason:
          'no valid notifications config is loaded: fix NOTIFICATIONS_CONFIG or PUT /api/v1/notifications/config',
      });
    }
    let result: SendResult;
    try {
      const service = this.serviceFor(config, row.service);
      const rendered = await this.render({
        templates: this.templatesFor(config, row),
        app: row.app_snapshot,
        context: config.context,
        service: row.service,
        recipient: row.recipient,
        commits: await this.appStates.commitsOf(row.application),
      });
      result = await service.send(rendered, row.recipient, {
        deliveryId: row.id,
        ...(row.unconfirmed_since ? { unconfirmedSince: row.unconfirmed_since } : {}),
      });
    } catch (err) {
      if (err instanceof PermanentDeliveryError || err instanceof NotificationRenderError) {
        return this.recordFailure(row, claim, err.message, undefined);
      }
      result = { ok: false, retryable: true, reason: `send failed: ${(err as Error).message}` };
    }
    await this.options.afterSend?.(row.id, result);
    if (result.ok && result.alreadyDelivered) {
      this.options.log?.(
        'log',
        `delivery ${row.id} (attempt ${row.attempts}): the message an earlier attempt posted is at ` +
          `${row.service}/${row.recipient} already; recorded sent without sending it again`,
      );
    }
    if (result.ok) return this.recordSent(row, result.status, result.alreadyDelivered === true);
    if (!result.retryable) return this.recordFailure(row, claim, result.reason, result.status, result.code);
    return this.recordRetry(row, claim, result);
  }

  /** One line per attempt, in the delivery's log context (app, `delivery:<id>`, the notifier as actor). */
  private logOutcome(row: DeliveryRow, outcome: SendOutcome): void {
    const what = `delivery ${row.id} (${row.trigger} → ${row.service}/${row.recipient}, attempt ${row.attempts})`;
    if (outcome.kind === 'sent') this.options.log?.('log', `${what}: sent`);
    else if (outcome.kind === 'failed') this.options.log?.('warn', `${what}: failed: ${outcome.reason}`);
    else if (outcome.kind === 'retry') this.options.log?.('warn', `${what}: will retry: ${outcome.reason}`);
  }

  /** Why a row could not be claimed: done already, or another notifier's claim that may still expire. */
  private async notClaimed(id: string): Promise<SendOutcome> {
    const state = await this.deliveries.claimStateOf(id);
    const timeout = this.options.claimTimeoutMs;
    if (state?.status === 'sending' && state.claimAgeMs !== null && state.claimAgeMs < timeout) {
      return {
        kind: 'busy',
        reason: 'another notifier is sending it',
        retryAfterMs: Math.max(0, Math.ceil(timeout - state.claimAgeMs)) + BUSY_MARGIN_MS,
      };
    }
    return { kind: 'skipped', reason: state ? `delivery is ${state.status}` : 'delivery does not exist' };
  }

  /**
   * Renews the claim every third of the claim timeout while the send runs: a notifier that is alive keeps
   * its delivery however slow the receiver is; one that died stops renewing, and after the timeout another
   * takes the delivery over.
   */
  private keepClaimed(id: string, claim: DeliveryClaim): () => void {
    let stopped = false;
    const timer = setInterval(() => {
      this.deliveries.renewClaim(id, claim).then(
        (held) => {
          // A renewal that crossed the outcome being recorded finds the row no longer `sending`: not a loss.
          if (held || stopped) return;
          clearInterval(timer);
          this.options.log?.(
            'warn',
            `delivery ${id}: claim lost while sending (this notifier paused longer than the claim timeout, ` +
              `${this.options.claimTimeoutMs} ms); another notifier may send it too`,
          );
        },
        () => undefined, // Postgres away: the next renewal tries again, and recording the outcome will fail too
      );
    }, this.options.claimTimeoutMs / 3);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }

  private serviceFor(config: NotificationsConfig, name: string): NotificationService {
    const serviceConfig = config.services[name];
    if (!serviceConfig)
      throw new PermanentDeliveryError(
        `service "${name}" is not configured: add service.${name} to the notifications config`,
      );
    let byName = this.services.get(config);
    if (!byName) {
      byName = new Map();
      this.services.set(config, byName);
    }
    let service = byName.get(name);
    if (!service) {
      service = createNotificationService(serviceConfig, {
        threads: this.threads,
        log: (level, message) => this.options.log?.(level, message),
        ...this.options.services,
      });
      byName.set(name, service);
    }
    return service;
  }

  private templatesFor(config: NotificationsConfig, row: DeliveryRow): NotificationTemplate[] {
    return row.templates.map((name) => {
      const template = config.templates[name];
      if (!template)
        throw new PermanentDeliveryError(
          `template "${name}" (sent by trigger.${row.trigger}) is not configured: add template.${name}`,
        );
      return template;
    });
  }

  private async recordSent(
    row: DeliveryRow,
    status: number,
    alreadyDelivered: boolean,
  ): Promise<SendOutcome> {
    // The message is out: losing this write would leave the row `sending` and re-send it after the claim expires.
    await retryTransient(() =>
      this.dataSource.transaction(async (manager) => {
        // Lock order matches the planner (app state, then deliveries): a planner replaying the same batch on
        // another replica would otherwise deadlock with us.
        const stored =
          row.once_per === null ? undefined : await this.appStates.lockTriggerState(manager, row.application);
        await this.deliveries.markSent(manager, row.id, status);
        if (row.once_per === null || stored === undefined) return;
        const fired: FiredCondition = {
          trigger: row.trigger,
          conditionIndex: row.condition_index,
          conditionKey: row.condition_key,
          send: row.templates,
          oncePerKey: row.once_per,
        };
        const next = markDelivered(parseTriggerState(JSON.stringify(stored)), fired, Date.now());
        await this.appStates.saveTriggerState(manager, row.application, next);
      }),
    );
    return { kind: 'sent', service: row.service, ...(alreadyDelivered ? { alreadyDelivered } : {}) };
  }

  private async recordFailure(
    row: DeliveryRow,
    claim: DeliveryClaim,
    reason: string,
    status: number | undefined,
    code?: string,
  ): Promise<SendOutcome> {
    const error = code && !reason.includes(code) ? `${code}: ${reason}` : reason;
    await this.deliveries.markFailed(row.id, claim, error, status);
    return { kind: 'failed', service: row.service, reason: error };
  }

  private async recordRetry(
    row: DeliveryRow,
    claim: DeliveryClaim,
    result: Extract<SendResult, { ok: false }>,
  ): Promise<SendOutcome> {
    if (row.attempts >= this.options.maxAttempts) {
      return this.recordFailure(
        row,
        claim,
        `gave up after ${row.attempts} attempts: ${result.reason}`,
        result.status,
        result.code,
      );
    }
    await this.deliveries.requeue(row.id, claim, result.reason, result.status, result.uncertain === true);
    return {
      kind: 'retry',
      service: row.service,
      recipient: row.recipient,
      reason: result.reason,
      ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    };
  }
}
