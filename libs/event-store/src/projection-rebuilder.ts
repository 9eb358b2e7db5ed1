import type { RecordedEvent } from '@berth/domain';
import type { DataSource, EntityManager } from 'typeorm';
import type { AggregateRegistration } from './command-handler';
import { toRecordedEvent, type EventRow, EVENT_COLUMNS } from './postgres-event-store';
import { StreamSnapshotRepository } from './stream-snapshot.repository';

export interface RebuildOptions {
  /** Compare only: rebuild into scratch tables, report the differences, change nothing. */
  check: boolean;
  /** Rebuild only these projections (by name); default all. */
  only?: readonly string[];
}

export interface TableDifference {
  table: string;
  /** Rows the replay produces that the live table lacks or holds differently. */
  missingOrDifferent: number;
  /** Live rows the replay does not produce. */
  unexpected: number;
  /** A few keys, to look at. */
  examples: string[];
}

/** An event the aggregate's fold threw on: skipped by the replay (the stream's state is as before it). */
export interface UnreadableEvent {
  streamId: string;
  streamVersion: number;
  type: string;
  error: string;
}

export interface RebuildReport {
  events: number;
  streams: number;
  /** Events the fold could not apply (at most 20 listed); a healthy log has none. */
  unreadable: UnreadableEvent[];
  projections: string[];
  differences: TableDifference[];
  /** False in check mode. */
  replaced: boolean;
}

/**
 * Columns of read models that do not come from the log, kept from the live rows when a table is replaced
 * and left out of comparisons. `applications.reconciled_at`: a refresh that finds nothing new writes no
 * event, only this time.
 */
const NOT_FROM_EVENTS: Record<string, readonly string[]> = {
  applications: ['reconciled_at'],
};

const KEY_COLUMN: Record<string, string> = {
  applications: 'name',
  stream_snapshots: 'stream_id',
};

/**
 * Replays the whole log into fresh read models (and snapshots), then compares them with the live ones
 * (`check`) or replaces them. The replay runs in one transaction that holds the `streams` table: appends
 * wait until it is done, so nothing is missed between the replay and the swap. Scratch tables live in
 * a schema of their own and are dropped at the end.
 */
