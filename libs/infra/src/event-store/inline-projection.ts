import type { RecordedEvent } from '@berth/domain';
import type { EntityManager } from 'typeorm';

/**
 * A read model kept up to date in the same transaction as the append, so a reader never sees an
 * event without its effect on the read model (or the other way round).
 */
export interface InlineProjection {
  readonly name: string;
  /** Streams this projection cares about, by id prefix (`application-`). */
  handles(streamId: string): boolean;
  apply(manager: EntityManager, events: readonly RecordedEvent[]): Promise<void>;
}
