import type { RecordedEvent } from '@berth/domain';
import {
  deliveryId,
  emptyTriggerState,
  evaluateTriggers,
  markDelivered,
  type NotificationsConfig,
  resolveSubscriptions,
  type TriggerState,
} from '@berth/notifications';
import type { EntityManager } from 'typeorm';
import { applicationOf, applyArgoApplicationEvent, type NotifierAppView } from './argo-application.view';

/** pg_notify channel: a transaction that queued deliveries wakes the enqueuer when (and only if) it commits. */
export const DELIVERIES_CHANNEL = 'berth_notifier_deliveries';

export interface PlannedDelivery {
  id: string;
  application: string;
  trigger: string;
  conditionIndex: number;
  conditionKey: string;
  oncePer: string | undefined;
  templates: string[];
  service: string;
  recipient: string;
  eventPosition: bigint;
  appSnapshot: unknown;
}

export interface PlannerOptions {
  /** The active config; undefined = only fold app state (no triggers). */
  config: () => NotificationsConfig | undefined;
  /**
   * Events recorded longer ago than this (vs. `now`) update state but send nothing, so a first start on a
   * long log (or a long outage) does not flood channels with history. 0 = no limit.
   */
  maxEventAgeMs: number;
  now: () => number;
  log?: (level: 'warn' | 'debug', message: string) => void;
}

export interface PlanResult {
  changedApps: number;
  /** Deliveries inserted by this batch (not ones that already existed). */
  inserted: PlannedDelivery[];
}

interface StateRow {
  application: string;
  app: NotifierAppView['app'];
  trigger_state: TriggerState;
  commits: NotifierAppView['commits'];
}

/**
 * The notifier's subscription handler: folds a batch of events into per-app Argo-shaped state, evaluates the
 * subscribed triggers after every event that changed an app (so batch boundaries never change the outcome), and
 * writes app state, trigger state and the deliveries to send in the caller's transaction (the one that saves the
 * checkpoint): after a crash nothing is skipped and nothing is planned twice.
 */
export async function planNotifications(
  events: readonly RecordedEvent[],
  manager: EntityManager,
  options: PlannerOptions,
): Promise<PlanResult> {
  const names = [...new Set(events.map(applicationOf).filter((n): n is string => n !== undefined))];
  if (names.length === 0) return { changedApps: 0, inserted: [] };
  // FOR UPDATE: the sender records delivered oncePer values on the same rows. Ordered, so two replicas replaying
  // one batch lock in the same order.
  const rows: StateRow[] = await manager.query(
    `SELECT application, app, trigger_state, commits FROM notifier_app_state WHERE application = ANY($1) ORDER BY application FOR UPDATE`,
    [names],
  );
  const views = new Map<string, NotifierAppView | undefined>();
  const states = new Map<string, TriggerState>();
  for (const row of rows) {
    views.set(row.application, { app: row.app, commits: row.commits });
    states.set(row.application, row.trigger_state);
  }
  const changed = new Map<string, bigint>();
  const planned: PlannedDelivery[] = [];
  const config = options.config();
  // AppProjects carry subscriptions too (`notifications.argoproj.io/subscribe.*` annotations).
  const projects = new Map<string, Record<string, unknown> | undefined>();
  const projectOf = async (project: unknown): Promise<Record<string, unknown> | undefined> => {
    const key = typeof project === 'string' && project !== '' ? project : 'default';
    if (!projects.has(key)) {
      const found: Array<{ manifest: Record<string, unknown> }> = await manager.query(
        `SELECT manifest FROM projects WHERE name = $1`,
        [key],
      );
      projects.set(key, found[0]?.manifest);
    }
    return projects.get(key);
  };

  for (const event of events) {
    const name = applicationOf(event);
    if (name === undefined) continue;
    const prev = views.get(name);
    const next = applyArgoApplicationEvent(prev, event);
    if (next === prev || !next) continue;
    views.set(name, next);
    changed.set(name, event.position);
    // A re-created app starts with no notification history, like a new Argo CD Application object.
    if (event.type === 'ApplicationCreated') states.set(name, emptyTriggerState());
    if (!config) continue;

    const appProject = await projectOf((next.app.spec as { project?: unknown } | undefined)?.project);
    const subscriptions = resolveSubscriptions(config, next.app, appProject);
    for (const issue of subscriptions.issues)
      options.log?.('debug', `${name}: ${issue.key}: ${issue.message}`);
    const triggers = [...subscriptions.byTrigger.keys()];
    if (triggers.length === 0) continue;
    const now = event.recordedAt.getTime();
    const evaluation = evaluateTriggers(config, next.app, states.get(name), {
      now,
      context: config.context,
      triggers,
    });
    states.set(name, evaluation.nextState);
    for (const issue of evaluation.issues)
      options.log?.(
        'warn',
        `${name}: trigger.${issue.trigger}[${issue.conditionIndex}].${issue.field}: ${issue.message}`,
      );
    const fresh = options.maxEventAgeMs <= 0 || options.now() - now <= options.maxEventAgeMs;
    if (!fresh) {
      // Suppressed, not pending: an undelivered oncePer value would otherwise fire at the app's next event.
      let state = evaluation.nextState;
      for (const fired of evaluation.fire) state = markDelivered(state, fired, now);
      states.set(name, state);
      continue;
    }
    for (const fired of evaluation.fire) {
      for (const dest of subscriptions.byTrigger.get(fired.trigger) ?? []) {
        planned.push({
          // The app is part of the id: the same revision can be deployed by several apps.
          id: deliveryId(
            `${name}/${fired.trigger}`,
            fired.conditionIndex,
            fired.oncePerKey,
            dest.service,
            dest.recipient,
            fired.oncePerKey === undefined ? event.position : undefined,
          ),
          application: name,
          trigger: fired.trigger,
          conditionIndex: fired.conditionIndex,
          conditionKey: fired.conditionKey,
          oncePer: fired.oncePerKey,
          templates: fired.send,
          service: dest.service,
          recipient: dest.recipient,
          eventPosition: event.position,
          appSnapshot: next.app,
        });
      }
    }
  }

  for (const [name, position] of changed) {
    const view = views.get(name)!;
    await manager.query(
      `INSERT INTO notifier_app_state (application, app, trigger_state, commits, event_position, updated_at)
       VALUES ($1, $2::jsonb, $3::jsonb, $4::jsonb, $5, now())
       ON CONFLICT (application) DO UPDATE SET app = EXCLUDED.app, trigger_state = EXCLUDED.trigger_state,
         commits = EXCLUDED.commits, event_position = EXCLUDED.event_position, updated_at = now()`,
      [
        name,
        JSON.stringify(view.app),
        JSON.stringify(states.get(name) ?? emptyTriggerState()),
        JSON.stringify(view.commits),
        position.toString(),
      ],
    );
  }

  const inserted: PlannedDelivery[] = [];
  for (const d of planned) {
    const result: Array<{ id: string }> = await manager.query(
      `INSERT INTO notification_deliveries (id, application, trigger, condition_index, condition_key, once_per,
         templates, service, recipient, event_position, app_snapshot)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11::jsonb)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        d.id,
        d.application,
        d.trigger,
        d.conditionIndex,
        d.conditionKey,
        d.oncePer ?? null,
        JSON.stringify(d.templates),
        d.service,
        d.recipient,
        d.eventPosition.toString(),
        JSON.stringify(d.appSnapshot),
      ],
    );
    if (result.length > 0) inserted.push(d);
  }
  if (inserted.length > 0) await manager.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
  return { changedApps: changed.size, inserted };
}
