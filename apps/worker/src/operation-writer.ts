import { type ApplicationEvent, applicationStreamId, type EventMetadata } from '@berth/domain';
import { WrongExpectedVersionError } from '@berth/infra';
import { toStreamEntry } from './application-stream';
import type { WorkerDeps } from './worker-deps';

/** A TerminateRequested for the running operation was found in the log. */
export class OperationTerminatedSignal extends Error {
  override readonly name = 'OperationTerminatedSignal';
  readonly code = 'Terminated';
}

/**
 * Another run of this operation recorded progress since this run last read the stream: this run lost
 * the app's lease (it stalled past the lease TTL, e.g. a long pause or a partition, and another worker
 * took the operation over). It must stop without recording anything: the other run carries on.
 */
export class OperationTakenOverSignal extends Error {
  override readonly name = 'OperationTakenOverSignal';
  readonly code = 'TakenOver';
}

/** Only the run that holds an operation appends these; seeing one from someone else means a takeover. */
const OPERATION_PROGRESS = new Set([
  'SyncOperationStarted',
  'ResourceSynced',
  'SyncOperationSucceeded',
  'SyncOperationFailed',
  'SyncOperationTerminated',
]);

/**
 * Appends one operation's events with optimistic concurrency. Others may append to the stream
 * meanwhile (a refresh, a user's RefreshRequested or TerminateRequested): on a version conflict
 * the writer reads what they wrote, stops if it is a termination of this operation, and
 * otherwise appends again on top. Progress of this operation recorded by someone else is the
 * fence of docs/adr/0003: another run took the operation over, and this one stops
 * (OperationTakenOverSignal) instead of recording a task twice.
 */
export class OperationWriter {
  private readonly streamId: string;

  constructor(
    private readonly deps: WorkerDeps,
    application: string,
    private version: number,
    private readonly operationId: string,
    private readonly metadata: EventMetadata,
  ) {
    this.streamId = applicationStreamId(application);
  }

  get streamVersion(): number {
    return this.version;
  }

  async append(events: ApplicationEvent[], terminable = true): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        this.version = (
          await this.deps.store.append(this.streamId, this.version, events, this.metadata)
        ).nextVersion;
        return;
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
        // May throw OperationTakenOverSignal, whether or not the events are terminable.
        const terminated = await this.catchUp();
        if (terminated && terminable) throw new OperationTerminatedSignal('terminated');
      }
    }
    throw new Error(
      `stream ${this.streamId} kept changing while operation ${this.operationId} appended; retry the sync`,
    );
  }

  /** Reads events appended by others; throws OperationTerminatedSignal when one terminates this operation. */
  async checkTerminated(): Promise<void> {
    if (await this.catchUp()) throw new OperationTerminatedSignal('terminated');
  }

  /**
   * Reads what others appended since this writer's version. Everything after it was appended by
   * someone else: this writer's own appends move the version past them.
   */
  private async catchUp(): Promise<boolean> {
    const tail = await this.deps.store.readStream(this.streamId, this.version + 1);
    let terminated = false;
    for (const r of tail) {
      const { event } = toStreamEntry(r);
      const ofThisOperation = 'operationId' in event.data && event.data.operationId === this.operationId;
      if (ofThisOperation && OPERATION_PROGRESS.has(event.type)) {
        throw new OperationTakenOverSignal(
          `operation ${this.operationId} of ${this.streamId} was taken over by another run (${event.type} at version ${r.streamVersion}, appended by ${String(r.metadata.source ?? 'unknown')})`,
        );
      }
      if (event.type === 'TerminateRequested' && ofThisOperation) terminated = true;
      this.version = r.streamVersion;
    }
    return terminated;
  }
}
