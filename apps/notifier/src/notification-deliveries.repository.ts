import { PostgresListener } from '@berth/event-store';
import type { DataSource, EntityManager } from 'typeorm';

export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One row of notification_deliveries, as the sender works on it. */
export interface DeliveryRow {
  id: string;
  application: string;
  trigger: string;
  condition_index: number;
  condition_key: string;
  once_per: string | null;
  templates: string[];
  service: string;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  last_response_code: number | null;
  last_error: string | null;
  event_position: string;
  app_snapshot: unknown;
  claimed_by: string | null;
  claimed_at: Date | null;
  /**
   * Start of the earliest attempt whose outcome was never learned (a notifier died mid-send, a request timed
   * out): the message may be out already. Null while every earlier attempt's outcome is known.
   */
  unconfirmed_since: Date | null;
  sent_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Who holds a `sending` row: the claimer, and which attempt (a claim taken over later has a higher one). */
export interface DeliveryClaim {
  claimedBy: string;
  attempt: number;
}

/** A row's status and, while `sending`, how long ago its claim was taken or renewed. */
export interface DeliveryClaimState {
  status: DeliveryStatus;
  claimAgeMs: number | null;
}

/** A delivery the planner decided on, before it is a row. */
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

/** What the queue needs of an open row: its job id and its destination (for the rate limiter). */
export interface OpenDelivery {
  id: string;
  service: string;
  recipient: string;
}

/** One delivery as the API lists it (no app snapshot: it can be large and is for rendering only). */
export interface DeliveryListRow {
  id: string;
  application: string;
  trigger: string;
  service: string;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  once_per: string | null;
  last_response_code: number | null;
  last_error: string | null;
  event_position: string;
  created_at: Date;
  /** created_at as Postgres prints it: full microsecond precision (a JS Date would round it), for cursors. */
  created_at_text: string;
  updated_at: Date;
  sent_at: Date | null;
}

export interface DeliveryListFilter {
  application?: string;
  status?: DeliveryStatus;
  /** Keyset: only rows older than this (created_at as Postgres printed it, then id). */
  before?: { createdAt: string; id: string };
  limit: number;
}

/** pg_notify channel: a transaction that queued deliveries wakes the enqueuer when (and only if) it commits. */
const QUEUED_CHANNEL = 'berth_notifier_deliveries';

/**
 * The delivery outbox (table `notification_deliveries`): the planner inserts rows in the subscription's
 * transaction, the queue enqueues them, the sender claims, sends and records each one.
 */
export class NotificationDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts the planned deliveries that do not exist yet (ids are deterministic: a replayed batch inserts
   * nothing) in the caller's transaction, and wakes the enqueuers when it commits. Returns those inserted.
   */
  async insertPlanned(
    manager: EntityManager,
    planned: readonly PlannedDelivery[],
  ): Promise<PlannedDelivery[]> {
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
    if (inserted.length > 0) await manager.query(`SELECT pg_notify($1, '')`, [QUEUED_CHANNEL]);
    return inserted;
  }

  /**
   * Calls `onQueued` whenever a transaction that inserted deliveries commits, on a connection of its own
   * (LISTEN needs one that stays open). Returns the function that closes it.
   */
  async listenForQueued(
    databaseUrl: string,
    onQueued: () => void,
    log?: (level: 'log' | 'warn', message: string) => void,
  ): Promise<() => Promise<void>> {
    // Reopened after a Postgres restart; rows queued while it was away are picked up when it is back.
    const listener = await PostgresListener.open({
      databaseUrl,
      channel: QUEUED_CHANNEL,
      onNotify: onQueued,
      onReconnected: onQueued,
      ...(log ? { log } : {}),
    });
    return () => listener.close();
  }

