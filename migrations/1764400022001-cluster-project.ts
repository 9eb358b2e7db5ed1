import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `clusters.project`: Argo CD's project-scoped cluster. A cluster registered with a project is used only by
 * that project's Applications, and it is what `permitOnlyProjectScopedClusters: true` admits. Null: a
 * cluster any project may name in its destinations (every cluster registered before this column).
 */
export class ClusterProject1764400022001 implements MigrationInterface {
  name = 'ClusterProject1764400022001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE clusters ADD COLUMN project text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE clusters DROP COLUMN project`);
  }
}
