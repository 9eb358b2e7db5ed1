import type { Aggregate, DomainEvent, EventMetadata, RecordedEvent } from '@berth/domain';
import type { EntityManager } from 'typeorm';
import { WrongExpectedVersionError } from './event-store.errors';
import type { PostgresEventStore } from './postgres-event-store';
import type { StateProjection } from './state-projection';
import type { StreamSnapshotRepository } from './stream-snapshot.repository';

/** An aggregate and the read models written from its state. */
export interface AggregateRegistration<S> {
  aggregate: Aggregate<S>;
  projections: ReadonlyArray<StateProjection<S>>;
}

/** A stream's state and the version it was folded to. */
export interface LoadedStream<S> {
  state: S;
  version: number;
}

export interface HandleResult<S> extends LoadedStream<S> {
  /** What this command appended (empty when the decision was "nothing to record"). */
  events: RecordedEvent[];
}

export interface HandleOptions<S> {
  /**
   * State the caller already holds (from an earlier `handle` or `load`): the first attempt decides on it
   * without reading; a conflict re-reads. Long operations append step after step this way.
   */
  known?: LoadedStream<S>;
  /** Attempts when someone else appended first (each re-reads and decides again). Default 4. */
  attempts?: number;
  /** Statements that belong in the append's transaction (a read-model touch that is not an event). */
  alsoInTransaction?: (manager: EntityManager) => Promise<void>;
}

/** Counts of rows a command read: the tail-read guarantee is tested against it. */
export interface ReadCounters {
  snapshotsRead: number;
  eventsRead: number;
}

/**
 * The one command path (emmett's CommandHandler): load the stream's state (snapshot + the events after
 * it), decide (pure), append with the version decided on, and in the same transaction store the new
 * state as the snapshot and write the read models from it. Someone appending first makes it read again
 * and decide again. Every state change of an aggregate goes through here; nothing else appends.
 */
export class CommandHandler {
  readonly reads: ReadCounters = { snapshotsRead: 0, eventsRead: 0 };
  private readonly registrations: ReadonlyArray<AggregateRegistration<unknown>>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly snapshots: StreamSnapshotRepository,
    registrations: ReadonlyArray<AggregateRegistration<never>>,
  ) {
    this.registrations = registrations;
  }

  /** The state of a stream now: its snapshot and the events after it. */
  async load<S>(aggregate: Aggregate<S>, streamId: string): Promise<LoadedStream<S>> {
    const snapshot = await this.snapshots.get<S>(streamId, aggregate.stateVersion);
    this.reads.snapshotsRead++;
    const from = snapshot?.streamVersion ?? 0;
    const tail = await this.store.readStream(streamId, from + 1);
    this.reads.eventsRead += tail.length;
    let state = snapshot?.state ?? aggregate.initial(streamId);
    for (const event of tail) state = aggregate.evolve(state, event);
    return { state, version: tail[tail.length - 1]?.streamVersion ?? from };
  }

  async handle<S, E extends DomainEvent>(
    aggregate: Aggregate<S>,
    streamId: string,
    decide: (state: S) => E[] | Promise<E[]>,
    /** For every event, or per event (see PostgresEventStore.append). */
    metadata: EventMetadata | ((event: E) => EventMetadata),
    options: HandleOptions<S> = {},
  ): Promise<HandleResult<S>> {
    const registration = this.registrationOf(aggregate);
    const attempts = options.attempts ?? 4;
    let known = options.known;
    for (let attempt = 1; ; attempt++) {
      const loaded = known ?? (await this.load(aggregate, streamId));
      known = undefined;
      const events = await decide(loaded.state);
      if (events.length === 0) return { ...loaded, events: [] };
      let after: S = loaded.state;
      try {
        const { events: recorded, nextVersion } = await this.store.append(
          streamId,
          loaded.version,
          events,
          metadata as EventMetadata | ((event: DomainEvent) => EventMetadata),
          async (manager, appended) => {
            for (const event of appended) after = aggregate.evolve(after, event);
            await this.snapshots.save(manager, streamId, aggregate.stateVersion, {
              streamVersion: appended[appended.length - 1]!.streamVersion,
              state: after,
            });
            for (const projection of registration.projections)
              await projection.apply(manager, after, appended);
            if (options.alsoInTransaction) await options.alsoInTransaction(manager);
          },
        );
        return { state: after, version: nextVersion, events: recorded };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < attempts) continue;
        throw error;
      }
    }
  }

  private registrationOf<S>(aggregate: Aggregate<S>): AggregateRegistration<S> {
    const found = this.registrations.find((r) => r.aggregate === (aggregate as Aggregate<unknown>));
    if (!found) throw new Error(`aggregate ${aggregate.name} is not registered with the command handler`);
    return found as unknown as AggregateRegistration<S>;
  }
}
