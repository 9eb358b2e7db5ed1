import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres';

async function answer(url: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ one: string }>(`SELECT 'up' AS one`);
    return rows[0]!.one;
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('PrivatePostgres: a Postgres of its own, on a loopback port', () => {
  let pg: PrivatePostgres;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
  });

  it('answers on its own port, never on 5432, and creates databases', async () => {
    expect(pg.port).not.toBe(5432);
    expect(pg.url()).toBe(`postgres://postgres@127.0.0.1:${pg.port}/postgres`);
    expect(await answer(await pg.createDatabase('faults_a'))).toBe('up');
  });

  it('a fast restart ends open sessions with 57P01 and keeps the data', async () => {
    const session = new Client({ connectionString: pg.url('faults_a') });
    const ended = new Promise<string>((resolve) =>
      session.on('error', (error) => resolve((error as { code?: string }).code ?? error.message)),
    );
    await session.connect();
    await session.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)');
    await pg.restart('fast');
    expect(await ended).toBe('57P01');
    await session.end().catch(() => undefined);
    const client = new Client({ connectionString: pg.url('faults_a') });
    await client.connect();
    expect((await client.query<{ n: number }>('SELECT n FROM kept')).rows).toEqual([{ n: 1 }]);
    await client.end();
  }, 30_000);

  it('stopped, the port refuses connections; started again, it answers', async () => {
    await pg.stop('immediate');
    expect(pg.running).toBe(false);
    expect(await answer(pg.url())).toBe('ECONNREFUSED');
    await pg.start();
    expect(await answer(pg.url())).toBe('up');
  }, 30_000);

  it('kill -9 is a crash: the next start recovers', async () => {
    await pg.kill();
    expect(await answer(pg.url())).toBe('ECONNREFUSED');
    await pg.start();
    expect(await answer(pg.url('faults_a'))).toBe('up');
  }, 30_000);

  it('destroy removes its data dir', async () => {
    const other = await startPrivatePostgres();
    await other.destroy();
    expect(existsSync(other.dataDir)).toBe(false);
    expect(await answer(other.url())).toBe('ECONNREFUSED');
  }, 60_000);
});
