import type { ApplicationEvent } from '../events/application.events';

/** One event of an application's stream with the time it was recorded (the log's clock, not ours). */
export interface StreamEntry {
  event: ApplicationEvent;
  recordedAt: Date;
}