  /** Queued rows never enqueued yet (the planner's transaction just committed), oldest first. */
  async listUnenqueued(limit: number): Promise<OpenDelivery[]> {
    return this.dataSource.query(
      `SELECT id, service, recipient FROM notification_deliveries
       WHERE status = 'queued' AND enqueued_at IS NULL ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
  }

  /** Rows that still need a send: queued ones, and `sending` ones whose claim is older than `claimTimeoutMs`. */
  async listOpen(claimTimeoutMs: number, limit: number): Promise<OpenDelivery[]> {
    return this.dataSource.query(
      `SELECT id, service, recipient FROM notification_deliveries
       WHERE status = 'queued'
          OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $1::double precision / 1000))
       ORDER BY created_at, id LIMIT $2`,
      [claimTimeoutMs, limit],
    );
  }

  async markEnqueued(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE notification_deliveries SET enqueued_at = now() WHERE id = $1`, [id]);
  }

  /**
   * Takes a row to send: `queued` -> `sending` (one more attempt), or takes over a `sending` claim not renewed
   * for `claimTimeoutMs` (its notifier died mid-send: the message may be out, so `unconfirmed_since` keeps when
   * that attempt started). Undefined when the row is not there to take.
   */
  async claim(id: string, claimedBy: string, claimTimeoutMs: number): Promise<DeliveryRow | undefined> {
    // SET expressions read the row as it was: `status` and `claimed_at` are the previous claim's.
    // Structured result: TypeORM returns [rows, count] for UPDATE ... RETURNING through plain query().
    const runner = this.dataSource.createQueryRunner();
    const claimed = await runner
      .query(
        `UPDATE notification_deliveries
         SET status = 'sending', claimed_by = $2, claimed_at = now(), attempts = attempts + 1,
             unconfirmed_since = CASE WHEN status = 'sending' THEN COALESCE(unconfirmed_since, claimed_at)
                                      ELSE unconfirmed_since END,
             updated_at = clock_timestamp()
         WHERE id = $1 AND (status = 'queued'
           OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $3::double precision / 1000)))
         RETURNING *`,
        [id, claimedBy, claimTimeoutMs],
        true,
      )
      .finally(() => runner.release());
    return (claimed.records as DeliveryRow[] | undefined)?.[0];
  }

  /**
   * Renews a claim while its send runs, so it is not taken for abandoned. False when the claim is no longer
   * this one (taken over after a pause longer than the claim timeout, or recorded).
   */
  async renewClaim(id: string, claim: DeliveryClaim): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE notification_deliveries SET claimed_at = now()
       WHERE id = $1 AND status = 'sending' AND claimed_by = $2 AND attempts = $3 RETURNING id`,
      [id, claim.claimedBy, claim.attempt],
    );
    return rows.length > 0;
  }

  async claimStateOf(id: string): Promise<DeliveryClaimState | undefined> {
    const rows: Array<{ status: DeliveryStatus; claim_age_ms: number | null }> = await this.dataSource.query(
      `SELECT status, (extract(epoch FROM now() - claimed_at) * 1000)::float8 AS claim_age_ms
       FROM notification_deliveries WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row && { status: row.status, claimAgeMs: row.status === 'sending' ? row.claim_age_ms : null };
  }

  /**
   * The receiver accepted it (in the caller's transaction, which also records the oncePer value). Whoever
   * holds the claim now: the message is out either way.
   */
  async markSent(manager: EntityManager, id: string, responseCode: number): Promise<void> {
    await manager.query(
      `UPDATE notification_deliveries SET status = 'sent', sent_at = now(), last_response_code = $2,
         last_error = NULL, updated_at = clock_timestamp() WHERE id = $1`,
      [id, responseCode],
    );
  }

  /** Dead letter: no retry can deliver it. Only while `claim` still holds the row. */
  async markFailed(
    id: string,
    claim: DeliveryClaim,
    error: string,
    responseCode: number | undefined,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries SET status = 'failed', last_error = $4, last_response_code = $5,
         updated_at = clock_timestamp()
       WHERE id = $1 AND status = 'sending' AND claimed_by = $2 AND attempts = $3`,
      [id, claim.claimedBy, claim.attempt, error, responseCode ?? null],
    );
  }

  /**
   * Back to `queued` for the next attempt, with why this one failed; `uncertain`: the request may have reached
   * the receiver all the same (kept in `unconfirmed_since`). Only while `claim` still holds the row.
   */
  async requeue(
    id: string,
    claim: DeliveryClaim,
    error: string,
    responseCode: number | undefined,
    uncertain: boolean,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_deliveries SET status = 'queued', last_error = $4, last_response_code = $5,
         unconfirmed_since = CASE WHEN $6 THEN COALESCE(unconfirmed_since, claimed_at) ELSE unconfirmed_since END,
         updated_at = clock_timestamp()
       WHERE id = $1 AND status = 'sending' AND claimed_by = $2 AND attempts = $3`,
      [id, claim.claimedBy, claim.attempt, error, responseCode ?? null, uncertain],
    );
  }

  /** Newest first, keyset-paginated on (created_at, id); `limit` rows at most. */
  async list(filter: DeliveryListFilter): Promise<DeliveryListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.application !== undefined) {
      params.push(filter.application);
      where.push(`application = $${params.length}`);
    }
    if (filter.status !== undefined) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.before !== undefined) {
      params.push(filter.before.createdAt, filter.before.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(filter.limit);
    return this.dataSource.query(
      `SELECT id, application, trigger, service, recipient, status, attempts, once_per, last_response_code, last_error,
              event_position::text AS event_position, created_at, created_at::text AS created_at_text, updated_at, sent_at
       FROM notification_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }
}
