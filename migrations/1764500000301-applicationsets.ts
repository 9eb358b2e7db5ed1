import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read model of ApplicationSets (ApplicationSetReadModelProjection writes it from each set's stream):
 * the manifest, the template's project (RBAC object `<project>/<name>`), and the last reconciliation's
 * generated applications and conditions.
 */
export class ApplicationSets1764500000301 implements MigrationInterface {
  name = 'ApplicationSets1764500000301';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE applicationsets (
        name          text PRIMARY KEY,
        project       text NOT NULL,
        manifest      jsonb NOT NULL,
        applications  jsonb NOT NULL DEFAULT '[]'::jsonb,
        conditions    jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS applicationsets`);
  }
}
