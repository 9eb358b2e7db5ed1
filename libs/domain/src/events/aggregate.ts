import type { RecordedEvent } from './event-envelope';

/**
 * An event-sourced aggregate: how the state of one stream is folded from its events. The command path
 * (libs/infra CommandHandler) loads a snapshot of this state and the events after it, decides, appends,
 * and stores the new state in the same transaction.
 */
export interface Aggregate<S> {
  /** Names the aggregate in snapshots and errors, e.g. `application`. */
  readonly name: string;
  /** Its streams' ids start with this, e.g. `application-`. */
  readonly streamPrefix: string;
  /**
   * Bump when the state's shape or the fold's meaning changes: snapshots stored at another version are
   * ignored (the stream is folded from its start) and replaced at the next append.
   */
  readonly stateVersion: number;
  initial(streamId: string): S;
  evolve(state: S, event: RecordedEvent): S;
}
