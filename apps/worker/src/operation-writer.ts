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
 * Appends one operation's events with optimistic concurrency. Others may append to the stream
 * meanwhile (a refresh, a user's RefreshRequested or TerminateRequested): on a version conflict
 * the writer reads what they wrote, stops if it is a termination of this operation, and
 * otherwise appends again on top.
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

  private async catchUp(): Promise<boolean> {
    const tail = await this.deps.store.readStream(this.streamId, this.version + 1);
    let terminated = false;
    for (const r of tail) {
      const { event } = toStreamEntry(r);
      if (event.type === 'TerminateRequested' && event.data.operationId === this.operationId)
        terminated = true;
      this.version = r.streamVersion;
    }
    return terminated;
  }
}
