/**
 * Who did it, why, and how it relates to other events. Stored beside every event in the log,
 * so the audit log can answer "who synced api-prod last Tuesday and why" without joins.
 */
export interface EventMetadata {
  /**
   * The person or service that caused the change: the authenticated subject of the API request (a local
   * account, an SSO user, `proj:<project>:<role>`), `anonymous` (only with anonymous access enabled), or
   * `system:<service>` for Berth's own decisions.
   */
  actor: string;
  /** The SSO groups the actor held when it made the request (from the claims named in `scopes`). */
  groups?: string[];
  /** Why it happened, in words a person wrote or a rule that fired ("auto-sync: new revision"). */
  reason?: string;
  /** Groups every event caused by one request or operation. */
  correlationId?: string;
  /** The event or request that directly caused this one. */
  causationId?: string;
  /** The Berth process that appended it: scheduler, worker, notifier. */
  source?: string;
}

/** An event as a decider produces it: a fact in the past tense, not yet stored. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  /** Bumped when the shape of `data` changes; readers upcast old versions. */
  schemaVersion: number;
  data: TData;
}

/** An event as the log returns it. */
export interface RecordedEvent<TEvent extends DomainEvent = DomainEvent> {
  /** Global position: unique and increasing, but NOT commit order (see checkpoint). */
  position: bigint;
  /** Commit order of the appending transaction (pg xid8); with position it orders the whole log. */
  transactionId: bigint;
  streamId: string;
  /** 1 for the first event of a stream. */
  streamVersion: number;
  type: TEvent['type'];
  schemaVersion: number;
  data: TEvent['data'];
  metadata: EventMetadata;
  recordedAt: Date;
}
