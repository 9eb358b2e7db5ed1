import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, type PrivatePostgres, startPrivatePostgres } from '@berth/testing';
import { Client } from 'pg';
import { PostgresListener } from './postgres-listener';

async function notify(url: string, channel: string): Promise<void> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`SELECT pg_notify($1, '')`, [channel]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('PostgresListener: a LISTEN connection that survives a Postgres restart', () => {
  let pg: PrivatePostgres;
  let url: string;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    url = await pg.createDatabase('listener');
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
  });

  it('hears notifications again after a fast restart, and says it is back so the caller catches up', async () => {
    let heard = 0;
    let reconnected = 0;
    const logged: string[] = [];
    const listener = await PostgresListener.open({
      databaseUrl: url,
      channel: 'berth_test',
      onNotify: () => heard++,
      onReconnected: () => reconnected++,
      log: (_level, message) => logged.push(message),
      retryDelayMs: 100,
    });
    try {
      await notify(url, 'berth_test');
      await eventually(() => expect(heard).toBe(1), { timeout: 5_000, what: 'the first notification' });

      await pg.restart('fast'); // ends the LISTEN session with 57P01
      await eventually(() => expect(reconnected).toBe(1), {
        timeout: 15_000,
        what: 'the LISTEN connection back',
      });
      expect(listener.listening).toBe(true);
      await notify(url, 'berth_test');
      await eventually(() => expect(heard).toBe(2), {
        timeout: 5_000,
        what: 'a notification after the restart',
      });
      expect(logged.some((line) => line.includes('connection lost'))).toBe(true);
    } finally {
      await listener.close();
    }
  }, 40_000);

  it('keeps trying while Postgres is down and stops trying once closed', async () => {
    let reconnected = 0;
    const listener = await PostgresListener.open({
      databaseUrl: url,
      channel: 'berth_test',
      onNotify: () => undefined,
      onReconnected: () => reconnected++,
      retryDelayMs: 100,
      maxRetryDelayMs: 200,
    });
    await pg.stop('fast');
    await eventually(() => expect(listener.listening).toBe(false), { timeout: 5_000, what: 'the loss seen' });
    await pg.start();
    await eventually(() => expect(reconnected).toBe(1), { timeout: 15_000, what: 'reconnected after start' });
    await listener.close();
    expect(listener.listening).toBe(false);
  }, 40_000);

  it('refuses a channel name that is not a plain identifier', async () => {
    await expect(
      PostgresListener.open({ databaseUrl: url, channel: 'x; DROP TABLE events', onNotify: () => undefined }),
    ).rejects.toThrow('invalid NOTIFY channel name');
  });
});
