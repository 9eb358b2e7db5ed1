import type { ApplicationState } from '@berth/domain';
import type { EntityManager } from 'typeorm';
import type { StateProjection } from './state-projection';

/**
 * The `applications` table: one row per existing application, written from its folded state (the status
 * in Argo CD's shape). Queries and lists read it; commands read the stream's snapshot instead. A deleted
 * application's row is removed (its stream and snapshot stay). `reconciled_at` is not from the log: a
 * refresh that finds nothing new touches it without an event.
 */
export class ApplicationReadModelProjection implements StateProjection<ApplicationState> {
  readonly name = 'applications';
  readonly version = 2;
  readonly tables = ['applications'] as const;

  async apply(manager: EntityManager, state: ApplicationState): Promise<void> {
    if (!state.exists || !state.manifest) {
      await manager.query(`DELETE FROM applications WHERE name = $1`, [state.name]);
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
        state.name,
        state.project,
        JSON.stringify(state.manifest),
        state.status.sync.status,
        state.status.health.status,
        state.status.sync.revision ?? state.status.sync.revisions?.[0] ?? null,
        JSON.stringify(state.status),
        state.operation ? JSON.stringify(state.operation) : null,
        state.streamVersion,
        state.createdAt,
        state.updatedAt,
      ],
    );
  }
}
