import type { ApplicationState, ArgoApplication, CommitInfo } from '@berth/domain';
import type { TriggerState } from '@berth/notifications';
import type { DataSource, EntityManager } from 'typeorm';

/** What the planner keeps of an application between batches. */
export interface NotifierAppState {
  application: string;
  /** Null for rows written before the notifier kept the whole state: fold the stream up to `eventPosition`. */
  state: ApplicationState | null;
  triggerState: TriggerState;
  /** Position of the last event folded in, as text (bigint). */
  eventPosition: string;
}

/** A row to write after a batch: the folded state, what triggers last saw, and their state. */
export interface NotifierAppStateUpdate {
  application: string;
  /** The Argo CD-shaped Application triggers evaluate; undefined when the app is gone (stored as `{}`). */
  app: ArgoApplication | undefined;
  state: ApplicationState;
  triggerState: TriggerState;
  eventPosition: bigint;
}

/**
 * The notifier's per-application state (table `notifier_app_state`): written by the planner in the
 * subscription's transaction, its trigger state also by the sender when a oncePer delivery goes out.
 * Lock order, everywhere: these rows (by application name) before any notification_deliveries row.
 */
export class NotifierAppStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Locks and reads the rows of `applications` in the caller's transaction, in name order: two replicas
   * replaying one batch lock in the same order, and the sender cannot change their trigger state meanwhile.
   */
  async lockForPlanning(
    manager: EntityManager,
    applications: readonly string[],
  ): Promise<NotifierAppState[]> {
    const rows: Array<{
      application: string;
      state: ApplicationState | null;
      trigger_state: TriggerState;
      event_position: string;
    }> = await manager.query(
      `SELECT application, state, trigger_state, event_position::text AS event_position FROM notifier_app_state
       WHERE application = ANY($1) ORDER BY application FOR UPDATE`,
      [applications],
    );
    return rows.map((r) => ({
      application: r.application,
      state: r.state,
      triggerState: r.trigger_state,
      eventPosition: r.event_position,
    }));
  }

  /** Writes an application's state after a batch (in the caller's transaction). */
  async save(manager: EntityManager, update: NotifierAppStateUpdate): Promise<void> {
    await manager.query(
      `INSERT INTO notifier_app_state (application, app, state, trigger_state, commits, event_position, updated_at)
       VALUES ($1, $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb, $6, now())
       ON CONFLICT (application) DO UPDATE SET app = EXCLUDED.app, state = EXCLUDED.state,
         trigger_state = EXCLUDED.trigger_state, commits = EXCLUDED.commits,
         event_position = EXCLUDED.event_position, updated_at = now()`,
      [
        update.application,
        JSON.stringify(update.app ?? {}),
        JSON.stringify(update.state),
        JSON.stringify(update.triggerState),
        JSON.stringify(update.state.commits),
        update.eventPosition.toString(),
      ],
    );
  }

  /**
   * Locks an application's row and returns its trigger state as stored (unparsed), in the caller's
   * transaction; undefined when the application has no row.
   */
  async lockTriggerState(manager: EntityManager, application: string): Promise<unknown> {
    const rows: Array<{ trigger_state: unknown }> = await manager.query(
      `SELECT trigger_state FROM notifier_app_state WHERE application = $1 FOR UPDATE`,
      [application],
    );
    return rows[0]?.trigger_state;
  }

  async saveTriggerState(
    manager: EntityManager,
    application: string,
    triggerState: TriggerState,
  ): Promise<void> {
    await manager.query(`UPDATE notifier_app_state SET trigger_state = $2::jsonb WHERE application = $1`, [
      application,
      JSON.stringify(triggerState),
    ]);
  }

  /** Commit info by revision recorded by RevisionResolved, for `.repo.GetCommitMetadata`. */
  async commitsOf(application: string): Promise<Record<string, CommitInfo>> {
    const rows: Array<{ commits: Record<string, CommitInfo> }> = await this.dataSource.query(
      `SELECT commits FROM notifier_app_state WHERE application = $1`,
      [application],
    );
    return rows[0]?.commits ?? {};
  }
}
