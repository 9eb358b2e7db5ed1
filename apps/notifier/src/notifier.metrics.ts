import { Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of one notifier (own registry, so several notifiers in one test process do not clash). */
export class NotifierMetrics {
  readonly registry = new Registry();
  readonly deliveries = new Counter({
    name: 'berth_notifier_deliveries_total',
    help:
      'Notification delivery outcomes by service (sent; already_delivered = found at the receiver, posted by an ' +
      'earlier attempt, not sent again; failed = dead-lettered; retry = will be retried)',
    labelNames: ['service', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly planned = new Counter({
    name: 'berth_notifier_deliveries_planned_total',
    help: 'Deliveries queued because a trigger fired for a subscribed destination',
    registers: [this.registry],
  });
  readonly eventsProcessed = new Counter({
    name: 'berth_notifier_events_processed_total',
    help: 'Event-log events folded by the notifier subscription',
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'berth_notifier_event_lag_seconds',
    help: 'Age of the newest event of the last handled batch when it was handled',
    registers: [this.registry],
  });
  /** Read at scrape time (heldBackSeconds): a held-back log handles no batch that could set it. */
  heldBackSeconds: () => number = () => 0;
  readonly heldBack: Gauge = new Gauge({
    name: 'berth_notifier_event_log_held_back_seconds',
    help:
      'How long committed events have waited behind a transaction in flight somewhere on the Postgres server ' +
      '(the log is read in transaction order); 0 when none waits. The notifier logs which transaction it is',
    registers: [this.registry],
    collect: (): void => this.heldBack.set(this.heldBackSeconds()),
  });
  readonly configValid = new Gauge({
    name: 'berth_notifier_config_valid',
    help: '1 when the newest notifications config parsed, 0 when it was rejected (the last good one is used)',
    registers: [this.registry],
  });
}
