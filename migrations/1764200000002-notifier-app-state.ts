import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notifier folds each application with the same `evolveApplication` as everything else and keeps the
 * whole state (`state`); `app` stays as what triggers last saw (Argo CD's Application shape). Rows written
 * before this have no state: the notifier folds the app's stream up to `event_position` the first time it
 * meets one again.
 */
export class NotifierAppState1764200000002 implements MigrationInterface {
  name = 'NotifierAppState1764200000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier_app_state ADD COLUMN state jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier_app_state DROP COLUMN state`);
  }
}
