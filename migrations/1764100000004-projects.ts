import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read model of AppProjects. `default` is built in and permits everything until a user defines it. */
export class Projects1764100000004 implements MigrationInterface {
  name = 'Projects1764100000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projects (
        name        text PRIMARY KEY,
        manifest    jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS projects`);
  }
}
