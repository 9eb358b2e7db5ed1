import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, type PrivatePostgres, startPrivatePostgres } from '@berth/testing';
import type { PoolClient } from 'pg';
import { createDataSource } from './data-source';

describe('createDataSource: a Postgres restart never becomes an uncaught exception', () => {
  let pg: PrivatePostgres;
  let url: string;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    url = await pg.createDatabase('data_source');
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
  });

  it('a client checked out between two statements when Postgres ends its session: the next statement fails, nothing else', async () => {
    const dataSource = createDataSource(url, { poolSize: 2 });
    await dataSource.initialize();
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.query('SELECT 1');
      // pg-pool has taken its own 'error' listener off this client while it is checked out.
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      // Waits on 'end', not 'error': a listener of the test's own would hide the bug it looks for.
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      await pg.restart('fast'); // 57P01 to every session, this idle checked-out one included
      await ended;
      await expect(runner.query('SELECT 1')).rejects.toThrow();
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await runner.release().catch(() => undefined);
    }
    // The pool gives out a working connection again.
    await eventually(async () => expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]), {
      timeout: 10_000,
      what: 'a query after the restart',
    });
    await dataSource.destroy();
  }, 40_000);
});