export class ProjectionRebuilder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registrations: ReadonlyArray<AggregateRegistration<never>>,
  ) {}

  async rebuild(options: RebuildOptions): Promise<RebuildReport> {
    const registrations = this.registrations as unknown as ReadonlyArray<AggregateRegistration<unknown>>;
    const chosen = registrations.map((r) => ({
      ...r,
      projections: r.projections.filter((p) => !options.only || options.only.includes(p.name)),
    }));
    const tables = [
      ...new Set(['stream_snapshots', ...chosen.flatMap((r) => r.projections.flatMap((p) => [...p.tables]))]),
    ];
    const scratch = `berth_rebuild_${Date.now().toString(36)}`;
    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    await queryRunner.startTransaction();
    const manager = queryRunner.manager;
    try {
      await manager.query(`LOCK TABLE streams IN SHARE ROW EXCLUSIVE MODE`);
      await manager.query(`CREATE SCHEMA ${scratch}`);
      for (const table of tables) {
        await manager.query(`CREATE TABLE ${scratch}.${table} (LIKE public.${table} INCLUDING ALL)`);
      }
      // Projections write unqualified table names: inside this transaction they resolve to the scratch copies.
      await manager.query(`SET LOCAL search_path TO ${scratch}, public`);
      const { events, streams, unreadable } = await this.replay(manager, chosen);
      await manager.query(`SET LOCAL search_path TO public`);
      const differences: TableDifference[] = [];
      for (const table of tables) {
        const difference = await this.compare(manager, scratch, table);
        if (difference.missingOrDifferent > 0 || difference.unexpected > 0) differences.push(difference);
      }
      if (!options.check) {
        for (const table of tables) await this.replace(manager, scratch, table);
        for (const projection of chosen.flatMap((r) => r.projections)) {
          await manager.query(
            `INSERT INTO projection_versions (projection, version, rebuilt_at) VALUES ($1, $2, now())
             ON CONFLICT (projection) DO UPDATE SET version = EXCLUDED.version, rebuilt_at = now()`,
            [projection.name, projection.version],
          );
        }
      }
      await manager.query(`DROP SCHEMA ${scratch} CASCADE`);
      await queryRunner.commitTransaction();
      return {
        events,
        streams,
        unreadable,
        projections: chosen.flatMap((r) => r.projections.map((p) => p.name)),
        differences,
        replaced: !options.check,
      };
    } catch (error) {
      await queryRunner.rollbackTransaction();
      throw error;
    } finally {
      await queryRunner.release();
    }
  }

  /** Projections whose stored version differs from the code's (or that were never built). */
  async stale(): Promise<string[]> {
    const rows: Array<{ projection: string; version: number }> = await this.dataSource.query(
      `SELECT projection, version FROM projection_versions`,
    );
    const built = new Map(rows.map((r) => [r.projection, r.version]));
    const registrations = this.registrations as unknown as ReadonlyArray<AggregateRegistration<unknown>>;
    return registrations
      .flatMap((r) => r.projections)
      .filter((p) => built.get(p.name) !== p.version)
      .map((p) => p.name);
  }

  private async replay(
    manager: EntityManager,
    registrations: ReadonlyArray<AggregateRegistration<unknown>>,
  ): Promise<{ events: number; streams: number; unreadable: UnreadableEvent[] }> {
    const unreadable: UnreadableEvent[] = [];
    const snapshots = new StreamSnapshotRepository(this.dataSource);
    let events = 0;
    let streams = 0;
    let current:
      { streamId: string; registration: AggregateRegistration<unknown>; state: unknown } | undefined;
    let last: RecordedEvent | undefined;
    const flush = async () => {
      if (!current || !last) return;
      streams++;
      await snapshots.save(manager, current.streamId, current.registration.aggregate.stateVersion, {
        streamVersion: last.streamVersion,
        state: current.state,
      });
      for (const projection of current.registration.projections)
        await projection.apply(manager, current.state, []);
    };
    let after: [string, number] = ['', 0];
    for (;;) {
      // Keyset pages in stream order: each stream's events arrive together, in version order.
      const rows: EventRow[] = await manager.query(
        `SELECT ${EVENT_COLUMNS} FROM public.events
         WHERE (stream_id, stream_version) > ($1, $2) ORDER BY stream_id, stream_version LIMIT 5000`,
        after,
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const event = toRecordedEvent(row);
        events++;
        if (event.streamId !== current?.streamId) {
          await flush();
          const registration = registrations.find((r) => event.streamId.startsWith(r.aggregate.streamPrefix));
          current = registration
            ? {
                streamId: event.streamId,
                registration,
                state: registration.aggregate.initial(event.streamId),
              }
            : undefined;
        }
        if (current) {
          try {
            current.state = current.registration.aggregate.evolve(current.state, event);
          } catch (error) {
            // One malformed event (written by hand, or by a bulk load) must not stop a rebuild or a migration.
            if (unreadable.length < 20)
              unreadable.push({
                streamId: event.streamId,
                streamVersion: event.streamVersion,
                type: event.type,
                error: (error as Error).message,
              });
          }
        }
        last = event;
      }
      const tail = rows[rows.length - 1]!;
      after = [tail.stream_id, tail.stream_version];
    }
    await flush();
    return { events, streams, unreadable };
  }

  private async columnsOf(manager: EntityManager, table: string): Promise<string[]> {
    const rows: Array<{ column_name: string }> = await manager.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    return rows.map((r) => r.column_name);
  }

  private async compare(manager: EntityManager, scratch: string, table: string): Promise<TableDifference> {
    const columns = (await this.columnsOf(manager, table)).filter(
      (c) => !(NOT_FROM_EVENTS[table] ?? []).includes(c) && c !== 'updated_at',
    );
    const list = columns.map((c) => `"${c}"`).join(', ');
    const key = KEY_COLUMN[table] ?? columns[0]!;
    const missing: Array<{ key: string }> = await manager.query(
      `SELECT "${key}"::text AS key FROM (SELECT ${list} FROM ${scratch}.${table} EXCEPT SELECT ${list} FROM public.${table}) d`,
    );
    const unexpected: Array<{ key: string }> = await manager.query(
      `SELECT "${key}"::text AS key FROM (SELECT ${list} FROM public.${table} EXCEPT SELECT ${list} FROM ${scratch}.${table}) d`,
    );
    return {
      table,
      missingOrDifferent: missing.length,
      unexpected: unexpected.length,
      examples: [...new Set([...missing, ...unexpected].map((r) => r.key))].slice(0, 5),
    };
  }

  private async replace(manager: EntityManager, scratch: string, table: string): Promise<void> {
    const columns = await this.columnsOf(manager, table);
    const kept = NOT_FROM_EVENTS[table] ?? [];
    const key = KEY_COLUMN[table] ?? columns[0]!;
    const select = columns
      .map((c) =>
        kept.includes(c)
          ? `(SELECT live."${c}" FROM public.${table} live WHERE live."${key}" = fresh."${key}")`
          : `fresh."${c}"`,
      )
      .join(', ');
    await manager.query(
      `CREATE TEMP TABLE berth_replaced ON COMMIT DROP AS SELECT ${select} FROM ${scratch}.${table} fresh`,
    );
    await manager.query(`DELETE FROM public.${table}`);
    await manager.query(`INSERT INTO public.${table} SELECT * FROM berth_replaced`);
    await manager.query(`DROP TABLE berth_replaced`);
  }
}
