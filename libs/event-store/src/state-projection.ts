import type { RecordedEvent } from '@berth/domain';
import type { EntityManager } from 'typeorm';

/**
 * A read model written from an aggregate's state after each append, in the append's transaction: a
 * reader never sees an event without its effect on the read model, or the other way round. Rebuilt by
 * replaying the log (`ProjectionRebuilder`) when its `version` changes.
 */
export interface StateProjection<S> {
  readonly name: string;
  /** Bump when what it writes changes: `npm run migrate` then rebuilds it from the log. */
  readonly version: number;
  /** The tables it writes (rebuilt and compared by `ProjectionRebuilder`). */
  readonly tables: readonly string[];
  apply(manager: EntityManager, state: S, events: readonly RecordedEvent[]): Promise<void>;
}
