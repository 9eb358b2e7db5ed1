import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local accounts (docs/accounts.md).
 *
 * - `accounts`, `account_tokens`, `revoked_tokens`: read models of the account streams (API keys listed by
 *   id, session tokens logged out before their expiry, when the password last changed), written in the
 *   append's transaction and rebuilt from the log.
 * - `account_passwords`: the bcrypt hash of each account's password. Not in the log (a hash is a secret):
 *   written beside the `AccountPasswordChanged` event, in its transaction, like sealed credentials.
 * - `auth_server_key`: the token signing key Berth generated at its first start when `BERTH_SERVER_SECRET_KEY`
 *   is not set (Argo CD's `server.secretkey`), sealed with `BERTH_SECRET_KEY` when that is set.
 * - `audit_log` gains `actor_groups`: the SSO groups of the actor, as the event's metadata recorded them.
 */
export class Accounts1764400000201 implements MigrationInterface {
  name = 'Accounts1764400000201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        name            text PRIMARY KEY,
        password_mtime  bigint,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE account_tokens (
        account     text NOT NULL,
        id          text NOT NULL,
        issued_at   bigint NOT NULL,
        expires_at  bigint,
        PRIMARY KEY (account, id)
      )`);
    await q.query(`
      CREATE TABLE revoked_tokens (
        account     text NOT NULL,
        id          text NOT NULL,
        expires_at  bigint NOT NULL,
        PRIMARY KEY (account, id)
      )`);
    await q.query(`
      CREATE TABLE account_passwords (
        account        text PRIMARY KEY,
        password_hash  text NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON TABLE account_passwords IS 'bcrypt hashes of local account passwords: never in the event log, written beside AccountPasswordChanged.'`,
    );
    await q.query(`
      CREATE TABLE auth_server_key (
        id          smallint PRIMARY KEY CHECK (id = 1),
        key         text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE OR REPLACE VIEW audit_log AS
      SELECT
        e.recorded_at                                   AS time,
        e.metadata->>'actor'                            AS actor,
        e.data->>'application'                          AS application,
        e.type                                          AS event_type,
        COALESCE(e.summary, e.type)                     AS summary,
        e.metadata->>'reason'                           AS reason,
        e.data                                          AS data,
        e.metadata->>'correlationId'                    AS correlation_id,
        e.stream_id                                     AS stream_id,
        e.position                                      AS position,
        e.metadata->'groups'                            AS actor_groups
      FROM events e`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW audit_log`);
    await q.query(`
      CREATE VIEW audit_log AS
      SELECT e.recorded_at AS time, e.metadata->>'actor' AS actor, e.data->>'application' AS application,
        e.type AS event_type, COALESCE(e.summary, e.type) AS summary, e.metadata->>'reason' AS reason,
        e.data AS data, e.metadata->>'correlationId' AS correlation_id, e.stream_id AS stream_id,
        e.position AS position
      FROM events e`);
    for (const table of [
      'auth_server_key',
      'account_passwords',
      'revoked_tokens',
      'account_tokens',
      'accounts',
    ])
      await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
