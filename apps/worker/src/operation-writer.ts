import {
  applicationAggregate,
  applicationStreamId,
  decideOperationStep,
  type ApplicationState,
  type EventMetadata,
  type OpenOperation,
  type OperationStep,
} from '@berth/domain';
import type { LoadedStream } from '@berth/event-store';
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

/**
 * Records one operation's steps through the command path, deciding on the state this run last saw (no
 * read before each write). Others may append meanwhile (a refresh, a user's refresh or terminate): the
 * command path then reads again and the step is decided on top of what they wrote. Progress of this
 * operation that this run did not record is the fence of docs/adr/0003: another run took the operation
 * over, and this one stops (OperationTakenOverSignal) instead of recording a task twice.
 */
export class OperationWriter {
  private readonly streamId: string;

  constructor(
    private readonly deps: WorkerDeps,
    private known: LoadedStream<ApplicationState>,
    private readonly operationId: string,
    private readonly metadata: EventMetadata,
  ) {
    this.streamId = applicationStreamId(known.state.name);
  }

  get streamVersion(): number {
    return this.known.version;
  }

  /** The app's state as this run last read or wrote it (what others appended since its last write included). */
  get state(): ApplicationState {
    return this.known.state;
  }

  /** Records a step; `terminable` steps are refused (OperationTerminatedSignal) once a terminate was asked. */
  async append(step: OperationStep, terminable = true): Promise<void> {
    const mine = progressOf(this.known.state.openOperation);
    this.known = await this.deps.commands.handle(
      applicationAggregate,
      this.streamId,
      (state) => {
        this.fence(state, mine);
        if (terminable && state.openOperation?.terminateRequested)
          throw new OperationTerminatedSignal('terminated');
        return decideOperationStep(state, this.operationId, step);
      },
      this.metadata,
      { known: this.known, attempts: 5 },
    );
  }

  /** Reads what others appended; throws OperationTerminatedSignal when one terminates this operation. */
  async checkTerminated(): Promise<void> {
    const mine = progressOf(this.known.state.openOperation);
    const loaded = await this.deps.commands.load(applicationAggregate, this.streamId);
    this.fence(loaded.state, mine);
    this.known = loaded;
    if (loaded.state.openOperation?.terminateRequested) throw new OperationTerminatedSignal('terminated');
  }

  private fence(state: ApplicationState, mine: string): void {
    const open = state.openOperation;
    if (open?.operationId === this.operationId && progressOf(open) === mine) return;
    throw new OperationTakenOverSignal(
      `operation ${this.operationId} of ${this.streamId} was taken over by another run ` +
        (open?.operationId === this.operationId
          ? `(its progress moved to ${progressOf(open)} while this run was at ${mine})`
          : '(it finished meanwhile)'),
    );
  }
}

/** What only the run holding an operation changes: its attempt, recorded tasks and retries. */
function progressOf(op: OpenOperation | null): string {
  if (!op) return 'none';
  return `${op.started?.attempt ?? 0}@${op.startedAt ?? '-'}/${op.synced.length} tasks/${op.retries} retries`;
}
