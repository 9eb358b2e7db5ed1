import type { ApplicationSetState } from '@berth/domain';
import type { EntityManager } from 'typeorm';
import type { StateProjection } from './state-projection';

/** The `applicationsets` table: one row per existing ApplicationSet, written from its folded state. */
export class ApplicationSetReadModelProjection implements StateProjection<ApplicationSetState> {
  readonly name = 'applicationsets';
  readonly version = 1;
  readonly tables = ['applicationsets'] as const;

  async apply(manager: EntityManager, state: ApplicationSetState): Promise<void> {
    if (!state.exists || !state.manifest) {
      await manager.query(`DELETE FROM applicationsets WHERE name = $1`, [state.name]);
      return;
    }
    await manager.query(
      `INSERT INTO applicationsets (name, project, manifest, applications, conditions, created_at, updated_at)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6, $7)
       ON CONFLICT (name) DO UPDATE SET project = EXCLUDED.project, manifest = EXCLUDED.manifest,
         applications = EXCLUDED.applications, conditions = EXCLUDED.conditions,
         created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
      [
        state.name,
        state.project,
        JSON.stringify(state.manifest),
        JSON.stringify(state.applications),
        JSON.stringify(state.conditions),
        state.createdAt,
        state.updatedAt,
      ],
    );
  }
}
