import {
  type ApplicationState,
  applicationStreamId,
  type ArgoApplication,
  evolveApplication,
  initialApplicationState,
  type RecordedApplicationEvent,
  type RecordedEvent,
  toArgoApplication,
} from '@berth/domain';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from '@berth/event-store';
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
  /** Null for rows written before the notifier kept the whole state (see foldUpTo). */
  state: ApplicationState | null;
  trigger_state: TriggerState;
  event_position: string;
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
    `SELECT application, state, trigger_state, event_position::text AS event_position FROM notifier_app_state
     WHERE application = ANY($1) ORDER BY application FOR UPDATE`,
    [names],
  );
  const apps = new Map<string, ApplicationState>();
  const states = new Map<string, TriggerState>();
  for (const row of rows) {
    apps.set(row.application, row.state ?? (await foldUpTo(manager, row.application, row.event_position)));
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
    const prev =
      apps.get(name) ?? (event.type === 'ApplicationCreated' ? initialApplicationState(name) : undefined);
    // An app the notifier never saw created (its rows were removed): nothing to fold onto.
    if (!prev) continue;
    // The one fold of an application (libs/domain), as the API and the deciders see it.
    const next = evolveApplication(prev, event as unknown as RecordedApplicationEvent);
    apps.set(name, next);
    changed.set(name, event.position);
    // A re-created app starts with no notification history, like a new Argo CD Application object.
    if (event.type === 'ApplicationCreated') states.set(name, emptyTriggerState());
    const app = toArgoApplication(next);
    // Triggers see only what an Argo CD Application shows: events that change none of it fire nothing new.
    if (!config || !app || sameView(app, toArgoApplication(prev))) continue;

    const appProject = await projectOf(app.spec['project']);
    const subscriptions = resolveSubscriptions(config, app, appProject);
    for (const issue of subscriptions.issues)
      options.log?.('debug', `${name}: ${issue.key}: ${issue.message}`);
    const triggers = [...subscriptions.byTrigger.keys()];
    if (triggers.length === 0) continue;
    const now = event.recordedAt.getTime();
    const evaluation = evaluateTriggers(config, app, states.get(name), {
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
          appSnapshot: app,
        });
      }
    }
  }

  for (const [name, position] of changed) {
    const state = apps.get(name)!;
    await manager.query(
      `INSERT INTO notifier_app_state (application, app, state, trigger_state, commits, event_position, updated_at)
       VALUES ($1, $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb, $6, now())
       ON CONFLICT (application) DO UPDATE SET app = EXCLUDED.app, state = EXCLUDED.state,
         trigger_state = EXCLUDED.trigger_state, commits = EXCLUDED.commits,
         event_position = EXCLUDED.event_position, updated_at = now()`,
      [
        name,
        JSON.stringify(toArgoApplication(state) ?? {}),
        JSON.stringify(state),
        JSON.stringify(states.get(name) ?? emptyTriggerState()),
        JSON.stringify(state.commits),
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

/** The `application` of any application event (every event in the catalog names it). */
export function applicationOf(recorded: RecordedEvent): string | undefined {
  if (!recorded.streamId.startsWith(applicationStreamId(''))) return undefined;
  const data = recorded.data as { application?: unknown } | null;
  return typeof data?.application === 'string' ? data.application : undefined;
}

/** Two views of an app are the same to a trigger when they differ at most in `generation` (the stream version). */
function sameView(a: ArgoApplication, b: ArgoApplication | undefined): boolean {
  if (!b) return false;
  const withoutGeneration = (app: ArgoApplication) =>
    JSON.stringify({ ...app, metadata: { ...app.metadata, generation: 0 } });
  return withoutGeneration(a) === withoutGeneration(b);
}

/**
 * The state of an app as of `position`, folded from its stream: for rows the notifier wrote before it kept
 * the whole state. Within one stream positions grow with versions, so this is the stream's prefix.
 */
async function foldUpTo(manager: EntityManager, name: string, position: string): Promise<ApplicationState> {
  const rows: EventRow[] = await manager.query(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND position <= $2 ORDER BY stream_version`,
    [applicationStreamId(name), position],
  );
  let state = initialApplicationState(name);
  for (const row of rows)
    state = evolveApplication(state, toRecordedEvent(row) as unknown as RecordedApplicationEvent);
  return state;
}
