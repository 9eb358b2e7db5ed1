import type { AppProjectState } from '@berth/domain';
import type { EntityManager } from 'typeorm';
import type { StateProjection } from './state-projection';

/** The `projects` table: one row per existing AppProject, written from its folded state. */
export class ProjectReadModelProjection implements StateProjection<AppProjectState> {
  readonly name = 'projects';
  readonly version = 1;
  readonly tables = ['projects'] as const;

  async apply(manager: EntityManager, state: AppProjectState): Promise<void> {
    if (!state.exists || !state.manifest) {
      await manager.query(`DELETE FROM projects WHERE name = $1`, [state.name]);
      return;
    }
    await manager.query(
      `INSERT INTO projects (name, manifest, created_at, updated_at) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (name) DO UPDATE SET manifest = EXCLUDED.manifest, created_at = EXCLUDED.created_at,
         updated_at = EXCLUDED.updated_at`,
      [state.name, JSON.stringify(state.manifest), state.createdAt, state.updatedAt],
    );
  }
}
