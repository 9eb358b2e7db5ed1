import {
  projectApplicationView,
  type ApplicationEvent,
  type ApplicationView,
  type RecordedEvent,
} from '@berth/domain';
import type { EntityManager } from 'typeorm';
import type { InlineProjection } from './inline-projection';

interface ApplicationRow {
  name: string;
  project: string;
  manifest: ApplicationView['manifest'];
  sync_status: string;
  health_status: string;
  revision: string | null;
  status: Record<string, unknown>;
  operation: Record<string, unknown> | null;
  stream_version: number;
  created_at: Date;
  updated_at: Date;
}

export function rowToApplicationView(row: ApplicationRow): ApplicationView {
  return {
    name: row.name,
    project: row.project,
    manifest: row.manifest,
    syncStatus: row.sync_status,
    healthStatus: row.health_status,
    revision: row.revision,
    status: row.status,
    operation: row.operation,
    streamVersion: row.stream_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Keeps the `applications` table equal to the fold of each application's stream. */
export class ApplicationViewProjection implements InlineProjection {
  readonly name = 'applications';

  handles(streamId: string): boolean {
    return streamId.startsWith('application-');
  }

  async apply(manager: EntityManager, events: readonly RecordedEvent[]): Promise<void> {
    const name = (events[0]!.data as { application: string }).application;
    const rows: ApplicationRow[] = await manager.query(
      `SELECT * FROM applications WHERE name = $1 FOR UPDATE`,
      [name],
    );
    const before = rows[0] ? rowToApplicationView(rows[0]) : null;
    let view = before;
    for (const event of events) {
      view = projectApplicationView(view, event as unknown as ApplicationEvent, {
        streamVersion: event.streamVersion,
        recordedAt: event.recordedAt,
        actor: event.metadata.actor,
      });
    }
    if (!view) {
      if (before) await manager.query(`DELETE FROM applications WHERE name = $1`, [name]);
      return;
    }
    await manager.query(
      `INSERT INTO applications (name, project, manifest, sync_status, health_status, revision, status, operation, stream_version, created_at, updated_at)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11)
       ON CONFLICT (name) DO UPDATE SET project = EXCLUDED.project, manifest = EXCLUDED.manifest,
         sync_status = EXCLUDED.sync_status, health_status = EXCLUDED.health_status, revision = EXCLUDED.revision,
         status = EXCLUDED.status, operation = EXCLUDED.operation, stream_version = EXCLUDED.stream_version,
         created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
      [
        view.name,
        view.project,
        JSON.stringify(view.manifest),
        view.syncStatus,
        view.healthStatus,
        view.revision,
        JSON.stringify(view.status),
        view.operation === null ? null : JSON.stringify(view.operation),
        view.streamVersion,
        view.createdAt,
        view.updatedAt,
      ],
    );
  }
}
