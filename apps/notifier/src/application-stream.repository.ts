import { applicationStreamId, type RecordedEvent } from '@berth/domain';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from '@berth/event-store';
import type { EntityManager } from 'typeorm';

/** An application's event stream, read inside the planner's transaction. */
export class ApplicationStreamRepository {
  /**
   * The application's events up to `position` (inclusive), in stream order. Within one stream positions
   * grow with versions, so this is a prefix of the stream.
   */
  async readUpTo(manager: EntityManager, application: string, position: string): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await manager.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND position <= $2 ORDER BY stream_version`,
      [applicationStreamId(application), position],
    );
    return rows.map(toRecordedEvent);
  }
}
