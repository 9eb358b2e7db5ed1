import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `unconfirmed_since`: when the earliest attempt of a delivery whose outcome the notifier never learned
 * started (its notifier died mid-send and another took the claim over, or the request timed out). Before
 * sending again, a receiver that can be searched (Slack with a bot token) is searched from a little before
 * then for the message, by delivery id, so a crash does not post it twice (apps/notifier/README.md).
 */
export class NotificationDeliveryUnconfirmed1764300000101 implements MigrationInterface {
  name = 'NotificationDeliveryUnconfirmed1764300000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_deliveries ADD COLUMN unconfirmed_since timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_deliveries DROP COLUMN unconfirmed_since`);
  }
}
