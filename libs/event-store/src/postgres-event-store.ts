import {
  summarizeEvent,
  upcastEvent,
  type DomainEvent,
  type EventMetadata,
  type RecordedEvent,
} from '@berth/domain';
import type { DataSource, EntityManager } from 'typeorm';
import type { Checkpoint } from './checkpoint';
import { WrongExpectedVersionError, type ExpectedVersion } from './event-store.errors';

export interface AppendResult {
  /** The stream's version after the append (= the last event's stream_version). */
  nextVersion: number;
  events: RecordedEvent[];
}

export interface EventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export const EVENT_COLUMNS =
  'position, transaction_id::text AS transaction_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at';

/**
 * The event log on Postgres. Appends are optimistic: the caller says which version it decided on,
 * and the append fails with WrongExpectedVersionError if someone else appended first.
 */
export class PostgresEventStore {
  private appendedCounter: (count: number, seconds: number) => void = () => undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Called with the number of events each successful append wrote and the seconds it took (for metrics). */
  onAppended(counter: (count: number, seconds: number) => void): void {
    this.appendedCounter = counter;
  }

  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly DomainEvent[],
    /** The same for every event, or per event (one append can hold facts of different actors). */
    metadata: EventMetadata | ((event: DomainEvent) => EventMetadata),
    /** Run more statements in the same transaction: the snapshot and read models of the appended events. */
    alsoInTransaction?: (manager: EntityManager, recorded: readonly RecordedEvent[]) => Promise<void>,
  ): Promise<AppendResult> {
    if (events.length === 0) {
      const version = await this.streamVersion(streamId);
      return { nextVersion: version ?? 0, events: [] };
    }
    const started = performance.now();
    const recorded = await this.dataSource.transaction(async (manager) => {
      const firstVersion = await this.claimVersions(manager, streamId, expectedVersion, events.length);
      const values: unknown[] = [];
      const tuples = events.map((event, i) => {
        const base = values.length;
        values.push(
          streamId,
          firstVersion + i,
          event.type,
          event.schemaVersion,
          JSON.stringify(event.data),
          JSON.stringify(typeof metadata === 'function' ? metadata(event) : metadata),
          // The audit log's words, computed once from the event catalog and stored with the fact.
          summarizeEvent(event),
        );
        return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::jsonb, $${base + 6}::jsonb, $${base + 7})`;
      });
      const rows: EventRow[] = await manager.query(
        `INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, summary)
         VALUES ${tuples.join(', ')}
         RETURNING ${EVENT_COLUMNS}`,
        values,
      );
      const recordedEvents = rows.map(toRecordedEvent);
      if (alsoInTransaction) await alsoInTransaction(manager, recordedEvents);
      return recordedEvents;
    });
    this.appendedCounter(recorded.length, (performance.now() - started) / 1000);
    return { nextVersion: recorded[recorded.length - 1]!.streamVersion, events: recorded };
  }

  async readStream(streamId: string, fromVersion = 1): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
      [streamId, fromVersion],
    );
    return rows.map(toRecordedEvent);
  }

  async streamVersion(streamId: string): Promise<number | undefined> {
    const rows: Array<{ version: number }> = await this.dataSource.query(
      `SELECT version FROM streams WHERE stream_id = $1`,
      [streamId],
    );
    return rows[0]?.version;
  }

  /**
   * Events after `after`, in commit order, never skipping one. Only events of transactions older
   * than every transaction still in flight are returned: a transaction that took a lower position
   * but commits later is therefore always read before anything behind it is handed out.
   * (The technique of Marten's high-water mark and Emmett's Postgres store.)
   */
  async readAll(after: Checkpoint, limit = 500): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id, position
       LIMIT $3`,
      [after.transactionId.toString(), after.position.toString(), limit],
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * The checkpoint of the last event `readAll` can hand out now (below every transaction in flight), or
   * undefined for an empty log: a reader that starts there and reads on misses nothing committed later.
   */
  async headCheckpoint(): Promise<Checkpoint | undefined> {
    const rows: Array<{ transaction_id: string; position: string }> = await this.dataSource.query(
      `SELECT transaction_id::text AS transaction_id, position FROM events
       WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id DESC, position DESC
       LIMIT 1`,
    );
    const row = rows[0];
    return row ? { transactionId: BigInt(row.transaction_id), position: BigInt(row.position) } : undefined;
  }

  /**
   * Whether events committed after `after` wait behind a transaction still in flight: `readAll` hands out
   * nothing at or past the oldest running transaction of the whole server (transaction ids are
   * server-wide), so a long write transaction in any database holds every reader of the log back. Names
   * that transaction as far as this user may see it (pg_stat_activity hides other users' sessions without
   * pg_read_all_stats), or the prepared transaction that holds it.
   */
  async heldBackBy(after: Checkpoint): Promise<LogBlocker | undefined> {
    const waiting: Array<{ waiting: boolean }> = await this.dataSource.query(
      `SELECT EXISTS (
         SELECT 1 FROM events
          WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
            AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot())
       ) AS waiting`,
      [after.transactionId.toString(), after.position.toString()],
    );
    if (!waiting[0]?.waiting) return undefined;
    const sessions: Array<{
      pid: number;
      datname: string | null;
      usename: string | null;
      application_name: string | null;
      state: string | null;
      xact_start: Date | null;
    }> = await this.dataSource.query(
      `SELECT pid, datname, usename, application_name, state, xact_start FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
        ORDER BY age(backend_xid) DESC LIMIT 1`,
    );
    const prepared: Array<{ gid: string; database: string; prepared: Date }> = await this.dataSource.query(
      `SELECT gid, database, prepared FROM pg_prepared_xacts ORDER BY age(transaction) DESC LIMIT 1`,
    );
    const session = sessions[0];
    const xact = prepared[0];
    if (xact && (!session?.xact_start || xact.prepared < session.xact_start))
      return { kind: 'prepared', gid: xact.gid, database: xact.database, since: xact.prepared };
    if (!session) return { kind: 'unknown' };
    return {
      kind: 'session',
      pid: session.pid,
      ...(session.datname ? { database: session.datname } : {}),
      ...(session.usename ? { user: session.usename } : {}),
      ...(session.application_name ? { application: session.application_name } : {}),
      ...(session.state ? { state: session.state } : {}),
      ...(session.xact_start ? { since: session.xact_start } : {}),
    };
  }

  /** The checkpoint of the event at `position` (to read on after it), or undefined when there is none. */
  async checkpointAt(position: bigint): Promise<Checkpoint | undefined> {
    const rows: Array<{ transaction_id: string }> = await this.dataSource.query(
      `SELECT transaction_id::text AS transaction_id FROM events WHERE position = $1`,
      [position.toString()],
    );
    const row = rows[0];
    return row ? { transactionId: BigInt(row.transaction_id), position } : undefined;
  }

  /** Reserves `count` versions on the stream, checking the expected version; returns the first. */
  private async claimVersions(
    manager: EntityManager,
    streamId: string,
    expected: ExpectedVersion,
    count: number,
  ): Promise<number> {
    if (expected === 'any') {
      const rows: Array<{ version: number }> = await manager.query(
        `INSERT INTO streams (stream_id, version) VALUES ($1, $2)
         ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + $2, updated_at = now()
         RETURNING version`,
        [streamId, count],
      );
      return rows[0]!.version - count + 1;
    }
    if (expected === 'no_stream' || expected === 0) {
      const rows: unknown[] = await manager.query(
        `INSERT INTO streams (stream_id, version) VALUES ($1, $2) ON CONFLICT (stream_id) DO NOTHING RETURNING version`,
        [streamId, count],
      );
      if (rows.length === 0)
        throw new WrongExpectedVersionError(streamId, expected, await this.versionIn(manager, streamId));
      return 1;
    }
    // Row lock: a concurrent append with the same expectation waits here, then matches no row.
    // Structured result: TypeORM returns [rows, count] for a plain UPDATE, which would hide a miss.
    const result = await manager.queryRunner!.query(
      `UPDATE streams SET version = version + $3, updated_at = now()
       WHERE stream_id = $1 AND version = $2 RETURNING version`,
      [streamId, expected, count],
      true,
    );
    if ((result.records ?? []).length === 0)
      throw new WrongExpectedVersionError(streamId, expected, await this.versionIn(manager, streamId));
    return expected + 1;
  }

  private async versionIn(manager: EntityManager, streamId: string): Promise<number | undefined> {
    const rows: Array<{ version: number }> = await manager.query(
      `SELECT version FROM streams WHERE stream_id = $1`,
      [streamId],
    );
    return rows[0]?.version;
  }
}

/** An event as stored, brought up to the schema version this code writes (see the event catalog's upcasters). */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return upcastEvent({
    position: BigInt(row.position),
    transactionId: BigInt(row.transaction_id),
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  });
}

/** The transaction that holds the event log's readers back (PostgresEventStore.heldBackBy). */
export type LogBlocker =
  | {
      kind: 'session';
      pid: number;
      database?: string;
      user?: string;
      application?: string;
      state?: string;
      since?: Date;
    }
  | { kind: 'prepared'; gid: string; database: string; since: Date }
  /** In flight, but not visible to this user (grant it pg_read_all_stats to see which). */
  | { kind: 'unknown' };

/** One line for a person: which transaction, since when, and what to do about it. */
export function describeLogBlocker(blocker: LogBlocker): string {
  switch (blocker.kind) {
    case 'session': {
      const who = [
        `pid ${blocker.pid}`,
        blocker.database && `database ${blocker.database}`,
        blocker.user && `user ${blocker.user}`,
        blocker.application && `application "${blocker.application}"`,
        blocker.state && `state ${blocker.state}`,
      ]
        .filter(Boolean)
        .join(', ');
      const since = blocker.since ? ` open since ${blocker.since.toISOString()}` : '';
      return `a transaction${since} (${who}); end it (pg_terminate_backend(${blocker.pid})) or bound such transactions with idle_in_transaction_session_timeout`;
    }
    case 'prepared':
      return `the prepared transaction "${blocker.gid}" (database ${blocker.database}, prepared ${blocker.since.toISOString()}); COMMIT PREPARED or ROLLBACK PREPARED it`;
    case 'unknown':
      return 'a transaction of another user that this one cannot see; grant it pg_read_all_stats to have it named';
  }
}
