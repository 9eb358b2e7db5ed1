import type { EntityManager } from 'typeorm';

/**
 * AppProject manifests (the `projects` read model) as the planner reads them: inside the subscription's
 * transaction, so a batch sees one snapshot of projects and events. Projects carry subscriptions too
 * (`notifications.argoproj.io/subscribe.*` annotations).
 */
export class ProjectManifestsRepository {
  async find(manager: EntityManager, name: string): Promise<Record<string, unknown> | undefined> {
    const rows: Array<{ manifest: Record<string, unknown> }> = await manager.query(
      `SELECT manifest FROM projects WHERE name = $1`,
      [name],
    );
    return rows[0]?.manifest;
  }
}
