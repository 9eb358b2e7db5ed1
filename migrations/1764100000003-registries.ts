import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the repository and cluster registries. The sealed credentials (AES-256-GCM,
 * see libs/infra/src/crypto/secret-box.ts) live here and nowhere else: not in events, not in logs.
 */
export class Registries1764100000003 implements MigrationInterface {
  name = 'Registries1764100000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE repositories (
        url                 text PRIMARY KEY,
        normalized_url      text NOT NULL UNIQUE,
        name                text,
        type                text NOT NULL,
        project             text,
        credential_type     text NOT NULL,
        username            text,
        sealed_credentials  text,
        connection_state    jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE clusters (
        name              text PRIMARY KEY,
        server            text NOT NULL UNIQUE,
        auth_type         text NOT NULL,
        sealed_config     text,
        connection_state  jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS clusters`);
    await q.query(`DROP TABLE IF EXISTS repositories`);
  }
}
