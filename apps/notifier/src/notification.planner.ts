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
import { ApplicationStreamRepository } from './application-stream.repository';
import { NotificationDeliveriesRepository, type PlannedDelivery } from './notification-deliveries.repository';
import { NotifierAppStateRepository } from './notifier-app-state.repository';
import { ProjectManifestsRepository } from './project-manifests.repository';

export type { PlannedDelivery } from './notification-deliveries.repository';

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
  const appStates = new NotifierAppStateRepository(manager.dataSource);
  const deliveries = new NotificationDeliveriesRepository(manager.dataSource);
  const projectManifests = new ProjectManifestsRepository();
  // Locked: the sender records delivered oncePer values on the same rows.
  const rows = await appStates.lockForPlanning(manager, names);
  const apps = new Map<string, ApplicationState>();
  const states = new Map<string, TriggerState>();
  for (const row of rows) {
    apps.set(row.application, row.state ?? (await foldUpTo(manager, row.application, row.eventPosition)));
    states.set(row.application, row.triggerState);
  }
  const changed = new Map<string, bigint>();
  const planned: PlannedDelivery[] = [];
  const config = options.config();
  // AppProjects carry subscriptions too (`notifications.argoproj.io/subscribe.*` annotations).
  const projects = new Map<string, Record<string, unknown> | undefined>();
  const projectOf = async (project: unknown): Promise<Record<string, unknown> | undefined> => {
    const key = typeof project === 'string' && project !== '' ? project : 'default';
    if (!projects.has(key)) projects.set(key, await projectManifests.find(manager, key));
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
    await appStates.save(manager, {
      application: name,
      app: toArgoApplication(state),
      state,
      triggerState: states.get(name) ?? emptyTriggerState(),
      eventPosition: position,
    });
  }

  const inserted = await deliveries.insertPlanned(manager, planned);
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
  let state = initialApplicationState(name);
  for (const event of await new ApplicationStreamRepository().readUpTo(manager, name, position))
    state = evolveApplication(state, event as unknown as RecordedApplicationEvent);
  return state;
}
