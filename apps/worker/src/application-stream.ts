import {
  type ApplicationEvent,
  applicationStreamId,
  type ApplicationView,
  projectApplicationView,
  type RecordedEvent,
} from '@berth/domain';
import type { StreamEntry } from '@berth/domain/reconcile';
import type { WorkerDeps } from './worker-deps';

/** One application as the worker reads it: its stream and the view folded from exactly that stream. */
export interface LoadedApplication {
  view: ApplicationView;
  entries: StreamEntry[];
  /** The stream version the worker decides on (optimistic concurrency). */
  version: number;
}

export function toStreamEntry(recorded: RecordedEvent): StreamEntry {
  const event = { type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data };
  return { event: event as ApplicationEvent, recordedAt: recorded.recordedAt };
}

/**
 * Undefined when the application does not exist (deleted, or never created). The view is folded
 * from the stream rather than read from the `applications` row, so view and version always agree.
 */
export async function loadApplication(
  deps: WorkerDeps,
  name: string,
): Promise<LoadedApplication | undefined> {
  const recorded = await deps.store.readStream(applicationStreamId(name));
  let view: ApplicationView | null = null;
  for (const r of recorded) {
    view = projectApplicationView(view, toStreamEntry(r).event, {
      streamVersion: r.streamVersion,
      recordedAt: r.recordedAt,
      actor: r.metadata.actor,
    });
  }
  if (!view) return undefined;
  const version = recorded[recorded.length - 1]?.streamVersion ?? 0;
  return { view, entries: recorded.map(toStreamEntry), version };
}
